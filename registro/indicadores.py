"""Plan-progress proxy of the single registry (procedimientos.indicadores, docs/catalogo.md)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedimientos.indicadores import Proxy, register_proxy

ELECTRONIC = ("sede", "api")


def _electronic_share() -> tuple[int, int]:
    from django.db.models import Count, Q

    from .constants import Direccion
    from .models import Asiento

    since = timezone.now() - timedelta(days=365)
    counts = Asiento.objects.filter(direction=Direccion.ENTRADA, presented_at__gte=since).aggregate(
        total=Count("pk"), electronic=Count("pk", filter=Q(canal__in=ELECTRONIC))
    )
    return counts["electronic"], counts["total"]


register_proxy(
    Proxy(
        action_code="registro-unico",
        formula=_(
            "Asientos de entrada de los últimos 365 días presentados por la sede electrónica o "
            "por integración (API) / todos los asientos de entrada de esos días."
        ),
        compute=_electronic_share,
    )
)
