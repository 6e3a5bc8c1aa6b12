from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarioConfig(AppConfig):
    name = "calendario"
    verbose_name = _("Calendario")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation)
