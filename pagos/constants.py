"""Choices of the payments app (labels translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstadoPago(models.TextChoices):
    """pendiente → autorizado | denegado | anulado; autorizado → devuelto.

    Only a verified gateway notification moves a payment out of ``pendiente``; only a
    refund (staff) moves it from ``autorizado`` to ``devuelto``."""

    PENDIENTE = "pendiente", _("Pendiente")
    AUTORIZADO = "autorizado", _("Pagado")
    DENEGADO = "denegado", _("Denegado")
    ANULADO = "anulado", _("Cancelado")
    DEVUELTO = "devuelto", _("Devuelto")


class ResultadoNotificacion(models.TextChoices):
    ACEPTADA = "aceptada", _("Aceptada")
    REPETIDA = "repetida", _("Repetida (sin efecto)")
    RECHAZADA = "rechazada", _("Rechazada")


# Redsys: Ds_Response 0000–0099 authorised; 9915 the card holder cancelled at the gateway.
AUTHORISED_RESPONSES = range(0, 100)
CANCELLED_RESPONSES = frozenset({9915})
CURRENCY_EUR = "978"  # ISO 4217 numeric
