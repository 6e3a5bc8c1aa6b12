from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class IdentidadConfig(AppConfig):
    name = "identidad"
    verbose_name = _("Identidad")

    def ready(self) -> None:
        from .backends import base  # noqa: F401  (connects the login audit signal handlers)
        from .workspace import sync_role_permissions

        # Each app's staff.py declares its staff pages and the permissions of each role.
        autodiscover_modules("staff")
        post_migrate.connect(sync_role_permissions, dispatch_uid="identidad.sync_role_permissions")
