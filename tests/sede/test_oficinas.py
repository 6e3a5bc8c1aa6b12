"""SEDE-2: the sede publishes the directory of registry assistance offices, from data staff
edit (issue 14.6): address, hours, services and a plain map link, without external scripts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registro.constants import TipoOficina
from registro.models import Oficina

pytestmark = pytest.mark.django_db


@pytest.fixture
def oficinas(ayuntamiento):
    deusto = Oficina.objects.create(
        code="O00099001",
        name_es="Zuzenean Deusto",
        name_eu="Zuzenean Deustu",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
        address="Lehendakari Agirre 42",
        codigo_postal="48014",
        publicada=True,
        horario_es="Lunes a viernes, 8:30-14:00",
        horario_eu="Astelehenetik ostiralera, 8:30-14:00",
        servicios_es="Registro de escritos\nPresentación asistida",
        servicios_eu="Idazkien erregistroa\nLagundutako aurkezpena",
        telefono="944 20 40 00",
        latitud="43.271200",
        longitud="-2.946700",
    )
    oculta = Oficina.objects.create(
        code="O00099002",
        name_es="Oficina interna",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
        publicada=False,
    )
    return deusto, oculta


def test_sede2_published_offices_are_listed_with_hours_services_and_a_map_link(client, oficinas):
    deusto, oculta = oficinas
    body = client.get(reverse("sede:oficinas")).content.decode()
    assert "Zuzenean Deusto" in body and "Lehendakari Agirre 42" in body
    assert "8:30-14:00" in body and "Presentación asistida" in body
    assert "https://www.openstreetmap.org/?mlat=43.271200&amp;mlon=-2.946700" in body
    assert "Oficina interna" not in body  # not published
    # No embedded map, no external script: only the site's own files.
    assert "<iframe" not in body
    assert not [s for s in re.findall(r'<script[^>]+src="([^"]+)"', body) if s.startswith("http")]


def test_sede2_the_directory_is_in_basque_and_linked_from_the_site_map(client, oficinas):
    body = client.get("/eu" + reverse("sede:oficinas")).content.decode()
    assert "Zuzenean Deustu" in body and "Lagundutako aurkezpena" in body
    assert "Erregistro-arloko laguntza-bulegoak" in body
    mapa = client.get(reverse("sede:mapa")).content.decode()
    assert reverse("sede:oficinas") in mapa


def test_heads_of_registry_edit_the_directory_and_clerks_cannot(client, oficinas):
    from identidad.roles import Role
    from tests.personas import staff_member

    deusto, _ = oficinas
    url = reverse("admin:registro_oficina_change", args=[deusto.pk])
    head = staff_member("jefa", Role.REGISTRY_HEAD)
    client.force_login(head)
    assert client.get(url).status_code == 200
    home = client.get(reverse("gestion:home")).content.decode()
    assert reverse("admin:registro_oficina_changelist") in home
    clerk = staff_member("encargado", Role.REGISTRY_CLERK)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
