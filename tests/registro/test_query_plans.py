"""The registry book's queries read the entries through indexes, whatever the filter, so
the book stays as fast at 10⁶ entries as at 10³ (issue 10; the figures in bench/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bench.datasets import nif_of
from identidad.models import User
from tests.support.query_plans import assert_page_uses_indexes, sede_volume

__all__ = ["sede_volume"]

BIG = ["registro_asiento", "registro_asientointeresado"]


@pytest.fixture
def staff_client(client, sede_volume):
    client.force_login(User.objects.get(pk=sede_volume.staff_id))
    return client


BOOK_QUERIES = {
    "first page": {},
    "by NIF": {"nif": nif_of(7)},
    "by number": {"numero": "2017/E/00000042"},
    "by dates": {"desde": "2017-01-03", "hasta": "2017-01-04"},
    "by direction": {"direction": "E"},
}


def test_the_registry_book_reads_entries_through_indexes(staff_client, sede_volume):
    url = reverse("registro:libro")
    for name, query in BOOK_QUERIES.items():
        response = assert_page_uses_indexes(staff_client, url, data=query, tables=BIG)
        assert "2017/E/" in response.content.decode(), name
    following = staff_client.get(url).context["next_query"]
    assert following
    assert_page_uses_indexes(staff_client, f"{url}?{following}", tables=BIG)
    assert_page_uses_indexes(staff_client, url, data={"unidad": sede_volume.unidad_id}, tables=BIG)
