"""Reads of the registry, with the access rule applied here once (REA-7)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from identidad.models import Interesado, User

from .constants import TipoHabilitacion
from .decision import Decision, can_act, person_interesado
from .models import Apoderamiento, Habilitacion


def is_desk_staff(user: User | None, instant: datetime | None = None) -> bool:
    """Staff who register, verify and consult powers at an assistance office.

    Either holding the ``gestionar_apoderamientos`` permission or registered as habilitado
    of the assistance-office kind (HAB-1 c) at that instant.
    """
    if user is None or not user.is_authenticated or not user.is_staff or not user.is_active:
        return False
    if user.has_perm("apoderamientos.gestionar_apoderamientos"):
        return True
    return (
        Habilitacion.objects.filter(staff=user, tipo=TipoHabilitacion.OFICINA_ASISTENCIA)
        .valid_at(instant or timezone.now())
        .exists()
    )


def apoderamientos_for_user(user: User) -> QuerySet[Apoderamiento]:
    """The powers a citizen is party to (as poderdante or apoderado), nothing else."""
    return (
        Apoderamiento.objects.visible_to(person_interesado(user))
        .select_related("apoderado")
        .prefetch_related("poderdantes", "procedimientos")
    )


def apoderamiento_for_user(user: User, pk: int) -> Apoderamiento:
    """One power the user is party to; ``Apoderamiento.DoesNotExist`` otherwise (→ 404)."""
    return apoderamientos_for_user(user).get(pk=pk)


def apoderamientos_search_for_staff(*, nif: str) -> QuerySet[Apoderamiento]:
    """Powers where ``nif`` is poderdante or apoderado. Callers audit the consultation."""
    from identidad.validators import normalize_nif

    interesado = Interesado.objects.filter(nif=normalize_nif(nif)).first()
    return (
        Apoderamiento.objects.visible_to(interesado)
        .select_related("apoderado")
        .prefetch_related("poderdantes")
    )


def interesados_for(
    person: User | Interesado, procedimiento=None, instant: datetime | None = None
) -> list[Interesado]:
    """For the "on behalf of" picker: the person first, then everyone who empowered them
    for ``procedimiento`` at ``instant`` (the same rule as ``can_act``, in one query)."""
    instant = instant or timezone.now()
    own = person_interesado(person)
    if own is None:
        return []
    powers = (
        Apoderamiento.objects.filter(apoderado=own)
        .effective_at(instant)
        .covering(procedimiento)
        .values("pk")
    )
    others = (
        Interesado.objects.filter(apoderamientos_otorgados__in=powers)
        .exclude(pk=own.pk)
        .distinct()
        .order_by("razon_social", "apellido1", "nombre")
    )
    return [own, *others]


def representation_contexts_for(interesado: Interesado):
    from .models import RepresentacionContexto

    return RepresentacionContexto.objects.filter(interesado=interesado).select_related(
        "apoderamiento", "habilitacion"
    )


__all__ = [
    "Decision",
    "can_act",
    "apoderamiento_for_user",
    "apoderamientos_for_user",
    "apoderamientos_search_for_staff",
    "interesados_for",
    "is_desk_staff",
]
