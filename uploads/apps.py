from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = _("Política de ficheros")

    def ready(self) -> None:
        # The malware scanner: a class that cannot be loaded stops start-up (web, worker,
        # beat, manage.py) naming the variable.
        from .scanning import check_backend_setting

        check_backend_setting()
