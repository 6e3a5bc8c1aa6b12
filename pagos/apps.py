from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagosConfig(AppConfig):
    """Online payment of a procedure's fee through a payment gateway (docs/pagos.md)."""

    name = "pagos"
    verbose_name = _("Pagos")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
