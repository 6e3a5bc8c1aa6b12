from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirmaConfig(AppConfig):
    name = "firma"
    verbose_name = _("Firma electrónica")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers firma.E001... system checks)
