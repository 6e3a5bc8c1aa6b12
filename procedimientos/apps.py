from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedimientosConfig(AppConfig):
    name = "procedimientos"
    verbose_name = _("Procedimientos")

    def ready(self) -> None:
        # Evidence and progress proxies declared by each app (procedimientos/indicadores.py).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicadores")
