"""The reads of case files, with the access rule applied here once.

Staff: the files of their units (and units below), plus any file shared with them by a
per-object grant (django-guardian) — resolved once per request (identidad.scope) and applied
in SQL. Citizens: files where they are an interesado, and files of people who empowered them
under a power in force that covers the file's procedure (apoderamientos).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
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


def staff_expedientes(user) -> QuerySet[Expediente]:
    """Every file ``user`` may see as staff (one SQL condition, no per-row checks)."""
    scope = staff_scope(user)
    if not scope.is_staff:
        return Expediente.objects.none()
    if scope.sees_all_units:
        return Expediente.objects.all()
    shared = Q(
        pk__in=ExpedienteUserObjectPermission.objects.filter(
            user_id=scope.user_id, permission__codename="consultar_expediente"
        ).values("content_object_id")
    )
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


def tray_queryset(user, filters: TrayFilters) -> QuerySet[Expediente]:
    qs = staff_expedientes(user)
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


def tray_page(user, filters: TrayFilters, page: int = 1) -> TrayPage:
    """The tray: overdue and nearest deadline first (files without a running deadline
    last), one bounded query per page (no COUNT over the whole scope)."""
    page = max(int(page or 1), 1)
    offset = (page - 1) * TRAY_PAGE_SIZE
    rows = list(
        tray_queryset(user, filters)
        .select_related("procedimiento", "unidad", "asignado_a", "flujo")
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
        .order_by(F("proximo_vencimiento").asc(nulls_last=True), "id")[
            offset : offset + TRAY_PAGE_SIZE + 1
        ]
    )
    return TrayPage(rows=rows[:TRAY_PAGE_SIZE], number=page, has_next=len(rows) > TRAY_PAGE_SIZE)


def expediente_for_staff(user, pk: int) -> Expediente | None:
    return (
        staff_expedientes(user)
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


def expediente_detail(expediente: Expediente, *, citizen: bool = False) -> DetalleExpediente:
    """Everything the case file page shows, one query per kind of record."""
    documentos = ExpedienteDocumento.objects.filter(expediente=expediente).select_related(
        "documento__actual"
    )
    eventos = Evento.objects.filter(expediente=expediente).select_related("actor")
    if citizen:
        documentos = documentos.filter(visible_ciudadano=True)
        eventos = eventos.filter(visible_ciudadano=True)
    return DetalleExpediente(
        expediente=expediente,
        partes=list(ExpedienteParte.objects.filter(expediente=expediente)),
        documentos=list(documentos.order_by("orden")),
        eventos=list(eventos.order_by("-at", "-id")),
        requerimientos=list(
            Requerimiento.objects.filter(expediente=expediente).order_by("issued_at", "id")
        ),
        suspensiones=[]
        if citizen
        else list(Suspension.objects.filter(expediente=expediente).order_by("started_at")),
        resoluciones=[]
        if citizen
        else list(Resolucion.objects.filter(expediente=expediente).order_by("drafted_at", "id")),
        informes=[]
        if citizen
        else list(
            Informe.objects.filter(expediente=expediente)
            .select_related("solicitado_a")
            .order_by("requested_at")
        ),
        pendientes=[]
        if citizen
        else list(
            NotificacionPendiente.objects.filter(
                expediente=expediente, estado=EstadoNotificacionPendiente.PENDIENTE
            ).order_by("created_at")
        ),
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


def _citizen_parte_filter(user) -> Q | None:
    """Which parties of files ``user`` stands for now: themself as interesado, and those who
    empowered them under a power in force covering the file's procedure — the powers
    resolved once per request by ``apoderamientos.selectors.representados_of``."""
    from apoderamientos.selectors import interesado_of_user, representados_of

    own = interesado_of_user(user) if user.is_authenticated else None
    if own is None:
        return None
    condition = Q(interesado_id=own.pk)
    represented = representados_of(own)
    if represented.everywhere:
        condition |= Q(interesado_id__in=sorted(represented.everywhere))
    for interesados, procedimientos in represented.procedure_groups():
        condition |= Q(
            interesado_id__in=sorted(interesados),
            expediente__procedimiento_id__in=sorted(procedimientos),
        )
    return condition


def citizen_expedientes(user) -> QuerySet[Expediente]:
    condition = _citizen_parte_filter(user)
    if condition is None:
        return Expediente.objects.none()
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
        citizen_expedientes(user)
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
        .select_related("documento__actual")
        .first()
    )


def pending_requerimiento_exists() -> Exists:
    return Exists(
        Requerimiento.objects.filter(
            expediente_id=OuterRef("pk"), estado=EstadoRequerimiento.PENDIENTE
        )
    )
