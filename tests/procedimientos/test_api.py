"""Read-only public API: catalogue and grado de avance, present in the OpenAPI schema."""

from __future__ import annotations

import pytest


def test_the_catalogue_list_is_public_and_filterable(client, make_proc):
    make_proc("vado", title_es="Licencia de vado", digitisation_level=2)
    make_proc("obra", title_es="Licencia de obra", digitisation_level=0)
    data = client.get("/api/procedimientos/procedimientos/", {"q": "VADO"}).json()
    assert [p["code"] for p in data["results"]] == ["vado"]
    assert data["results"][0]["max_term"] == {"value": 3, "unit": "meses"}
    assert data["results"][0]["unit"]["dir3"] == "LA0900004"
    assert client.get("/api/procedimientos/procedimientos/", {"level": "0"}).json()["count"] == 1


def test_the_detail_has_the_guide_and_the_verified_flags(client, starter):
    data = client.get("/api/procedimientos/procedimientos/aes/").json()
    assert data["title_eu"] == "Gizarte Larrialdietarako Laguntzak (GLL)"
    assert data["verified"]["title_eu"] is False
    assert data["guia"]["who_eu"]
    assert data["silence_effect"] == "desestimatorio"


@pytest.mark.django_db
def test_an_inactive_or_unknown_procedure_is_404(client, make_proc):
    make_proc("retirado", active=False)
    assert client.get("/api/procedimientos/procedimientos/retirado/").status_code == 404
    assert client.get("/api/procedimientos/procedimientos/nada/").status_code == 404


def test_the_plan_progress_endpoint(client, make_proc):
    make_proc("a", form=True, adaptation_status="publicado", digitisation_level=3, target_level=3)
    data = client.get("/api/procedimientos/grado-de-avance/").json()
    assert data["catalogue"] == "100.00"
    assert data["by_level"][3]["procedures"] == 1


@pytest.mark.django_db
def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/procedimientos/procedimientos/" in schema
    assert "/api/procedimientos/procedimientos/{code}/" in schema
    assert "/api/procedimientos/grado-de-avance/" in schema


def test_a_procedure_without_a_guide_still_has_a_detail(client, make_proc):
    make_proc("vado", title_es="Licencia de vado")
    response = client.get("/api/procedimientos/procedimientos/vado/")
    assert response.status_code == 200
    assert response.json()["unit"]["dir3"] == "LA0900004"


@pytest.mark.django_db
def test_the_public_endpoints_ignore_credentials_they_do_not_need(client, make_proc):
    """Found by schemathesis' ignored_auth probe (issue 17.14): a stale or made-up token sent
    to the public catalogue got an undocumented 401; public endpoints read no credentials,
    like the calendar's, and the schema declares none."""
    make_proc("vado", title_es="Licencia de vado")
    bogus = {"HTTP_AUTHORIZATION": "Token 0123456789abcdef"}
    for url in (
        "/api/procedimientos/procedimientos/",
        "/api/procedimientos/procedimientos/vado/",
        "/api/procedimientos/grado-de-avance/",
    ):
        assert client.get(url, **bogus).status_code == 200, url
