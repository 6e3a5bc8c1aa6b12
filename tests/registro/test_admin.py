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
