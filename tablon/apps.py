from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TablonConfig(AppConfig):
    name = "tablon"
    verbose_name = _("Tablón de edictos")
