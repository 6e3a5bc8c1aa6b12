"""Choices of the filing flow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstadoBorrador(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    PRESENTADO = "presentado", _("Presentado")


class MetodoFirma(models.TextChoices):
    """CAT-5: how the application was signed."""

    NINGUNA = "ninguna", _("Sin firma (solo identificación)")
    CLAVE_CONCERTADA = "concertada", _("Identificación fuerte y sello del Ayuntamiento")
    CERTIFICADO = "certificado", _("Firma con certificado propio")
    HABILITADO = "habilitado", _("Firma del funcionario/a habilitado/a en nombre de la persona")
