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


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"nif": nif_of(7)},
        {"numero": "2017/E/00000042"},
        {"desde": "2017-01-03", "hasta": "2017-01-04"},
        {"direction": "E"},
    ],
    ids=["first page", "by NIF", "by number", "by dates", "by direction"],
)
def test_the_registry_book_reads_entries_through_indexes(staff_client, query):
    response = assert_page_uses_indexes(
        staff_client, reverse("registro:libro"), data=query, tables=BIG
    )
    assert "2017/E/" in response.content.decode()


def test_the_next_page_and_a_unit_use_indexes_too(staff_client, sede_volume):
    url = reverse("registro:libro")
    first = staff_client.get(url).context["next_query"]
    assert first
    assert_page_uses_indexes(staff_client, f"{url}?{first}", tables=BIG)
    assert_page_uses_indexes(staff_client, url, data={"unidad": sede_volume.unidad_id}, tables=BIG)
