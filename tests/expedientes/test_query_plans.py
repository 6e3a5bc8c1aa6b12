"""The case-file lists and pages read through indexes (PostgreSQL query plans on a few
thousand case files from ``bench/datasets.py``): the tray of a case handler (first page,
overdue, search), the tray of a head of area, the case file page and Mi carpeta — never a
scan of every case file, party, document or event."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from identidad.models import User
from identidad.roles import Role
from tests.support.query_plans import analyze, assert_page_uses_indexes, require_postgresql

BIG = [
    "expedientes_expediente",
    "expedientes_expedienteparte",
    "expedientes_expedientedocumento",
    "expedientes_evento",
]
FILES = 10_000
CITIZENS = 2_500


@pytest.fixture
def volume(db):
    require_postgresql()
    from bench import datasets

    datasets.sede_base()
    base = datasets.expedientes_base()
    datasets.load_expedientes(base, FILES, citizens=CITIZENS)
    analyze()
    return base


def staff(username: str, unit: int, role: Role) -> User:
    user = User.objects.create_user(username, is_staff=True)
    user.unidades.set([unit])
    user.groups.set([Group.objects.get(name=role.value)])
    return user


def test_the_tray_of_a_case_handler_reads_through_indexes(client, volume):
    client.force_login(staff("t1", volume["units"][1], Role.CASE_HANDLER))
    url = reverse("expedientes:bandeja")
    html = assert_page_uses_indexes(client, url, tables=BIG).content.decode()
    assert html.count('href="/expedientes/') >= 25
    assert_page_uses_indexes(client, url, data={"vencidos": "on"}, tables=BIG)
    assert_page_uses_indexes(client, url, data={"page": "3"}, tables=BIG)
    from bench.datasets import nif_of

    found = assert_page_uses_indexes(
        client, url, data={"q": nif_of(1 + 101 % CITIZENS)}, tables=BIG
    )
    assert "_EXP_000000000000000000000000000101" in found.content.decode()


def test_the_tray_of_a_head_of_area_reads_through_indexes(client, volume):
    client.force_login(staff("j1", volume["units"][0], Role.UNIT_HEAD))
    assert_page_uses_indexes(client, reverse("expedientes:bandeja"), tables=BIG)


def test_the_case_file_page_reads_through_indexes(client, volume):
    from expedientes.models import Expediente

    unit = volume["units"][1]
    exp = Expediente.objects.filter(unidad_id=unit).order_by("pk").first()
    client.force_login(staff("t2", unit, Role.CASE_HANDLER))
    assert_page_uses_indexes(
        client, reverse("expedientes:detalle", args=[exp.pk]), tables=BIG, min_queries=3
    )


def test_mi_carpeta_and_the_citizens_case_file_read_through_indexes(client, volume):
    from expedientes.selectors import citizen_expedientes

    citizen = User.objects.get(username="bench-c5")
    client.force_login(citizen)
    page = assert_page_uses_indexes(client, reverse("sede:mi_carpeta"), tables=BIG)
    mine = list(citizen_expedientes(citizen))
    assert len(mine) == FILES // CITIZENS
    assert all(e.identificador in page.content.decode() for e in mine)
    assert_page_uses_indexes(
        client, reverse("sede:expediente_detalle", args=[mine[0].pk]), tables=BIG, min_queries=3
    )
