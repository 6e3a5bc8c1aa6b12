"""Reads of the registro app, with the access rule applied here once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from identidad.models import User

from .constants import Direccion
from .models import Asiento, AsientoDocumento, AsientoInteresado, Oficina

BOOK_PAGE_SIZE = 50


def is_registry_staff(user: User) -> bool:
    """Staff of the council may read the registry book and use the district desk."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def asiento_visible_to(user: User) -> QuerySet[Asiento]:
    """Entries ``user`` may see: staff all; a citizen those they filed or are a party to."""
    qs = Asiento.objects.filter(seq__isnull=False)
    if is_registry_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(registrado_por=user) | Q(partes__interesado__user=user)).distinct()


def asiento_get_for(user: User, pk: int) -> Asiento | None:
    return (
        asiento_visible_to(user)
        .select_related("oficina", "unidad_origen", "unidad_destino", "procedimiento")
        .filter(pk=pk)
        .first()
    )


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


@dataclass(frozen=True)
class BookPage:
    rows: list[Asiento]
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
    qs = Asiento.objects.filter(seq__isnull=False)
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
        # By ``orden`` alone: the model's ordering ("asiento", …) would join the entries
        # back and sort them by their own ordering.
        .prefetch_related(Prefetch("partes", AsientoInteresado.objects.order_by("orden", "pk")))
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
