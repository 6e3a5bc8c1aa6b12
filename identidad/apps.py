from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentidadConfig(AppConfig):
    name = "identidad"
    verbose_name = _("Identidad")

    def ready(self) -> None:
        from .backends import base  # noqa: F401  (connects the login audit signal handlers)
