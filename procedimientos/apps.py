from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedimientosConfig(AppConfig):
    name = "procedimientos"
    verbose_name = _("Procedimientos")
