"""Plan-progress proxy of the powers registry (procedimientos.indicadores, docs/catalogo.md)."""

from django.utils.translation import gettext_lazy as _

from procedimientos.indicadores import Proxy, register_proxy


def _electronic_share() -> tuple[int, int]:
    from django.db.models import Count, Q

    from .constants import CanalOtorgamiento
    from .models import Apoderamiento

    counts = Apoderamiento.objects.aggregate(
        total=Count("pk"), electronic=Count("pk", filter=Q(canal=CanalOtorgamiento.SEDE))
    )
    return counts["electronic"], counts["total"]


register_proxy(
    Proxy(
        action_code="apoderamientos",
        formula=_(
            "Apoderamientos inscritos por la sede electrónica (apud acta en línea) / todos los "
            "apoderamientos inscritos."
        ),
        compute=_electronic_share,
    )
)
