"""Reads of the registry, with the access rule applied here once (REA-7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from identidad.models import Interesado, User

from .constants import TipoApoderamiento, TipoHabilitacion
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


def interesado_of_user(user: User) -> Interesado | None:
    """``person_interesado`` for a logged-in user, kept on the user object (the reverse
    one-to-one accessor Django caches), so every section of a page asks once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.interesado
    except Interesado.DoesNotExist:
        found = person_interesado(user)  # linked by NIF only
        if found is not None:
            user._state.fields_cache["interesado"] = found
        return found


def interesado_and_representados(user: User) -> tuple[Interesado | None, Representados]:
    """``interesado_of_user(user)`` and whom it may act for now (``representados_of``), both
    kept on the objects for the rest of the request. On PostgreSQL both come in ONE query
    when the interesado is linked to the user (the powers as an array subquery): every
    citizen page that applies the representation rule saves a round trip."""
    from django.db import connection

    if not getattr(user, "is_authenticated", False):
        return None, Representados()
    if connection.vendor == "postgresql" and not user._state.fields_cache.get("interesado"):
        from django.contrib.postgres.expressions import ArraySubquery
        from django.db.models import F, OuterRef
        from django.db.models.functions import JSONObject

        instant = timezone.now()
        powers = _powers_in_force(OuterRef("pk"), instant).values(
            j=JSONObject(p=F("poderdantes"), t=F("tipo"), r=F("procedimientos"))
        )
        found = (
            Interesado.objects.filter(user=user)
            .annotate(_powers_in_force=ArraySubquery(powers))
            .first()
        )
        if found is None:
            # No interesado linked by user: interesado_of_user tries the NIF, once.
            user._state.fields_cache["interesado"] = None
        else:
            rows = [(row["p"], row["t"], row["r"]) for row in found._powers_in_force]
            found._representados_now = _representados(rows)  # type: ignore[attr-defined]
            user._state.fields_cache["interesado"] = found
    own = interesado_of_user(user)
    return own, representados_of(own)


@dataclass(frozen=True)
class Representados:
    """Whom an apoderado may act for at an instant, resolved in one query (REA-2, REA-5):
    ``everywhere`` — interesados whose general power (or one before this council) is in
    force; ``by_procedure`` — interesado → the procedures a power for concrete procedures
    names. Lists that show what represented people filed or received filter by these ids
    in SQL instead of asking ``can_act`` row by row (conventions: no per-row checks)."""

    everywhere: frozenset[int] = frozenset()
    by_procedure: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.everywhere or self.by_procedure)

    def procedure_groups(self) -> list[tuple[frozenset[int], frozenset[int]]]:
        """(interesado ids, procedure ids) pairs, interesados sharing a set grouped."""
        groups: dict[frozenset[int], set[int]] = {}
        for interesado_id, procedures in self.by_procedure.items():
            if interesado_id not in self.everywhere:
                groups.setdefault(procedures, set()).add(interesado_id)
        return [(frozenset(ids), procs) for procs, ids in groups.items()]


def representados_of(apoderado: Interesado | None, instant: datetime | None = None):
    """The people ``apoderado`` may act for at ``instant`` (now): one query. For "now" the
    answer is kept on the interesado object, so the sections of one page (Mi carpeta's
    filings, case files…) that reach the same object ask PostgreSQL once per request."""
    if apoderado is None:
        return Representados()
    if instant is None:
        cached = getattr(apoderado, "_representados_now", None)
        if cached is None:
            cached = representados_of(apoderado, timezone.now())
            apoderado._representados_now = cached  # type: ignore[attr-defined]  # request cache
        return cached
    rows = _powers_in_force(apoderado, instant).values_list("poderdantes", "tipo", "procedimientos")
    return _representados(rows)


def _powers_in_force(apoderado, instant: datetime):
    """The powers ``apoderado`` (an interesado or an ``OuterRef`` to one) holds in force at
    ``instant`` whose scope reaches this council."""
    from django.conf import settings

    return (
        Apoderamiento.objects.filter(apoderado=apoderado)
        .effective_at(instant)
        .filter(
            Q(tipo=TipoApoderamiento.GENERAL)
            | Q(tipo=TipoApoderamiento.ADMINISTRACION, administracion_dir3=settings.COUNCIL_DIR3)
            | Q(tipo=TipoApoderamiento.TRAMITES)
        )
    )


def _representados(rows) -> Representados:
    """``Representados`` from (poderdante, tipo, procedimiento) rows of powers in force."""
    everywhere: set[int] = set()
    by_procedure: dict[int, set[int]] = {}
    for poderdante_id, tipo, procedimiento_id in rows:
        if poderdante_id is None:
            continue
        if tipo != TipoApoderamiento.TRAMITES:
            everywhere.add(poderdante_id)
        elif procedimiento_id is not None:
            by_procedure.setdefault(poderdante_id, set()).add(procedimiento_id)
    return Representados(
        everywhere=frozenset(everywhere),
        by_procedure={k: frozenset(v) for k, v in by_procedure.items()},
    )
