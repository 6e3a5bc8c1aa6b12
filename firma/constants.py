"""Choices of the firma app (CSV documents and portafirmas)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstadoPeticion(models.TextChoices):
    EN_CURSO = "en_curso", _("En curso")
    COMPLETADA = "completada", _("Completada")
    RECHAZADA = "rechazada", _("Rechazada")


class EstadoPaso(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_CURSO = "en_curso", _("En curso")
    COMPLETADO = "completado", _("Completado")
    ANULADO = "anulado", _("Anulado")


class TipoAccion(models.TextChoices):
    FIRMA = "firma", _("Firma")
    VISTO_BUENO = "visto_bueno", _("Visto bueno")


class ModoFirma(models.TextChoices):
    """In whose name the signer acts (FIR-5; Ley 40/2015 arts. 12.3 and 13.4)."""

    PROPIO = "propio", _("En nombre propio")
    DELEGACION = "delegacion", _("Por delegación")
    SUPLENCIA = "suplencia", _("Por suplencia")


class EstadoAccion(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_COLA = "en_cola", _("Firmando")
    HECHA = "hecha", _("Hecha")
    RECHAZADA = "rechazada", _("Rechazada")
    ANULADA = "anulada", _("Anulada")


PDF_MIME = "application/pdf"
