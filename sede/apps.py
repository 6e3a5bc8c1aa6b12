from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")
