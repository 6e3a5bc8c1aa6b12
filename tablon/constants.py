"""Choices of the notice board."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoPublicacion(models.TextChoices):
    EDICTO = "edicto", _("Edicto")
    ANUNCIO = "anuncio", _("Anuncio")
