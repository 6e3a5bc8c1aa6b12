"""Admin changelists of big tables (registry entries, audit trail, later case files and
notifications) that stay fast at 10⁶ rows and beyond (issue 10). Use
:class:`LargeTableAdminMixin` before ``admin.ModelAdmin``::

    @admin.register(Asiento)
    class AsientoAdmin(LargeTableAdminMixin, admin.ModelAdmin):
        exact_searches = [numero_search, nif_search(AsientoInteresado, "asiento_id")]
        fulltext_fields = ["resumen"]          # needs the GIN index, see below
        list_filter = [...]                    # only filters an index serves

What it changes, and why:

- **Count**: :class:`~bilbao_sede.pagination.CappedCountPaginator` — the unfiltered list
  shows PostgreSQL's estimate of the table size, a filtered one counts at most
  ``ADMIN_COUNT_CAP`` rows ("más de 1000"); ``show_full_result_count`` is off. Django's
  paginator would ``COUNT(*)`` every row on every page.
- **No date hierarchy**: ``date_hierarchy`` runs ``SELECT DISTINCT`` of the dates over the
  whole table; use a date list filter (``("presented_at", DateFieldListFilter)``) on an
  indexed column instead.
- **Search** never runs ``icontains`` over joins with ``DISTINCT``. A term is tried against
  each of ``exact_searches`` (functions ``term → Q | None``: an entry number, a NIF
  normalised, a sequence number…, each served by an index); the first that recognises the
  term wins. Otherwise, with ``fulltext_fields``, PostgreSQL's full-text search
  (``websearch_to_tsquery`` over ``to_tsvector(fulltext_config, field)``), served by a GIN
  index on exactly that expression — create it with :func:`fulltext_index` in a migration
  (PostgreSQL only). The capped count then reads that index without the list's ordering
  (at most ``ADMIN_COUNT_CAP + 1`` matches), and when all the matches are known the page
  is read by their keys (see ``CappedCountPaginator``). With ``fulltext_bucketed`` (an
  index built with ``fulltext_index(..., bucketed=True)``) the count first asks the same
  index for the matches among the newest two buckets of 20,000 keys: a frequent word is
  "more than the cap" after a bucket's share of the index, not after all its matches.
  Elsewhere (SQLite, the demo) the
  fallback is ``icontains`` on the model's own columns, no joins: fine at demo volume,
  not at 10⁶ rows.
- Searching no longer duplicates rows, so no ``DISTINCT``.

Every changelist built on this is checked in the PostgreSQL suite with
``tests/support/query_plans.py`` (first page, each search kind, each filter) and timed by
``bench/bench_paginas.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, Q, Value
from django.db.models.functions import Cast

from bilbao_sede.pagination import BUCKETED_ALIAS, UNORDERED_INDEX_ALIAS, CappedCountPaginator

ExactSearch = Callable[[str], Q | None]

FULLTEXT_CONFIG = "spanish"


# Rows per bucket of keys in a bucketed full-text index (see fulltext_vector): part of the
# index's expression, so changing it needs a new index.
FULLTEXT_BUCKET_ROWS = 20_000
# A bucket's lexeme: '#' never survives the text search parser, so no word of a summary or
# of a search is ever one of these.
BUCKET_LEXEME = "#b"


class _KeyBucket(SearchVectorCombinable, Func):
    """``array_to_tsvector(ARRAY['#b' || (pk / rows)])``: one lexeme naming the row's
    bucket of keys."""

    output_field = SearchVectorField()

    def __init__(self, key: str, rows: int) -> None:
        bucket = f"'{BUCKET_LEXEME}' || (%(expressions)s / {int(rows)})::text"
        super().__init__(F(key), template=f"array_to_tsvector(ARRAY[{bucket}])")


def fulltext_vector(
    fields: Sequence[str], config: str = FULLTEXT_CONFIG, *, bucketed: bool = False
) -> Expression:
    """The indexed expression: the same object builds the index and the query, so the
    planner can match them. ``bucketed``: the words plus the lexeme of the row's bucket of
    FULLTEXT_BUCKET_ROWS primary keys, so that one index scan can also ask "these words,
    among the newest rows" (:func:`bucket_match`; the capped count of a frequent word
    reads a bucket's worth of the index, not every row that has the word)."""
    vector = SearchVector(*fields, config=config)
    if bucketed:
        return vector + _KeyBucket("pk", FULLTEXT_BUCKET_ROWS)
    return vector


class _Matches(Func):
    output_field = BooleanField()

    def __init__(self, vector, bucket: int) -> None:
        lexeme = Cast(Value(f"'{BUCKET_LEXEME}{int(bucket)}'"), SearchQueryField())
        super().__init__(vector, lexeme, template="%(expressions)s", arg_joiner=" @@ ")


def bucket_match(alias: str, bucket: int) -> Func:
    """``<the aliased bucketed vector> @@ '#b<bucket>'``: the rows of that bucket of keys,
    served by the same GIN index as the words."""
    return _Matches(F(alias), bucket)


def fulltext_index(
    model_label: str,
    fields: Sequence[str],
    name: str,
    config=FULLTEXT_CONFIG,
    *,
    bucketed: bool = False,
):
    """A pair of RunPython functions that create / drop a GIN index on
    ``to_tsvector(config, fields)`` (``bucketed``: with the bucket lexeme, see
    :func:`fulltext_vector`) — on PostgreSQL only (SQLite has no GIN), so the model state
    stays the same on every database."""
    from django.contrib.postgres.indexes import GinIndex

    def index():
        return GinIndex(fulltext_vector(fields, config, bucketed=bucketed), name=name)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(apps.get_model(model_label), index())

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(apps.get_model(model_label), index())

    return create, drop


def nif_search(model, field: str = "pk", nif_field: str = "nif") -> ExactSearch:
    """Rows whose ``field`` is among ``model``'s rows with that NIF (normalised: upper
    case, no spaces, dots or dashes), e.g. entries by a party's NIF through
    ``AsientoInteresado``; served by an index on ``nif_field``. Not a NIF: None."""
    from identidad.validators import kind_of_nif, normalize_nif

    def search(term: str) -> Q | None:
        if kind_of_nif(term) is None:
            return None
        ids = model.objects.filter(**{nif_field: normalize_nif(term)}).values(field)
        return Q(pk__in=ids)

    return search


class LargeTableAdminMixin:
    """See the module docstring. Set ``exact_searches`` and/or ``fulltext_fields``."""

    paginator = CappedCountPaginator
    # Django's page with the rows written in Python (bilbao_sede/admin_list.py).
    change_list_template: ClassVar[Any] = "admin/large_table/change_list.html"
    list_per_page = 50  # half Django's 100: the page's cost is mostly rendering its rows
    show_full_result_count = False
    date_hierarchy = None
    exact_searches: Sequence[ExactSearch] = ()
    fulltext_fields: Sequence[str] = ()
    fulltext_config = FULLTEXT_CONFIG
    # The GIN index was built with fulltext_index(..., bucketed=True).
    fulltext_bucketed = False

    def get_changelist(self, request, **kwargs):
        from bilbao_sede.admin_list import LargeTableChangeList

        return LargeTableChangeList

    def get_search_fields(self, request):
        # Only to show the search box; get_search_results decides how to search.
        return list(self.search_fields) or list(self.fulltext_fields) or ["pk"]

    def get_search_results(self, request, queryset, search_term):
        term = " ".join((search_term or "").split())
        if not term:
            return queryset, False
        for search in self.exact_searches:
            condition = search(term)
            if condition is not None:
                return queryset.filter(condition), False
        if not self.fulltext_fields:
            return queryset.none(), False
        if connections[queryset.db].vendor == "postgresql":
            vector = fulltext_vector(
                self.fulltext_fields, self.fulltext_config, bucketed=self.fulltext_bucketed
            )
            query = SearchQuery(term, config=self.fulltext_config, search_type="websearch")
            # The alias also tells the paginator to count through the GIN index, unordered
            # (and, bucketed, to try the newest buckets first).
            aliases = {UNORDERED_INDEX_ALIAS: vector}
            if self.fulltext_bucketed:
                aliases[BUCKETED_ALIAS] = Value(FULLTEXT_BUCKET_ROWS)
            searched = queryset.alias(**aliases)
            return searched.filter(**{UNORDERED_INDEX_ALIAS: query}), False
        condition = Q()
        for word in term.split():
            any_field = Q()
            for name in self.fulltext_fields:
                any_field |= Q(**{f"{name}__icontains": word})
            condition &= any_field
        return queryset.filter(condition), False
