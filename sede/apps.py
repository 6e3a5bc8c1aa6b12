from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")

    def ready(self) -> None:
        # A new form version moves the citizens' drafts in progress (or is refused when it
        # would break them): procedimientos asks, sede answers (sede/formularios_publicacion.py).
        from procedimientos.formularios.publicacion import register_publish_check

        from .formularios_publicacion import BORRADORES_CHECK

        register_publish_check(BORRADORES_CHECK)
        # The Bilbao street list's formats join the engine's identifiers (issue 16).
        from .filing import calles  # noqa: F401

        # The prefill sources the sede owns (issue 16), in procedimientos' registry.
        from .fuentes import checks, register_all  # noqa: F401  (checks: sede.E001, W001)

        register_all()
