from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistroConfig(AppConfig):
    name = "registro"
    verbose_name = _("Registro")
