from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")

    def ready(self) -> None:
        # The prefill sources the sede owns (issue 16), in procedimientos' registry.
        from .fuentes import register_all

        register_all()
