from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApoderamientosConfig(AppConfig):
    name = "apoderamientos"
    verbose_name = _("Apoderamientos")
