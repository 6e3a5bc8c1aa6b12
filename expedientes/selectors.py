"""The reads of case files, with the access rule applied here once.

Staff: the files of their units (and units below), plus any file shared with them by a
per-object grant (django-guardian) — resolved once per request (identidad.scope) and applied
in SQL. Citizens: files where they are an interesado, and files of people who empowered them
under a power in force that covers the file's procedure (apoderamientos).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from identidad.roles import Role
from identidad.scope import staff_scope
from procedimientos.text import search_terms

from .constants import (
    EstadoExpediente,
    EstadoNotificacionPendiente,
    EstadoRequerimiento,
    EstadoResolucion,
    RolParte,
    TipoEvento,
)
from .models import (
    Evento,
    Expediente,
    ExpedienteDocumento,
    ExpedienteParte,
    ExpedienteUserObjectPermission,
    Informe,
    NotificacionPendiente,
    Requerimiento,
    Resolucion,
    Suspension,
)

TRAY_PAGE_SIZE = 25
CARPETA_PAGE_SIZE = 20
HANDLING_ROLES = (Role.CASE_HANDLER, Role.UNIT_HEAD, Role.ADMINISTRATOR)


# --- Staff ---------------------------------------------------------------------------------


def _shared(user_id) -> QuerySet:
    """Ids of the files shared with the user for a report (django-guardian grants)."""
    return ExpedienteUserObjectPermission.objects.filter(
        user_id=user_id, permission__codename="consultar_expediente"
    ).values("content_object_id")


def staff_expedientes(user) -> QuerySet[Expediente]:
    """Every file ``user`` may see as staff (one SQL condition, no per-row checks)."""
    scope = staff_scope(user)
    if not scope.is_staff:
        return Expediente.objects.none()
    if scope.sees_all_units:
        return Expediente.objects.all()
    shared = Q(pk__in=_shared(scope.user_id))
    if scope.has_role(Role.CASE_HANDLER, Role.UNIT_HEAD) and scope.unit_ids:
        return Expediente.objects.filter(Q(unidad_id__in=scope.unit_ids) | shared)
    return Expediente.objects.filter(shared)


def may_handle(user, expediente: Expediente) -> bool:
    """May ``user`` act on the file (not only read it, as a colleague asked for a report)."""
    scope = staff_scope(user)
    if scope.sees_all_units:
        return True
    return scope.has_role(Role.CASE_HANDLER, Role.UNIT_HEAD) and expediente.unidad_id in (
        scope.unit_ids
    )


@dataclass(frozen=True)
class TrayFilters:
    q: str = ""
    estado: str = "abiertos"  # abiertos | cerrados | todos
    fase: str = ""
    procedimiento: int | None = None
    unidad: int | None = None
    asignacion: str = ""  # "" | mios | sin_asignar
    vencidos: bool = False


@dataclass
class TrayPage:
    rows: list
    number: int
    has_next: bool
    now: object = field(default_factory=timezone.now)


def _filtered(qs: QuerySet[Expediente], user, filters: TrayFilters) -> QuerySet[Expediente]:
    if filters.estado == "abiertos":
        qs = qs.filter(estado=EstadoExpediente.ABIERTO)
    elif filters.estado == "cerrados":
        qs = qs.exclude(estado=EstadoExpediente.ABIERTO)
    if filters.fase:
        qs = qs.filter(fase=filters.fase)
    if filters.procedimiento:
        qs = qs.filter(procedimiento_id=filters.procedimiento)
    if filters.unidad:
        qs = qs.filter(unidad_id=filters.unidad)
    if filters.asignacion == "mios":
        qs = qs.filter(asignado_a_id=user.pk)
    elif filters.asignacion == "sin_asignar":
        qs = qs.filter(asignado_a__isnull=True)
    if filters.vencidos:
        qs = qs.filter(proximo_vencimiento__lt=timezone.now())
    for term in search_terms(filters.q):
        qs = qs.filter(search_text__contains=term)
    return qs


def tray_queryset(user, filters: TrayFilters) -> QuerySet[Expediente]:
    return _filtered(staff_expedientes(user), user, filters)


TRAY_ORDER = (F("proximo_vencimiento").asc(nulls_last=True), "id")


def _tray_merged(user, filters: TrayFilters, offset: int, limit: int):
    """On PostgreSQL: the page as a merge of one bounded, index-ordered scan per unit in
    scope (``expedientes_bandeja_idx``) plus the files shared with the user, so a page costs
    the same whatever the number of files in those units. Returns the SQL of the candidate
    ids and its params, or None where that does not apply (one plain query is used then)."""
    from django.db import connection

    scope = staff_scope(user)
    if connection.vendor != "postgresql" or scope.sees_all_units or filters.estado != "abiertos":
        return None
    base = _filtered(Expediente.objects.all(), user, filters)
    parts = [base.filter(pk__in=_shared(scope.user_id))]
    if scope.has_role(Role.CASE_HANDLER, Role.UNIT_HEAD):
        units = sorted(scope.unit_ids)
        if filters.unidad:
            units = [u for u in units if u == filters.unidad]
        # The unit as a bigint, the column's type: an integer literal is a cross-type
        # comparison that the (unit, trigrams) GIN index of the word search cannot serve
        # (migration 0006); the tray's btree index takes either.
        parts += [base.filter(unidad_id=Cast(Value(u), BigIntegerField())) for u in units]
    sqls: list[str] = []
    params: list = []
    for part in parts:
        sql, p = (
            part.order_by(*TRAY_ORDER).values_list("id")[: offset + limit]
        ).query.sql_with_params()
        sqls.append(f"({sql})")
        params.extend(p)
    return f"SELECT t.id FROM ({' UNION ALL '.join(sqls)}) AS t(id)", params  # noqa: S608


def tray_page(user, filters: TrayFilters, page: int = 1) -> TrayPage:
    """The tray: overdue and nearest deadline first (files without a running deadline
    last), one bounded query per page (no COUNT over the whole scope)."""
    from django.db.models.expressions import RawSQL

    page = max(int(page or 1), 1)
    offset = (page - 1) * TRAY_PAGE_SIZE
    merged = _tray_merged(user, filters, offset, TRAY_PAGE_SIZE + 1)
    if merged is None:
        rows_qs = tray_queryset(user, filters)
    else:
        rows_qs = Expediente.objects.filter(pk__in=RawSQL(*merged))
    rows = list(
        rows_qs.select_related("procedimiento", "unidad", "asignado_a", "flujo")
        .only(
            "identificador",
            "asunto",
            "estado",
            "fase",
            "flujo__fases",
            "vence_at",
            "suspendido",
            "proximo_vencimiento",
            "opened_at",
            "procedimiento__title_es",
            "procedimiento__title_eu",
            "unidad__name_es",
            "unidad__name_eu",
            "unidad__dir3",
            "asignado_a__username",
            "asignado_a__first_name",
            "asignado_a__last_name",
        )
        .order_by(*TRAY_ORDER)[offset : offset + TRAY_PAGE_SIZE + 1]
    )
    return TrayPage(rows=rows[:TRAY_PAGE_SIZE], number=page, has_next=len(rows) > TRAY_PAGE_SIZE)


def _with_partes(qs: QuerySet[Expediente]) -> QuerySet[Expediente]:
    """On PostgreSQL, the file's parties come in the same query (a JSON aggregate), one
    query fewer per page; elsewhere ``expediente_detail`` reads them separately."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return qs
    from django.contrib.postgres.aggregates import JSONBAgg
    from django.db.models import Subquery
    from django.db.models.functions import JSONObject

    partes = (
        ExpedienteParte.objects.filter(expediente=OuterRef("pk"))
        .order_by()
        .values("expediente")
        .annotate(
            j=JSONBAgg(
                JSONObject(interesado_id="interesado_id", rol="rol", nif="nif", nombre="nombre"),
                order_by="orden",
            )
        )
        .values("j")
    )
    return qs.annotate(partes_json=Subquery(partes))


def expediente_for_staff(user, pk: int) -> Expediente | None:
    return (
        _with_partes(staff_expedientes(user))
        .select_related("procedimiento", "unidad", "flujo", "asignado_a", "asiento_origen")
        .filter(pk=pk)
        .first()
    )


@dataclass
class DetalleExpediente:
    expediente: Expediente
    partes: list
    documentos: list
    eventos: list
    requerimientos: list
    suspensiones: list
    resoluciones: list
    informes: list
    pendientes: list

    @property
    def requerimiento_pendiente(self):
        return next((r for r in self.requerimientos if r.is_pending), None)

    @property
    def requerimiento_vencido(self):
        return next(
            (r for r in self.requerimientos if r.estado == EstadoRequerimiento.VENCIDO), None
        )

    @property
    def reabierto_at(self):
        """When the file was last re-opened by an appeal (a new resolution is then due)."""
        return max((e.at for e in self.eventos if e.tipo == TipoEvento.REAPERTURA), default=None)

    @property
    def resolucion_actual(self):
        since = self.reabierto_at
        vigentes = [r for r in self.resoluciones if since is None or r.drafted_at > since]
        return vigentes[-1] if vigentes else None

    @property
    def firmada(self) -> bool:
        r = self.resolucion_actual
        return r is not None and r.estado == EstadoResolucion.FIRMADA


# Which records a file has is known from its timeline (every service that creates one
# records its event), so a page reads only the kinds the file actually has.
_NEEDS = {
    "requerimientos": {
        TipoEvento.REQUERIMIENTO,
        TipoEvento.RESPUESTA,
        TipoEvento.AMPLIACION,
        TipoEvento.VENCIMIENTO,
    },
    "suspensiones": {TipoEvento.SUSPENSION},
    "resoluciones": {TipoEvento.RESOLUCION, TipoEvento.FIRMA},
    "informes": {TipoEvento.INFORME},
    "pendientes": {
        TipoEvento.REQUERIMIENTO,
        TipoEvento.AMPLIACION,
        TipoEvento.RESOLUCION,
        TipoEvento.REAPERTURA,
    },
}


def _act_not_yet_notified() -> Exists:
    """A document that is the act of a notification still waiting to be practised. The
    interested party learns an act's content through its notification (art. 43.2 of Ley
    39/2015: it is practised when they access it, and the terms count from then), so the sede
    withholds the act from the case file until the notification is accepted, rejected or
    expired — otherwise reading the file would bypass the notification and its dates."""
    return Exists(
        NotificacionPendiente.objects.filter(
            expediente_id=OuterRef("expediente_id"),
            documento_id=OuterRef("documento_id"),
            estado=EstadoNotificacionPendiente.PENDIENTE,
        )
    )


def citizen_documentos(expediente: Expediente) -> QuerySet[ExpedienteDocumento]:
    """The documents of a case file its interested parties may open now."""
    return (
        ExpedienteDocumento.objects.filter(expediente=expediente, visible_ciudadano=True)
        .exclude(_act_not_yet_notified())
        .select_related("documento__actual")
    )


def expediente_detail(expediente: Expediente, *, citizen: bool = False) -> DetalleExpediente:
    """Everything the case file page shows: one query per kind of record the file has."""
    documentos = ExpedienteDocumento.objects.filter(expediente=expediente).select_related(
        "documento__actual"
    )
    eventos_qs = Evento.objects.filter(expediente=expediente).select_related("actor")
    if citizen:
        documentos = citizen_documentos(expediente)
        eventos_qs = eventos_qs.filter(visible_ciudadano=True)
    eventos = list(eventos_qs.order_by("-at", "-id"))
    kinds = {e.tipo for e in eventos}

    def needs(key: str) -> bool:
        return bool(kinds & _NEEDS[key])

    partes_json = getattr(expediente, "partes_json", None)
    if partes_json is not None:
        partes = [ExpedienteParte(expediente=expediente, **p) for p in partes_json]
    else:
        partes = list(ExpedienteParte.objects.filter(expediente=expediente))
    staff = not citizen
    return DetalleExpediente(
        expediente=expediente,
        partes=partes,
        documentos=list(documentos.order_by("orden")),
        eventos=eventos,
        requerimientos=list(
            Requerimiento.objects.filter(expediente=expediente).order_by("issued_at", "id")
        )
        if needs("requerimientos")
        else [],
        suspensiones=list(Suspension.objects.filter(expediente=expediente).order_by("started_at"))
        if staff and needs("suspensiones")
        else [],
        resoluciones=list(
            Resolucion.objects.filter(expediente=expediente).order_by("drafted_at", "id")
        )
        if staff and needs("resoluciones")
        else [],
        informes=list(
            Informe.objects.filter(expediente=expediente)
            .select_related("solicitado_a")
            .order_by("requested_at")
        )
        if staff and needs("informes")
        else [],
        pendientes=list(
            NotificacionPendiente.objects.filter(
                expediente=expediente, estado=EstadoNotificacionPendiente.PENDIENTE
            ).order_by("created_at")
        )
        if staff and needs("pendientes")
        else [],
    )


def documento_for_staff(user, expediente_pk: int, documento_pk: int):
    return (
        ExpedienteDocumento.objects.filter(
            expediente__in=staff_expedientes(user).filter(pk=expediente_pk),
            documento_id=documento_pk,
        )
        .select_related("documento__actual", "expediente")
        .first()
    )


def assignable_staff(expediente_unit_ids: set[int]):
    """Staff who handle files of the given units (for the bulk-assignment picker)."""
    from identidad.models import User
    from identidad.scope import units_below  # noqa: F401  (the tree is small)

    return (
        User.objects.filter(
            is_active=True,
            is_staff=True,
            groups__name__in=[Role.CASE_HANDLER.value, Role.UNIT_HEAD.value],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- Citizens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenScope:
    """Whose files a citizen sees, resolved once per request: their own interesado, those
    whose power in force covers every procedure, and (interesados, procedures) pairs for
    powers limited to some procedures (apoderamientos.selectors.representados_of)."""

    interesados: frozenset[int] = frozenset()
    by_procedure: tuple[tuple[frozenset[int], frozenset[int]], ...] = ()


def citizen_scope(user) -> CitizenScope:
    from apoderamientos.selectors import interesado_and_representados

    cached = getattr(user, "_expedientes_citizen_scope", None)
    if cached is not None:
        return cached
    # The person's interesado (by user, else by NIF) and whom it represents: one query.
    own, represented = interesado_and_representados(user)
    scope = CitizenScope()
    if own is not None:
        scope = CitizenScope(
            interesados=frozenset({own.pk, *represented.everywhere}),
            by_procedure=tuple(represented.procedure_groups()),
        )
    if getattr(user, "is_authenticated", False):
        user._expedientes_citizen_scope = scope
    return scope


def citizen_expedientes(user, scope: CitizenScope | None = None) -> QuerySet[Expediente]:
    """Files where one of the scope's interesados is a party (as interesado): plain column
    conditions on ExpedienteParte's (interesado, expediente) index, no per-row check."""
    scope = scope or citizen_scope(user)
    if not scope.interesados:
        return Expediente.objects.none()
    condition = Q(interesado_id__in=sorted(scope.interesados))
    for interesados, procedures in scope.by_procedure:
        condition |= Q(
            interesado_id__in=sorted(interesados),
            expediente__procedimiento_id__in=sorted(procedures),
        )
    partes = ExpedienteParte.objects.filter(condition, rol=RolParte.INTERESADO)
    return Expediente.objects.filter(pk__in=partes.values("expediente_id"))


def citizen_expedientes_page(user, page: int = 1) -> tuple[list[Expediente], bool]:
    page = max(int(page or 1), 1)
    offset = (page - 1) * CARPETA_PAGE_SIZE
    rows = list(
        citizen_expedientes(user)
        .select_related("procedimiento", "flujo")
        .order_by("-opened_at", "-id")[offset : offset + CARPETA_PAGE_SIZE + 1]
    )
    return rows[:CARPETA_PAGE_SIZE], len(rows) > CARPETA_PAGE_SIZE


def expediente_for_citizen(user, pk: int) -> Expediente | None:
    return (
        _with_partes(citizen_expedientes(user))
        .select_related("procedimiento", "unidad", "flujo")
        .filter(pk=pk, eliminado_at__isnull=True)
        .first()
    )


def documento_for_citizen(user, expediente_pk: int, documento_pk: int):
    return (
        ExpedienteDocumento.objects.filter(
            expediente__in=citizen_expedientes(user).filter(pk=expediente_pk),
            documento_id=documento_pk,
            visible_ciudadano=True,
        )
        .exclude(_act_not_yet_notified())
        .select_related("documento__actual")
        .first()
    )


def pending_requerimiento_exists() -> Exists:
    return Exists(
        Requerimiento.objects.filter(
            expediente_id=OuterRef("pk"), estado=EstadoRequerimiento.PENDIENTE
        )
    )
