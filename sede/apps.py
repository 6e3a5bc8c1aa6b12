from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")

    def ready(self) -> None:
        # The Bilbao street list's formats join the engine's identifiers (issue 16).
        from .filing import calles  # noqa: F401

        # The prefill sources the sede owns (issue 16), in procedimientos' registry.
        from .fuentes import checks, register_all  # noqa: F401  (checks: sede.E001, W001)

        register_all()
