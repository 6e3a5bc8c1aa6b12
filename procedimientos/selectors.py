"""Reads of the catalogue. The public catalogue shows only active procedures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from identidad.models import Unidad

from .constants import Audiencia, EstadoFormulario
from .models import FormularioVersion, Materia, Procedimiento
from .models.i18n import active_lang
from .search import search_filter

# Columns the list page needs (the guide, forms and long JSON stay in the database).
LIST_FIELDS = (
    "id",
    "code",
    "title_es",
    "title_eu",
    "summary_es",
    "summary_eu",
    "audience",
    "digitisation_level",
    "active",
    "max_term_value",
    "max_term_unit",
    "silence_effect",
    "materia__id",
    "materia__slug",
    "materia__name_es",
    "materia__name_eu",
    "unit__id",
    "unit__dir3",
    "unit__name_es",
    "unit__name_eu",
)


@dataclass(frozen=True)
class CatalogoFiltro:
    q: str = ""
    materia: str = ""
    audience: str = ""
    unit: str = ""
    level: int | None = None


def procedimiento_public_list(filtro: CatalogoFiltro) -> QuerySet[Procedimiento]:
    """Active procedures matching the search and filters, in the reader's language order.

    The search matches every word of the query, accent- and case-insensitively, in Spanish
    and Basque titles, summaries and codes (``search_text`` is kept normalised on write),
    with synonyms and, on PostgreSQL, stemming (``procedimientos.search``).
    """
    qs = Procedimiento.objects.filter(active=True).select_related("materia", "unit")
    qs = search_filter(qs, filtro.q)
    if filtro.materia:
        qs = qs.filter(materia__slug=filtro.materia)
    if filtro.audience:
        qs = qs.filter(audience__in=[filtro.audience, Audiencia.TODOS])
    if filtro.unit:
        qs = qs.filter(Q(unit__dir3=filtro.unit) | Q(unit__parent__dir3=filtro.unit))
    if filtro.level is not None:
        qs = qs.filter(digitisation_level=filtro.level)
    order = "title_eu" if active_lang() == "eu" else "title_es"
    return qs.only(*LIST_FIELDS).order_by(order, "code")


def procedimiento_public_get(code: str) -> Procedimiento:
    """One active procedure with its guide, subject and unit (404 otherwise)."""
    proc = (
        Procedimiento.objects.filter(code=code, active=True)
        .select_related("materia", "unit", "unit__parent", "guia")
        .first()
    )
    if proc is None:
        raise Http404("No such procedure")
    return proc


def materias_with_counts() -> QuerySet[Materia]:
    return Materia.objects.annotate(
        n=Count("procedimientos", filter=Q(procedimientos__active=True))
    ).filter(n__gt=0)


def unidades_with_procedures() -> QuerySet[Unidad]:
    """Units that are competent for at least one active procedure (for the filter)."""
    return (
        Unidad.objects.filter(procedimientos__active=True)
        .distinct()
        .only("id", "dir3", "name_es", "name_eu")
        .order_by("name_es")
    )


def formulario_publicado_get(*, code: str) -> FormularioVersion | None:
    """The published form version of an active procedure (what a new submission points at)."""
    return (
        FormularioVersion.objects.filter(
            procedimiento__code=code,
            procedimiento__active=True,
            status=EstadoFormulario.PUBLICADO,
        )
        .select_related("procedimiento")
        .first()
    )
