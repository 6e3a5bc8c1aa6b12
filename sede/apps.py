from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")

    def ready(self) -> None:
        # The Bilbao street list's formats join the engine's identifiers (issue 16).
        from .filing import calles  # noqa: F401
