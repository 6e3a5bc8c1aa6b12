"""The registry entries' admin changelist at a city's volume (issue 10): no date hierarchy,
a capped count, search by entry number, by a party's NIF (normalised) and by words of the
summary (full-text index on PostgreSQL), without DISTINCT; every list query served by an
index (checked on PostgreSQL with a few thousand entries)."""

from __future__ import annotations

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.datasets import nif_of
from bilbao_sede.pagination import CappedCountPaginator
from identidad.models import User
from tests.support.query_plans import assert_page_uses_indexes, sede_volume

__all__ = ["sede_volume"]

pytestmark = pytest.mark.django_db
URL = reverse("admin:registro_asiento_changelist")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _search(client, term: str) -> str:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": term})
    assert response.status_code == 200
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    return response.content.decode()


class TestSearch:
    def test_by_entry_number_written_any_way(self, admin_client, register):
        first, second = register(), register()
        for term in (second.numero, second.numero.lower().replace("/0000000", "/")):
            html = _search(admin_client, term)
            assert second.numero in html and first.numero not in html

    def test_by_a_partys_nif_normalised(self, admin_client, register, otra_ciudadana):
        mine = register()
        theirs = register(interesados=[otra_ciudadana.interesado])
        html = _search(admin_client, "12.345.678-z")
        assert mine.numero in html and theirs.numero not in html
        assert theirs.numero in _search(admin_client, "11111111h")

    def test_by_words_of_the_summary(self, admin_client, register):
        obra = register(resumen="Solicitud de licencia de obra menor en Calle Ercilla 10")
        vado = register(resumen="Reserva de vado permanente en Deusto")
        html = _search(admin_client, "licencia obra")
        assert obra.numero in html and vado.numero not in html
        html = _search(admin_client, "vado")
        assert vado.numero in html and obra.numero not in html
        html = _search(admin_client, "piscina")
        assert obra.numero not in html and vado.numero not in html

    def test_an_unknown_nif_finds_nothing(self, admin_client, register):
        entry = register()
        assert entry.numero not in _search(admin_client, "87654321X")


def test_the_count_is_capped_and_says_so(admin_client, register, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    for _ in range(3):
        register()
    html = admin_client.get(URL).content.decode()
    assert "Más de 2 asientos" in html
    assert "date_hierarchy" not in html and 'class="xfull"' not in html


def test_every_filter_renders(admin_client, register, urbanismo):
    entry = register()
    for query in (
        {"presented_at__gte": entry.presented_at.date().isoformat()},
        {"direction__exact": "E"},
        {"estado__exact": "pendiente"},
        {"canal__exact": "sede"},
        {"unidad__id__exact": urbanismo.pk},
    ):
        response = admin_client.get(URL, query)
        assert response.status_code == 200, query


# --- Query plans (PostgreSQL) -----------------------------------------------------------

BIG = ["registro_asiento", "registro_asientointeresado"]


@pytest.fixture
def volume_admin(client, sede_volume, monkeypatch):
    # The count's cap scaled to the test's 10⁴ rows as 1,000 is to 10⁶: a filter that
    # matches a third of the rows then reads a few hundred index entries, not thousands.
    monkeypatch.setattr(CappedCountPaginator, "cap", 100)
    client.force_login(User.objects.get(pk=sede_volume.staff_id))
    return client


CHANGELIST_QUERIES = {
    "first page": {},
    "second page": {"p": "2"},
    "NIF": {"q": nif_of(7)},
    "number": {"q": "2017/E/00000042"},
    "words": {"q": "licencia obra"},
    "rare words": {"q": "ruido Txurdinaga"},
    "date": {"presented_at__gte": "2017-01-05", "presented_at__lt": "2017-01-06"},
    "direction": {"direction__exact": "E"},
    "pending receipts": {"estado__exact": "pendiente"},
    "channel": {"canal__exact": "sede"},
}


def test_the_changelist_reads_entries_through_indexes(volume_admin, sede_volume):
    """First page, a later page, each kind of search and each filter (one load for all)."""
    queries = {**CHANGELIST_QUERIES, "unit": {"unidad__id__exact": sede_volume.unidad_id}}
    for name, query in queries.items():
        response = assert_page_uses_indexes(volume_admin, URL, data=query, tables=BIG)
        assert "2017/E/" in response.content.decode(), name


def _plan_indexes(sql: str) -> set[str]:
    from tests.support.query_plans import explain, plan_nodes

    return {n.get("Index Name", "") for n in plan_nodes(explain(sql)[0]["Plan"])} - {""}


def test_a_full_text_search_is_counted_and_paged_through_the_gin_index(volume_admin):
    """Issue 10: the capped count of a full-text search reads the GIN index, unordered (not
    the date index, evaluating the search on every entry it passes); when every match is
    known, the page reads them by key. Frequent words (capped) and rare ones (not)."""
    from tests.support.query_plans import analyze, page_queries

    analyze("registro_asiento")
    for term, capped in (("licencia obra", True), ("ruido Txurdinaga", False)):
        response, selects = page_queries(volume_admin, URL, data={"q": term})
        assert response.status_code == 200
        html = response.content.decode()
        assert "2017/E/" in html
        assert ("Más de 100" in html) is capped, term
        count = next(sql for sql in selects if "@@" in sql and "LIMIT 101" in sql)
        assert "ORDER BY" not in count, count
        assert "registro_as_resumen_fts" in _plan_indexes(count), term
        page = [sql for sql in selects if "registro_asiento" in sql and "LIMIT 50" in sql]
        if not capped:  # the page by the keys the count found
            assert len(page) == 1 and "@@" not in page[0], page
            assert "registro_as_present_idx" not in _plan_indexes(page[0])
        rows = response.context["cl"].result_list
        dates = [(a.presented_at, a.pk) for a in rows]
        assert dates == sorted(dates, reverse=True) and len(rows) == 50
        assert all(
            "ruido" in a.resumen.lower() and "txurdinaga" in a.resumen.lower()
            for a in rows
            if not capped
        )


def test_a_full_text_search_pages_by_key_keep_the_lists_order(volume_admin):
    """The pages read by key follow one another newest first, without gaps or repeats."""
    from registro.models import Asiento

    pages = []
    for number in (1, 2):
        response = volume_admin.get(URL, {"q": "ruido Txurdinaga", "p": str(number)})
        pages += [a.pk for a in response.context["cl"].result_list]
    expected = list(
        Asiento.objects.filter(resumen__icontains="ruido", resumen__contains="Txurdinaga")
        .order_by("-presented_at", "-id")
        .values_list("pk", flat=True)
    )
    assert pages == expected[: len(pages)] and len(set(pages)) == len(pages) > 50


def test_the_changelist_writes_the_instants_in_bilbao_time(admin_client, register):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(datetime(2026, 3, 7, 18, 30, 5, tzinfo=ZoneInfo("Europe/Madrid"))):
        register()  # a Saturday: effective the next working day at 00:00
    page = admin_client.get(URL).content.decode()
    assert "07/03/2026 18:30:05" in page
    assert "09/03/2026 00:00" in page


@pytest.mark.skipif(
    "postgresql" not in __import__("django").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the bucketed full-text index is PostgreSQL's",
)
def test_a_frequent_words_count_stops_at_the_newest_buckets(admin_client, register, monkeypatch):
    """Issue 10: more than ``cap`` matches among the newest two buckets of 20,000 keys is
    "more than cap" without reading every match; fewer there, the count goes on over the
    whole index (older matches count too) and stays exact up to the cap."""
    from django.db import connection

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)

    def words_queries():
        with CaptureQueriesContext(connection) as queries:
            html = admin_client.get(URL, {"q": "licencia obra"}).content.decode()
        return html, [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]

    old = [register() for _ in range(2)]  # bucket 0
    with connection.cursor() as cursor:  # the next entry three buckets later
        cursor.execute("SELECT setval(pg_get_serial_sequence('registro_asiento', 'id'), 60000)")
    newest = register()
    html, queries = words_queries()
    assert "Más de 2 asientos" in html  # 1 match in the newest buckets, 3 in all
    counting = [sql for sql in queries if "LIMIT 3" in sql]
    assert len(counting) == 2 and "#b3" in counting[0] and "#b2" in counting[0], counting
    assert "#b3" not in counting[1]  # then every match (the keys, for the page)
    register(), register()  # now 3 in the newest buckets: the count stops there
    html, queries = words_queries()
    assert "Más de 2 asientos" in html and newest.numero in html
    assert old[0].numero in html  # the page: newest first, down to the oldest
    counting = [sql for sql in queries if "LIMIT 3" in sql]
    assert len(counting) == 1 and "#b3" in counting[0], counting
