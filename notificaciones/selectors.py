"""Reads of the notifications app, with the access rule applied here once.

Citizens see the notifications addressed to them and to the people who have registered a power
in their favour (in force or not: opening still needs a power in force, and the refusal says
why). Staff see those of their units (role × units, ``identidad.scope``). Everyone else: 404.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from identidad.scope import staff_scope

from .constants import Estado
from .models import Notificacion

PAGE = 50


def _citizen_rule(user) -> Q | None:
    """Notifications to the user's own interesado or to their poderdantes'. The own one comes
    from the user (cached for the request); both as ONE ``IN`` over a UNION inside the list's
    own query, which PostgreSQL serves from the recipient index (an OR would not)."""
    from apoderamientos.models import Apoderamiento
    from apoderamientos.selectors import interesado_of_user
    from identidad.models import Interesado

    own = interesado_of_user(user)
    if own is None:
        return None
    through = Apoderamiento.poderdantes.through
    ids = (
        through.objects.filter(apoderamiento__apoderado_id=own.pk)
        .order_by()
        .values("interesado_id")
        .union(Interesado.objects.filter(pk=own.pk).order_by().values("pk"))
    )
    return Q(destinatario_id__in=ids)


def notificaciones_for_citizen(user) -> QuerySet[Notificacion]:
    if not user.is_authenticated:
        return Notificacion.objects.none()
    rule = _citizen_rule(user)
    if rule is None:
        return Notificacion.objects.none()
    return Notificacion.objects.filter(rule).exclude(estado=Estado.PREPARADA)


def notificaciones_list_for_citizen(user, limit: int = PAGE) -> list[Notificacion]:
    return list(notificaciones_ordered_for_citizen(user)[:limit])


def notificaciones_ordered_for_citizen(user) -> QuerySet[Notificacion]:
    """Pending first (nearest expiry first), then the rest, newest first."""
    return (
        notificaciones_for_citizen(user)
        .select_related("destinatario", "expediente")
        .annotate(
            pendiente_orden=Case(
                When(estado=Estado.PUESTA, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pendiente_orden", "expira_at", "-puesta_at", "-pk")
    )


def notificacion_get_for_citizen(user, pk: int) -> Notificacion | None:
    return (
        notificaciones_for_citizen(user)
        .select_related("destinatario", "expediente", "unidad", "procedimiento", "apoderamiento")
        .filter(pk=pk)
        .first()
    )


def notificaciones_for_staff(user) -> QuerySet[Notificacion]:
    scope = staff_scope(user)
    if not scope.is_staff or not user.has_perm("notificaciones.view_notificacion"):
        return Notificacion.objects.none()
    qs = Notificacion.objects.all()
    if scope.sees_all_units:
        return qs
    return qs.filter(unidad_id__in=scope.unit_ids)


def notificacion_get_for_staff(user, pk: int) -> Notificacion | None:
    return (
        notificaciones_for_staff(user)
        .select_related("destinatario", "expediente", "unidad", "abierta_por", "apoderamiento")
        .filter(pk=pk)
        .first()
    )


def notificaciones_staff_list(user, *, q: str = "", estado: str = "", limit: int = PAGE):
    qs = notificaciones_for_staff(user).select_related("destinatario", "expediente")
    if estado:
        qs = qs.filter(estado=estado)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(identificador=q.upper())
            | Q(destinatario__nif=q.upper())
            | Q(expediente__identificador=q)
        )
    return list(qs.order_by("-created_at", "-pk")[:limit])


def staff_units(user) -> list:
    return list(user.unidades.order_by("pk")) if user.is_authenticated else []


def remesas_for_staff(user):
    from .models import Remesa

    scope = staff_scope(user)
    if not scope.is_staff:
        return Remesa.objects.none()
    if scope.sees_all_units:
        return Remesa.objects.all()
    return Remesa.objects.filter(unidad_id__in=scope.unit_ids)
