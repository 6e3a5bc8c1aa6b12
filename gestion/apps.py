from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GestionConfig(AppConfig):
    """The staff home: navigation built from what each app declares (identidad.workspace).

    Nothing depends on this app; it holds no models and no rules.
    """

    name = "gestion"
    verbose_name = _("Área de personal")

    def ready(self) -> None:
        from django.contrib import admin

        # "Ver el sitio" in the admin leads staff back to their home, not to the citizen sede.
        admin.site.site_url = "/gestion/"
