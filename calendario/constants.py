from django.db import models
from django.utils.translation import gettext_lazy as _


class Ambito(models.TextChoices):
    """Who declares a non-working day (Ley 39/2015 art. 30.7): the values are the CSV's."""

    ESTADO = "state", _("Estatal")
    EUSKADI = "euskadi", _("Euskadi")
    BIZKAIA = "bizkaia", _("Bizkaia")
    BILBAO = "bilbao", _("Bilbao (local)")


class UnidadPlazo(models.TextChoices):
    """How a plazo is expressed (Ley 39/2015 art. 30). The values are used by the API."""

    DIAS_HABILES = "working_days", _("días hábiles")
    DIAS_NATURALES = "natural_days", _("días naturales")
    MESES = "months", _("meses")
    ANOS = "years", _("años")
    HORAS = "hours", _("horas")


# Art. 30.1: a term in hours may last at most 24 hours; longer ones are expressed in days.
MAX_HOURS = 24
