"""The reads of the payments app, with the access rule applied here: a citizen sees only the
payments they made."""

from __future__ import annotations

from django.db.models import QuerySet

from .constants import EstadoPago
from .models import Pago


def pagos_of_user(user) -> QuerySet[Pago]:
    if not getattr(user, "is_authenticated", False):
        return Pago.objects.none()
    return Pago.objects.filter(user=user).select_related("procedimiento")


def pago_for_user(user, public_id) -> Pago:
    """Raises ``Pago.DoesNotExist`` (a 404) for anybody else's payment."""
    return pagos_of_user(user).get(public_id=public_id)


def pagos_for_referencia(referencia: str) -> QuerySet[Pago]:
    return Pago.objects.filter(referencia=referencia).order_by("-created_at")


def pago_valid_for(referencia: str, amount_cents: int) -> Pago | None:
    """The authorised payment of this amount for ``referencia`` (the earliest), or None.

    Read from the primary: a payment just authorised must count at once."""
    return (
        Pago.objects.using("default")
        .filter(referencia=referencia, estado=EstadoPago.AUTORIZADO, amount_cents=amount_cents)
        .order_by("decided_at", "pk")
        .first()
    )
