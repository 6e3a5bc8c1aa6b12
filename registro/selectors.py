"""Reads of the registro app, with the access rule applied here once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bilbao_sede.prepared import Prepared, from_json_row
from identidad.models import Interesado, User
from identidad.roles import Role
from identidad.scope import staff_scope

from .constants import Direccion, TipoOficina
from .models import Asiento, AsientoDocumento, AsientoInteresado, Oficina

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

BOOK_PAGE_SIZE = 50

# The parties and documents of one entry as its SICRES 4.0 file reads them, on every
# delivery to another registry: compiled once per process (``bilbao_sede.prepared``).
# Unordered: sorted in Python (an ORDER BY made Django hash every selected column while
# compiling).
_PARTES = Prepared(
    lambda asiento: (
        AsientoInteresado.objects.select_related("interesado").filter(asiento_id=asiento).order_by()
    )
)
_DOCUMENTOS = Prepared(
    lambda asiento: AsientoDocumento.objects.filter(asiento_id=asiento).order_by()
)


def _by_orden(row) -> tuple[int, int]:
    return (row.orden, row.pk)


def asiento_partes(asiento: Asiento) -> list[AsientoInteresado]:
    """The entry's parties with their interesados, in their order."""
    partes = sorted(_PARTES(asiento.pk), key=_by_orden)
    for parte in partes:
        AsientoInteresado.asiento.field.set_cached_value(parte, asiento)
    return partes


def asiento_documentos(asiento: Asiento) -> list[AsientoDocumento]:
    """The entry's documents, in their order."""
    documentos = sorted(_DOCUMENTOS(asiento.pk), key=_by_orden)
    for documento in documentos:
        AsientoDocumento.asiento.field.set_cached_value(documento, asiento)
    return documentos


# The same reads as subqueries of another statement (PostgreSQL), for the caller that loads
# the entry anyway (the SIR delivery's claim): each yields a JSON array, one round trip for
# all. ``asiento_id`` is the SQL expression of the entry's id in the outer statement.
def partes_json_sql(asiento_id: str) -> str:
    partes, interesados = AsientoInteresado._meta.db_table, Interesado._meta.db_table
    return (
        "(SELECT coalesce(json_agg(json_build_array(row_to_json(p), row_to_json(i))), "
        f"'[]'::json) FROM {partes} p JOIN {interesados} i ON i.id = p.interesado_id "
        f"WHERE p.asiento_id = {asiento_id})"
    )


def documentos_json_sql(asiento_id: str) -> str:
    return (
        "(SELECT coalesce(json_agg(row_to_json(d)), '[]'::json) "
        f"FROM {AsientoDocumento._meta.db_table} d WHERE d.asiento_id = {asiento_id})"
    )


def asiento_partes_from_json(asiento: Asiento, rows: list) -> list[AsientoInteresado]:
    """:func:`asiento_partes` from what :func:`partes_json_sql` yielded."""
    partes = []
    for parte_row, interesado_row in rows:
        parte = from_json_row(AsientoInteresado, parte_row)
        AsientoInteresado.interesado.field.set_cached_value(
            parte, from_json_row(Interesado, interesado_row)
        )
        AsientoInteresado.asiento.field.set_cached_value(parte, asiento)
        partes.append(parte)
    return sorted(partes, key=_by_orden)


def asiento_documentos_from_json(asiento: Asiento, rows: list) -> list[AsientoDocumento]:
    """:func:`asiento_documentos` from what :func:`documentos_json_sql` yielded."""
    documentos = []
    for row in rows:
        documento = from_json_row(AsientoDocumento, row)
        AsientoDocumento.asiento.field.set_cached_value(documento, asiento)
        documentos.append(documento)
    return sorted(documentos, key=_by_orden)


@dataclass(frozen=True)
class RegistryScope:
    """What a person may read of the registry, resolved once per request (ENS, issue 17.6).

    ``whole_book``: heads of registry and administrators. ``oficina_ids``: the offices of a
    registry clerk. ``unit_ids``: the units (and units below) of case handlers and heads of
    unit, who read the entries addressed to or sent by them. Everyone also reads the entries
    they registered or are a party to. ``is_staff`` alone grants nothing.
    """

    user_id: int | None
    whole_book: bool = False
    clerk: bool = False
    oficina_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()

    @property
    def uses_book(self) -> bool:
        """May open the registry book (and find other offices' entries by exact number)."""
        return self.whole_book or self.clerk


NO_REGISTRY_SCOPE = RegistryScope(None)


def registry_scope(user: User) -> RegistryScope:
    """The user's registry scope (cached on the user object, i.e. once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_REGISTRY_SCOPE
    cached = getattr(user, "_registry_scope", None)
    if cached is not None:
        return cached
    staff = staff_scope(user)
    if not staff.is_staff:
        scope = RegistryScope(user.pk)
    elif staff.has_role(Role.REGISTRY_HEAD, Role.ADMINISTRATOR):
        scope = RegistryScope(user.pk, whole_book=True, clerk=True)
    else:
        clerk = staff.has_role(Role.REGISTRY_CLERK)
        oficinas = (
            frozenset(user.oficinas_registro.filter(active=True).values_list("id", flat=True))
            if clerk
            else frozenset()
        )
        units = staff.unit_ids if staff.has_role(Role.CASE_HANDLER, Role.UNIT_HEAD) else frozenset()
        scope = RegistryScope(user.pk, clerk=clerk, oficina_ids=oficinas, unit_ids=units)
    user._registry_scope = scope
    return scope


def is_registry_staff(user: User) -> bool:
    """Staff who use the registry book: registry clerks, heads of registry, administrators."""
    return registry_scope(user).uses_book


def asiento_visible_to(user: User) -> QuerySet[Asiento]:
    """Entries ``user`` may read, filtered in SQL with the scope resolved once.

    Heads of registry: the whole book. A registry clerk: the entries of their offices. Case
    handlers and heads of unit: those of their units. Anybody: the entries they registered
    or are a party to (as interesado or representative). Nobody else sees anything.
    """
    qs = Asiento.objects.filter(seq__isnull=False)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    scope = registry_scope(user)
    if scope.whole_book:
        return qs
    own = Q(registrado_por=user) | Q(
        pk__in=AsientoInteresado.objects.filter(interesado__user=user).values("asiento_id")
    )
    if scope.oficina_ids:
        own |= Q(oficina_id__in=scope.oficina_ids)
    if scope.unit_ids:
        own |= Q(unidad_id__in=scope.unit_ids)
    return qs.filter(own)


def asiento_get_for(user: User, pk: int) -> Asiento | None:
    return (
        asiento_visible_to(user)
        .select_related("oficina", "unidad_origen", "unidad_destino", "procedimiento")
        .filter(pk=pk)
        .first()
    )


def asiento_by_numero_for_reprint(user: User, numero: str) -> Asiento | None:
    """A registry clerk finds ANY entry by its exact number to reprint its receipt.

    Returns None for anyone who does not use the registry book, or for a malformed or
    unknown number. The caller audits the look-up when the entry is another office's.
    """
    if not registry_scope(user).uses_book:
        return None
    parsed = parse_numero(numero)
    if parsed is None:
        return None
    year, direction, seq = parsed
    return (
        Asiento.objects.filter(year=year, direction=direction, seq=seq)
        .select_related("oficina", "unidad_origen", "unidad_destino", "procedimiento")
        .first()
    )


def asiento_in_scope(user: User, asiento: Asiento) -> bool:
    """Whether the entry is within the user's own scope (not a look-up of another office's)."""
    return asiento_visible_to(user).filter(pk=asiento.pk).exists()


def oficinas_for_registering(user: User) -> QuerySet[Oficina]:
    """The offices where ``user`` may register at the desk: a clerk's own; all for heads."""
    scope = registry_scope(user)
    qs = Oficina.objects.filter(active=True)
    if scope.whole_book:
        return qs
    if scope.oficina_ids:
        return qs.filter(pk__in=scope.oficina_ids)
    return qs.none()


def oficinas_active() -> QuerySet[Oficina]:
    return Oficina.objects.filter(active=True).select_related("unidad")


@dataclass(frozen=True)
class BookFilters:
    numero: str = ""
    desde: date | None = None
    hasta: date | None = None
    nif: str = ""
    unidad: int | None = None
    direction: str = ""


#: What the registry book shows of an entry (and its cursor needs); the other columns (texts,
#: JSON, a dozen keys) are left unread, deferred.
BOOK_COLUMNS = (
    "year",
    "direction",
    "seq",
    "presented_at",
    "effective_at",
    "resumen",
    "estado",
    "unidad__name_es",
    "unidad__name_eu",
)


class _BookAnnotations(TypedDict):
    book_partes: list[AsientoInteresado]


if TYPE_CHECKING:
    BookEntry = WithAnnotations[Asiento, _BookAnnotations]


@dataclass(frozen=True)
class BookPage:
    """A page of the book: its entries with the ``BOOK_COLUMNS`` read and their parties,
    in order, in ``book_partes``; the cursor of the next page if there is one."""

    rows: list[BookEntry]
    next_cursor: str | None


def parse_numero(value: str) -> tuple[int, str, int] | None:
    """``2026/E/00000042`` (or ``2026/e/42``) → (2026, "E", 42)."""
    parts = (value or "").strip().upper().split("/")
    if len(parts) != 3 or parts[1] not in Direccion.values:
        return None
    try:
        return int(parts[0]), parts[1], int(parts[2])
    except ValueError:
        return None


def _cursor(asiento: Asiento) -> str:
    return f"{asiento.presented_at.astimezone(UTC):%Y%m%d%H%M%S%f}_{asiento.pk}"


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    try:
        stamp, pk = value.split("_")
        return datetime.strptime(stamp, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC), int(pk)
    except (ValueError, AttributeError):
        return None


def registry_book(
    *, user: User, filters: BookFilters, cursor: str = "", page_size: int = BOOK_PAGE_SIZE
) -> BookPage:
    """The registry book for staff: newest first, keyset-paginated on (presented_at, id),
    so every page costs one bounded index scan whatever the size of the registry."""
    if not is_registry_staff(user):
        return BookPage(rows=[], next_cursor=None)
    qs = asiento_visible_to(user)
    if filters.numero:
        parsed = parse_numero(filters.numero)
        if parsed is None:
            return BookPage(rows=[], next_cursor=None)
        qs = qs.filter(year=parsed[0], direction=parsed[1], seq=parsed[2])
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    tz = timezone.get_current_timezone()
    # The first and last representable days mean "no bound" (and would overflow below).
    if filters.desde and filters.desde > date.min + timedelta(days=1):
        qs = qs.filter(presented_at__gte=datetime.combine(filters.desde, time.min, tzinfo=tz))
    if filters.hasta and filters.hasta < date.max - timedelta(days=1):
        end = datetime.combine(filters.hasta + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(presented_at__lt=end)
    if filters.nif:
        qs = qs.filter(
            pk__in=AsientoInteresado.objects.filter(nif=filters.nif.strip().upper()).values(
                "asiento_id"
            )
        )
    if filters.unidad:
        qs = qs.filter(unidad_id=filters.unidad)
    after = _parse_cursor(cursor) if cursor else None
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(presented_at__lt=at) | Q(presented_at=at, pk__lt=pk))
    rows = list(
        qs.select_related("unidad")
        .only(*BOOK_COLUMNS)
        # By ``orden`` alone: the model's ordering ("asiento", …) would join the entries
        # back and sort them by their own ordering. Into a plain list (``to_attr``): the
        # default prefetch builds a filtered queryset per entry (a sixth of the page's CPU).
        .prefetch_related(
            Prefetch(
                "partes",
                AsientoInteresado.objects.order_by("orden", "pk"),
                to_attr="book_partes",
            )
        )
        .order_by("-presented_at", "-id")[: page_size + 1]
    )
    next_cursor = _cursor(rows[page_size - 1]) if len(rows) > page_size else None
    return BookPage(rows=rows[:page_size], next_cursor=next_cursor)


def documentos_unsafe_pending() -> QuerySet[AsientoDocumento]:
    """REG-11 outbox: documents flagged as malicious after registration whose 10-day
    correction request has not been raised yet (the case-file side raises it, then calls
    ``services.documento_correccion_raised``)."""
    return (
        AsientoDocumento.objects.filter(unsafe_at__isnull=False, correccion_at__isnull=True)
        .select_related("asiento")
        .order_by("unsafe_at", "pk")
    )


MAX_RECEIPTS_OF_DAY = 500


def asientos_of_office_day(*, user: User, oficina: Oficina, day: date) -> list[Asiento]:
    """Batch reprint: the entries an office registered on ``day`` (within the user's scope),
    in number order, at most ``MAX_RECEIPTS_OF_DAY``."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return list(
        asiento_visible_to(user)
        .filter(oficina=oficina, presented_at__gte=start, presented_at__lt=end)
        .select_related("oficina", "unidad_origen", "unidad_destino", "procedimiento")
        .prefetch_related("partes", "documentos")
        .order_by("direction", "year", "seq")[:MAX_RECEIPTS_OF_DAY]
    )


def oficinas_of_staff(user: User) -> QuerySet[Oficina]:
    """The district offices a member of staff works at (``Oficina.personal``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return Oficina.objects.none()
    return Oficina.objects.filter(active=True, kind=TipoOficina.PRESENCIAL, personal=user)


def oficinas_published() -> QuerySet[Oficina]:
    """The office directory of the sede (SEDE-2): active offices marked for publication."""
    return Oficina.objects.filter(active=True, publicada=True).order_by("name_es")
