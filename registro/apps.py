from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistroConfig(AppConfig):
    name = "registro"
    verbose_name = _("Registro")

    def ready(self) -> None:
        # The upload policy's malware scanner: a class that cannot be loaded stops start-up
        # (web, worker, beat, manage.py) naming the variable.
        from .uploads.scanning import check_backend_setting

        check_backend_setting()
