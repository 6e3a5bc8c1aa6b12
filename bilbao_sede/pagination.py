"""Paginators for lists that must stay fast at 10⁶ rows (issue 10). One home for every list:

- :class:`WindowCountPaginator` — for one person's lists (drafts, powers, later case files
  and notifications in Mi carpeta): the page and its total in ONE query
  (``COUNT(*) OVER ()``), so a section costs one index read of that person's rows.
- :class:`CappedCountPaginator` — for staff lists over a whole big table (admin
  changelists): never counts past ``cap`` rows (nor pages past them: no deep OFFSET);
  ``templates/admin/pagination.html`` shows "más de N" when the count is capped, and for
  an unfiltered list PostgreSQL's own estimate of the table size (``pg_class.reltuples``).

Lists that can grow without bound for one reader (the filings in Mi carpeta, the registry
book) page by key instead (``sede.selectors.presentaciones_page``,
``registro.selectors.registry_book``): no count at all.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, Q, QuerySet, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class WindowCountPaginator(Paginator):
    """The page's rows carry the total (a window count): one query per page."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        bottom = (number - 1) * self.per_page
        counted = self.object_list.annotate(_window_total=Window(Count("pk")))
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows and number == 1:
            self.__dict__["count"] = 0
            return self._get_page(rows, 1, self)
        if not rows:
            return super().page(number)  # past the end: Django's own answer (one COUNT)
        self.__dict__["count"] = rows[0]._window_total
        return self._get_page(rows, number, self)


ADMIN_COUNT_CAP = 1000


# The alias a queryset carries when its filter is served by an index that yields rows in
# no useful order (a GIN full-text index, see bilbao_sede.admin_utils): set with
# ``queryset.alias(**{UNORDERED_INDEX_ALIAS: expression})``.
UNORDERED_INDEX_ALIAS = "_fulltext"
# Set beside it (to the rows per bucket) when that index is bucketed by primary key
# (bilbao_sede.admin_utils.fulltext_vector(bucketed=True)).
BUCKETED_ALIAS = "_fulltext_bucket_rows"


class CappedCountPaginator(Paginator):
    """A count that reads at most ``cap + 1`` rows: exact up to ``cap``, else ``cap + 1``
    with ``is_capped`` set — so there are at most ``cap / per_page + 1`` pages and no deep
    OFFSET either. ``estimate`` is, for an unfiltered list on PostgreSQL, the planner's idea
    of the table size (``pg_class.reltuples``, free), shown as "about N".

    A list filtered through an unordered index (:data:`UNORDERED_INDEX_ALIAS`: full-text
    search) is counted WITHOUT its ordering: the keys of at most ``cap + 1`` matching rows,
    read from that index (a bitmap scan that stops at the limit), instead of walking the
    ordering's index and evaluating the search on every row it passes — at 10⁶ rows a
    summary word matching a tenth of them took the date index past ~11,000 rows, a rarer
    one through most of the table. When they are all known (not capped), the page is read
    by those keys (primary key, at most ``cap + 1`` probes), so a rare term never sends the
    page down the date index either.

    Even unordered, a GIN index hands over EVERY match of a frequent word at once (a bitmap
    of 90,000 entries at 10⁶ entries: 14 ms), however few the count needs. When the index is
    bucketed by primary key (:data:`BUCKETED_ALIAS`), the newest two buckets are counted
    first (the same index scan, a bucket's worth of entries: ~1.5 ms); more than ``cap``
    matches there is more than ``cap`` matches in all, and the count stops. Otherwise it
    goes on as above."""

    cap = ADMIN_COUNT_CAP

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not hasattr(qs, "query"):
            return super().count
        if self._newest_buckets_capped:
            return self.cap + 1
        if self._matching_keys is not None:
            return len(self._matching_keys)
        # The list's own ordering stays: the count then walks the same index as the page
        # (at most cap + 1 entries of it) rather than scanning for rows that match.
        return qs[: self.cap + 1].count()

    def _unordered_index(self) -> bool:
        qs = self.object_list
        return isinstance(qs, QuerySet) and UNORDERED_INDEX_ALIAS in qs.query.annotations

    @cached_property
    def _newest_buckets_capped(self) -> bool:
        """More than ``cap`` matches among the newest two buckets of keys (bucketed index)."""
        from bilbao_sede.admin_utils import bucket_match

        qs: Any = self.object_list
        if not self._unordered_index() or BUCKETED_ALIAS not in qs.query.annotations:
            return False
        rows = qs.query.annotations[BUCKETED_ALIAS].value
        manager = qs.model._default_manager.using(qs.db)
        newest = manager.order_by("-pk").values_list("pk", flat=True).first()
        if newest is None:
            return False
        bucket = newest // rows
        newest_two = Q(bucket_match(UNORDERED_INDEX_ALIAS, bucket)) | Q(
            bucket_match(UNORDERED_INDEX_ALIAS, bucket - 1)
        )
        return qs.order_by().filter(newest_two)[: self.cap + 1].count() > self.cap

    @cached_property
    def _matching_keys(self) -> list | None:
        if not self._unordered_index() or self._newest_buckets_capped:
            return None
        qs: Any = self.object_list
        return list(qs.order_by().values_list("pk", flat=True)[: self.cap + 1])

    def page(self, number):
        keys = self._matching_keys
        if keys is None or len(keys) > self.cap:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        by_keys = qs.model._default_manager.using(qs.db).filter(pk__in=keys)
        by_keys.query.select_related = qs.query.select_related
        by_keys = by_keys.order_by(*qs.query.order_by) if qs.query.order_by else by_keys
        return self._get_page(by_keys[bottom:top], number, self)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def estimate(self) -> int | None:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if not self.is_capped or query is None or query.where:
            return None
        if connections[qs.db].vendor != "postgresql":
            return None
        return _estimated_rows(qs.model._meta.db_table, qs.db) or None


def _estimated_rows(table: str, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else 0
