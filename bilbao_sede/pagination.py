"""Paginators for lists that must stay fast at 10⁶ rows (issue 10). One home for every list:

- :class:`WindowCountPaginator` — for one person's lists (drafts, powers, later case files
  and notifications in Mi carpeta): the page and its total in ONE query
  (``COUNT(*) OVER ()``), so a section costs one index read of that person's rows.
- :class:`CappedCountPaginator` — for staff lists over a whole big table (admin
  changelists): never counts past ``cap`` rows; an unfiltered list uses PostgreSQL's own
  estimate of the table size (``pg_class.reltuples``) instead of a ``COUNT(*)``.
  ``templates/admin/pagination.html`` shows "más de N" when the count is capped.

Lists that can grow without bound for one reader (the filings in Mi carpeta, the registry
book) page by key instead (``sede.selectors.presentaciones_page``,
``registro.selectors.registry_book``): no count at all.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, Window
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
        if not rows:
            return super().page(number)  # past the end: Django's own answer (one COUNT)
        self.__dict__["count"] = rows[0]._window_total
        return self._get_page(rows, number, self)


ADMIN_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A count that costs at most ``cap`` index entries: ``count`` is exact up to ``cap``,
    else ``cap + 1`` with ``is_capped`` set (the list says "more than cap"). The unfiltered
    table on PostgreSQL: the planner's estimate, flagged ``is_estimate``."""

    cap = ADMIN_COUNT_CAP

    is_capped = False
    is_estimate = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None:
            return super().count
        using = qs.db
        if connections[using].vendor == "postgresql" and not query.where:
            estimate = _estimated_rows(qs.model._meta.db_table, using)
            if estimate > self.cap:
                self.is_estimate = True
                return estimate
        counted = qs.order_by()[: self.cap + 1].count()
        if counted > self.cap:
            self.is_capped = True
        return counted

    @property
    def shown_count(self) -> int:
        return self.cap if self.is_capped else self.count


def _estimated_rows(table: str, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else 0
