from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirmaConfig(AppConfig):
    name = "firma"
    verbose_name = _("Firma electrónica")
