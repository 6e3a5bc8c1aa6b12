"""Every write of the payments app: start a payment, receive the gateway's notification,
refund. Each is one transaction.

Only ``pago_notification_receive`` — a notification whose signature, order, merchant,
amount and currency check out — can mark a payment paid. The citizen's return to URLOK
changes nothing."""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.models import User
from identidad.services import audit_record

from .backends.base import NotificacionInvalida, get_gateway
from .constants import CURRENCY_EUR, EstadoPago, ResultadoNotificacion
from .models import NotificacionPago, Pago
from .tasas import Tasa, tasa_for, tasa_of

logger = logging.getLogger(__name__)

__all__ = [
    "NotificacionRechazada",
    "PagoRefused",
    "Tasa",
    "pago_notification_receive",
    "pago_refund",
    "pago_start",
    "tasa_for",
    "tasa_of",
]

_ALPHABET = string.digits + string.ascii_uppercase


class PagoRefused(Exception):  # noqa: N818 - the domain's word
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotificacionRechazada(Exception):  # noqa: N818
    """The callback refuses a notification; ``status`` is the HTTP answer (4xx)."""

    def __init__(self, motivo: str, status: int = 400):
        super().__init__(motivo)
        self.motivo = motivo
        self.status = status


def _new_order() -> str:
    """Redsys-style: 12 characters, the first 4 digits (here the month and day, for people
    reading bank statements), then 8 random letters and digits."""
    return timezone.localdate().strftime("%m%d") + "".join(
        secrets.choice(_ALPHABET) for _ in range(8)
    )


@transaction.atomic
def pago_start(
    *,
    user: User,
    procedimiento,
    referencia: str,
    tasa: Tasa,
    return_url: str = "",
) -> Pago:
    """A new payment attempt (a new order number each time: retrying never reuses one)."""
    gateway = get_gateway()
    if gateway is None:
        raise PagoRefused(
            _("El pago en línea no está disponible en este momento. Inténtelo más tarde.")
        )
    if Pago.objects.filter(
        referencia=referencia, estado=EstadoPago.AUTORIZADO, amount_cents=tasa.amount_cents
    ).exists():
        raise PagoRefused(_("Esta tasa ya está pagada."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                pago = Pago.objects.create(
                    order=_new_order(),
                    user=user,
                    procedimiento=procedimiento,
                    referencia=referencia,
                    amount_cents=tasa.amount_cents,
                    concept_es=tasa.concept_es[:120],
                    concept_eu=tasa.concept_eu[:120],
                    gateway=gateway.name,
                    return_url=return_url[:300],
                )
            break
        except IntegrityError:  # the order number was taken: draw another one
            continue
    else:  # pragma: no cover - 36^8 numbers a day
        raise PagoRefused(_("No se ha podido iniciar el pago. Inténtelo de nuevo."))
    audit_record(
        actor=user,
        action="pagos.pago.start",
        obj=pago,
        detail={"order": pago.order, "amount_cents": pago.amount_cents},
    )
    return pago


def _record(
    *,
    post: Mapping[str, str],
    resultado: str,
    motivo: str = "",
    pago=None,
    order: str = "",
    decoded=None,
    response_code: str = "",
    ip: str | None = None,
):
    return NotificacionPago.objects.create(
        pago=pago,
        order=(order or "")[:40],
        resultado=resultado,
        motivo=motivo[:200],
        response_code=response_code[:4],
        signature_version=str(post.get("Ds_SignatureVersion", ""))[:40],
        merchant_parameters=str(post.get("Ds_MerchantParameters", ""))[:20000],
        signature=str(post.get("Ds_Signature", ""))[:200],
        decoded=decoded,
        source_ip=ip or None,
    )


@dataclass(frozen=True)
class Outcome:
    notificacion: NotificacionPago
    pago: Pago | None


def pago_notification_receive(*, post: Mapping[str, str], ip: str | None = None) -> Outcome:
    """The gateway's server-to-server notification.

    Verified (signature in constant time, merchant), matched (order known, amount and
    currency those of the payment) and applied at most once: the payment row is locked and
    moved out of ``pendiente`` by a conditional update, so a repeated or concurrent
    notification is recorded as ``repetida`` and changes nothing. Anything else raises
    ``NotificacionRechazada`` (4xx) after recording the refusal; the payment is untouched."""
    gateway = get_gateway()
    if gateway is None:
        raise NotificacionRechazada("online payment is not configured", status=404)
    try:
        notif = gateway.parse_notification(post)
    except NotificacionInvalida as exc:
        _record(
            post=post,
            resultado=ResultadoNotificacion.RECHAZADA,
            motivo=exc.motivo,
            order=exc.order,
            decoded=exc.decoded,
            ip=ip,
        )
        logger.warning("Payment notification refused: %s (order %r)", exc.motivo, exc.order)
        raise NotificacionRechazada(exc.motivo) from exc

    refusal: NotificacionRechazada | None = None
    with transaction.atomic():
        pago = Pago.objects.select_for_update().filter(order=notif.order).first()
        code = f"{notif.response_code:04d}"[:4]
        common = {"post": post, "order": notif.order, "decoded": notif.raw["decoded"], "ip": ip}
        if pago is None:
            refusal = NotificacionRechazada("unknown order", status=404)
        elif notif.amount_cents != pago.amount_cents or notif.currency != CURRENCY_EUR:
            refusal = NotificacionRechazada("amount or currency do not match the order")
        if refusal is not None:
            record = _record(
                **common,
                pago=pago,
                resultado=ResultadoNotificacion.RECHAZADA,
                motivo=refusal.motivo,
                response_code=code,
            )
        else:
            assert pago is not None
            if notif.authorised:
                new = EstadoPago.AUTORIZADO
            elif notif.cancelled:
                new = EstadoPago.ANULADO
            else:
                new = EstadoPago.DENEGADO
            now = timezone.now()
            changed = Pago.objects.filter(pk=pago.pk, estado=EstadoPago.PENDIENTE).update(
                estado=new,
                response_code=code,
                authorisation_code=notif.authorisation_code if notif.authorised else "",
                notification_raw=notif.raw,
                decided_at=now,
                updated_at=now,
            )
            if changed:
                pago.refresh_from_db()
                record = _record(
                    **common,
                    pago=pago,
                    resultado=ResultadoNotificacion.ACEPTADA,
                    response_code=code,
                )
                audit_record(
                    actor=None,
                    action="pagos.pago.notification",
                    obj=pago,
                    detail={"order": pago.order, "estado": new, "response": code},
                    ip=ip,
                )
            else:
                if notif.authorised and pago.estado != EstadoPago.AUTORIZADO:
                    # Money taken for a payment already decided otherwise: staff must see it.
                    logger.error(
                        "Payment %s authorised by the gateway after being %s: check and refund",
                        pago.order,
                        pago.estado,
                    )
                record = _record(
                    **common,
                    pago=pago,
                    resultado=ResultadoNotificacion.REPETIDA,
                    motivo=f"already {pago.estado}",
                    response_code=code,
                )
    if refusal is not None:
        logger.warning("Payment notification refused: %s (order %r)", refusal.motivo, notif.order)
        raise refusal
    return Outcome(notificacion=record, pago=pago)


@transaction.atomic
def pago_refund(*, pago: Pago, actor: User, reason: str = "") -> Pago:
    """Record a refund (devolución) made through the gateway's back office: the payment
    becomes ``devuelto``; the draft or the filing it paid for are left as they are."""
    now = timezone.now()
    changed = Pago.objects.filter(pk=pago.pk, estado=EstadoPago.AUTORIZADO).update(
        estado=EstadoPago.DEVUELTO,
        refunded_at=now,
        refunded_by=actor,
        refund_reason=reason[:2000],
        updated_at=now,
    )
    if not changed:
        raise PagoRefused(_("Solo se puede devolver un pago autorizado."))
    pago.refresh_from_db()
    audit_record(
        actor=actor,
        action="pagos.pago.refund",
        obj=pago,
        detail={"order": pago.order, "reason": reason[:200]},
    )
    return pago
