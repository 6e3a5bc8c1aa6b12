"""Reads of the notifications app, with the access rule applied here once.

Citizens see the notifications addressed to them and to the people who have registered a power
in their favour (in force or not: opening still needs a power in force, and the refusal says
why). Staff see those of their units (role × units, ``identidad.scope``). Everyone else: 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from identidad.scope import staff_scope

from .constants import Estado
from .models import Notificacion

PAGE = 50


@dataclass(frozen=True)
class Alcance:
    """Whose notifications a citizen may see (REA-7): their own, and those of anyone whose
    power, in force now, covers the notification's procedure — resolved once per request."""

    interesados: frozenset[int]  # own + represented in every procedure
    by_procedure: tuple[tuple[frozenset[int], frozenset[int]], ...] = ()  # (people, procs)

    def rule(self) -> Q:
        rule = Q(destinatario_id__in=sorted(self.interesados))
        for people, procedures in self.by_procedure:
            rule |= Q(destinatario_id__in=sorted(people), procedimiento_id__in=sorted(procedures))
        return rule


def alcance_of(user) -> Alcance:
    from apoderamientos.selectors import interesado_and_representados

    cached = getattr(user, "_notificaciones_alcance", None)
    if cached is not None:
        return cached
    own, represented = interesado_and_representados(user)  # one query on PostgreSQL
    interesados = set(represented.everywhere) | ({own.pk} if own is not None else set())
    alcance = Alcance(
        interesados=frozenset(interesados),
        by_procedure=tuple(
            (frozenset({person}), procs) for person, procs in represented.by_procedure.items()
        ),
    )
    user._notificaciones_alcance = alcance
    return alcance


def notificaciones_for_citizen(user, alcance: Alcance | None = None) -> QuerySet[Notificacion]:
    if not user.is_authenticated:
        return Notificacion.objects.none()
    alcance = alcance or alcance_of(user)
    if not alcance.interesados and not alcance.by_procedure:
        return Notificacion.objects.none()
    return Notificacion.objects.filter(alcance.rule()).exclude(estado=Estado.PREPARADA)


def notificacion_refusal_reason(user, pk: int) -> str | None:
    """For someone who once held a power of the addressee but may not act now: the reason
    (so they are told why, not shown a 404 — issue 12); ``None`` for anyone else."""
    from apoderamientos.decision import person_interesado

    own = person_interesado(user) if user.is_authenticated else None
    if own is None:
        return None
    notificacion = (
        Notificacion.objects.filter(pk=pk, destinatario__apoderamientos_otorgados__apoderado=own)
        .exclude(estado=Estado.PREPARADA)
        .select_related("destinatario", "procedimiento")
        .first()
    )
    if notificacion is None:
        return None
    from .services import access_decision

    return access_decision(user, notificacion).reason


def notificaciones_list_for_citizen(user, limit: int = PAGE) -> list[Notificacion]:
    return list(notificaciones_ordered_for_citizen(user)[:limit])


def notificaciones_ordered_for_citizen(
    user, alcance: Alcance | None = None
) -> QuerySet[Notificacion]:
    """Pending first (nearest expiry first), then the rest, newest first."""
    return (
        notificaciones_for_citizen(user, alcance)
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
