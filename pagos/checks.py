"""System checks of the payments configuration (docs/pagos.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def pagos_configuration(app_configs, **kwargs):
    problems = []
    gateway = getattr(settings, "PAGOS_GATEWAY", "") or ""
    if gateway.endswith("SimuladorGateway") and not getattr(settings, "PAGOS_SIMULADOR", False):
        problems.append(
            Error(
                "PAGOS_GATEWAY is the simulator but PAGOS_SIMULADOR is off.",
                hint="Configure the Redsys gateway, or set PAGOS_SIMULADOR=true (demo only).",
                id="pagos.E001",
            )
        )
    if gateway and not (
        getattr(settings, "PAGOS_REDSYS_KEY", "")
        and getattr(settings, "PAGOS_REDSYS_MERCHANT_CODE", "")
    ):
        problems.append(
            Error(
                "The payment gateway needs PAGOS_REDSYS_KEY and PAGOS_REDSYS_MERCHANT_CODE.",
                id="pagos.E002",
            )
        )
    if not settings.DEBUG and getattr(settings, "PAGOS_SIMULADOR", False):
        problems.append(
            Warning(
                "The payment simulator is on outside DEBUG: anybody can «pay» with it.",
                id="pagos.W001",
            )
        )
    if not gateway and not settings.DEBUG:
        problems.append(
            Warning(
                "No payment gateway (PAGOS_GATEWAY): procedures with a fee cannot be filed.",
                id="pagos.W002",
            )
        )
    return problems
