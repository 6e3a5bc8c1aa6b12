from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpedientesConfig(AppConfig):
    name = "expedientes"
    verbose_name = _("Expedientes")
