"""The API is documented in OpenAPI, and its browsable docs work without the internet."""

import re

import pytest


@pytest.mark.django_db
def test_openapi_schema_lists_the_apps_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for prefix in (
        "/api/procedimientos/",
        "/api/calendario/",
        "/api/apoderamientos/",
        "/api/firma/",
        "/api/expedientes/",
    ):
        assert any(p.startswith(prefix) for p in paths), prefix


@pytest.mark.django_db
def test_swagger_ui_loads_nothing_from_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert assets, "the docs page should load its assets"
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))]
    assert "/static/drf_spectacular_sidecar/" in page
