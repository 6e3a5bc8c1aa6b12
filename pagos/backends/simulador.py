"""The simulator gateway (demo and tests): Redsys' protocol, played by a page of this app.

Same class, same signatures, same notification as the real Redsys gateway; only the
endpoint is the local page ``pagos:simulador``, which exists only with ``PAGOS_SIMULADOR``
on. The card holder chooses «Pagar», «Rechazar» or «Cancelar»; the page then sends the
signed notification to the callback service and sends the browser to URLOK / URLKO."""

from __future__ import annotations

from django.urls import reverse

from .redsys import RedsysGateway


class SimuladorGateway(RedsysGateway):
    name = "simulador"

    def endpoint(self) -> str:
        return reverse("pagos:simulador")
