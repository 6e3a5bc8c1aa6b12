"""Helpers of the payment tests: a payment, and notifications signed as Redsys signs them."""

from __future__ import annotations

from pagos.backends.base import get_gateway
from pagos.models import Pago


def make_pago(*, user, procedimiento, referencia="ref-1", amount_cents=4800, **extra) -> Pago:
    from pagos.services import pago_start
    from pagos.tasas import Tasa

    return pago_start(
        user=user,
        procedimiento=procedimiento,
        referencia=referencia,
        tasa=Tasa(amount_cents=amount_cents, concept_es="Tasa de prueba", concept_eu="Proba-tasa"),
        **extra,
    )


def signed_notification(pago: Pago, *, response="0000", amount_cents=None, order=None, **over):
    """A notification of ``pago`` signed with the configured merchant key."""
    gateway = get_gateway()
    fields = gateway.notification_fields(
        order=order or pago.order,
        amount_cents=pago.amount_cents if amount_cents is None else amount_cents,
        response=response,
        auth="123456" if response == "0000" else "",
    )
    fields.update(over)
    return gateway.signed_notification(fields)
