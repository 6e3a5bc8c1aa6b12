"""Item 7: bad input is a 4xx with a clear message in the caller's format, never a 500
(bilbao_sede.bad_input: one middleware for every path)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.registro.conftest import encargado as encargado  # noqa: F401
from tests.registro.conftest import oficina_distrito as oficina_distrito  # noqa: F401
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import new_draft

pytestmark = pytest.mark.django_db
NUL_MESSAGE = "carácter nulo (NUL)"


@pytest.fixture
def anon(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def staff(settings, encargado):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(encargado)
    return client


@pytest.mark.parametrize(
    "url", ["/catalogo/?q=a%00b", "/catalogo/?%00=1", "/calendario/?year=20%0026", "/?x=%00"]
)
def test_a_nul_in_a_query_parameter_is_a_400_page(anon, url):
    response = anon.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_an_api_query_parameter_is_a_400_in_json(anon):
    response = anon.get("/api/procedimientos/procedimientos/?search=a%00b")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


def test_the_message_is_in_basque_on_basque_pages(anon):
    response = anon.get("/eu/catalogo/?q=a%00b")
    assert response.status_code == 400
    assert NUL_MESSAGE not in response.content.decode()
    assert 'lang="eu"' in response.content.decode()


def test_a_nul_in_a_filing_form_field_is_refused_and_the_draft_is_untouched(
    catalogo, ciudadana, client_as, settings
):
    """A NUL reached the draft's JSONB data and PostgreSQL answered 500."""
    settings.DEBUG = False
    borrador = new_draft(ciudadana, catalogo["aes"])
    before = dict(borrador.data)
    client = client_as(ciudadana)
    client.raise_request_exception = False
    step = borrador.current_step or "solicitante"
    response = client.post(
        reverse("sede:filing_step", args=[borrador.public_id, step]),
        {"action": "save", "solicitante-nombre": "Mi\x00ren"},
    )
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    borrador.refresh_from_db()
    assert borrador.data == before


@pytest.mark.parametrize("year", [0, 10000, 99999999999999999999])
def test_calendar_years_out_of_range_are_a_400(anon, year):
    response = anon.get(f"/api/calendario/dias-inhabiles/{year}/")
    assert response.status_code == 400
    assert "El año debe estar entre 1 y 9999" in response.json()["year"][0]


@pytest.mark.parametrize(
    "query",
    [
        "desde=9999-12-31&hasta=9999-12-31",
        "desde=0001-01-01&hasta=0001-01-01",
        "hasta=9999-12-31",
    ],
)
def test_a_registry_book_range_to_the_last_representable_day_is_no_500(staff, query):
    assert staff.get(f"/registro/libro/?{query}").status_code == 200


def test_json_nested_100000_deep_is_a_400_in_json(anon):
    body = "[" * 100_000 + "]" * 100_000
    response = anon.post("/api/registro/asientos/", body, content_type="application/json")
    assert response.status_code == 400
    assert "anidado" in response.json()["detail"]


def test_a_nul_in_a_json_body_is_a_400_in_json(anon):
    body = json.dumps({"resumen": "a\u0000b"})
    response = anon.post("/api/registro/asientos/", body, content_type="application/json")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


def test_a_json_body_over_the_limit_is_a_413_in_json_not_an_html_400(anon, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"resumen": "x" * 4096})
    response = anon.post("/api/registro/asientos/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "demasiado grande" in response.json()["detail"]
