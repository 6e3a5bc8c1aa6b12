"""A payment of a procedure's fee and the append-only history of the gateway's notifications.

pagos never imports sede: the payment names what it pays for by an opaque ``referencia``
(the sede passes its draft's public id), plus the person and the procedure."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedimientos.models.i18n import pick

from .constants import EstadoPago, ResultadoNotificacion

# Redsys: 4 to 12 characters, the first 4 digits; we always use 12.
ORDER_RE = r"^[0-9]{4}[0-9A-Za-z]{8}$"


class Pago(models.Model):
    public_id = models.UUIDField(
        _("identificador"), default=uuid.uuid4, unique=True, editable=False
    )
    order = models.CharField(
        _("número de pedido"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(ORDER_RE)],
        help_text=_("12 caracteres, los 4 primeros numéricos (como pide Redsys)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona que paga"),
        on_delete=models.PROTECT,
        related_name="pagos",
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referencia = models.CharField(
        _("referencia"),
        max_length=64,
        db_index=True,
        help_text=_("Lo que se paga: el identificador del borrador de la solicitud."),
    )
    amount_cents = models.PositiveIntegerField(_("importe (céntimos)"))
    concept_es = models.CharField(_("concepto (castellano)"), max_length=120)
    concept_eu = models.CharField(_("concepto (euskera)"), max_length=120, blank=True)
    estado = models.CharField(
        _("estado"), max_length=12, choices=EstadoPago.choices, default=EstadoPago.PENDIENTE
    )
    gateway = models.CharField(_("pasarela"), max_length=40)
    authorisation_code = models.CharField(_("código de autorización"), max_length=12, blank=True)
    response_code = models.CharField(_("código de respuesta"), max_length=4, blank=True)
    notification_raw = models.JSONField(
        _("notificación de la pasarela"),
        default=dict,
        blank=True,
        help_text=_("La notificación firmada que decidió el estado, tal como llegó."),
    )
    return_url = models.CharField(_("volver a"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)
    decided_at = models.DateTimeField(_("resuelto por la pasarela"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("devuelto el"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("devuelto por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reason = models.TextField(_("motivo de la devolución"), blank=True)

    class Meta:
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pagos_pago_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="pagos_pago_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.amount_cents / 100:.2f} € · {self.estado}"

    @property
    def concept(self) -> str:
        return pick(self, "concept")

    @property
    def amount_eur(self) -> str:
        """«48,00» (the templates add the currency)."""
        return f"{self.amount_cents // 100},{self.amount_cents % 100:02d}"

    @property
    def is_paid(self) -> bool:
        return self.estado == EstadoPago.AUTORIZADO


class NotificacionPago(models.Model):
    """Every notification the gateway (or anyone) sent to the callback: append-only.

    Refused ones are kept too (forged or broken callbacks), without a payment when the order
    is unknown."""

    pago = models.ForeignKey(
        Pago,
        verbose_name=_("pago"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notificaciones",
    )
    order = models.CharField(_("número de pedido"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("recibida"), auto_now_add=True)
    resultado = models.CharField(
        _("resultado"), max_length=12, choices=ResultadoNotificacion.choices
    )
    motivo = models.CharField(_("motivo"), max_length=200, blank=True)
    response_code = models.CharField(_("código de respuesta"), max_length=4, blank=True)
    signature_version = models.CharField(max_length=40, blank=True)
    merchant_parameters = models.TextField(blank=True)
    signature = models.CharField(max_length=200, blank=True)
    decoded = models.JSONField(_("parámetros"), null=True, blank=True)
    source_ip = models.GenericIPAddressField(_("dirección de origen"), null=True, blank=True)

    class Meta:
        verbose_name = _("notificación de pago")
        verbose_name_plural = _("notificaciones de pago")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} · {self.resultado}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Payment notifications are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Payment notifications are append-only.")
