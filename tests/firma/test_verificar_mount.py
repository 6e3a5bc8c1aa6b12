"""Once the project mounts the verification pages at /verificar/ (where the QR codes point,
FIR-8), the pages link to /verificar/ and the code's URL answers there."""

import pytest
from django.core.cache import cache
from django.urls import include, path

from bilbao_sede.urls import urlpatterns as project_urlpatterns
from firma.services import csv_issue
from firma.urls import verificar_urlpatterns
from tests.firma.portafirmas_support import make_pdf

urlpatterns = [
    path("verificar/", include((verificar_urlpatterns, "verificar"))),
    *project_urlpatterns,
]


@pytest.mark.django_db
@pytest.mark.urls("tests.firma.test_verificar_mount")
def test_the_verification_url_of_a_version_answers_at_the_root(client, settings):
    cache.clear()
    settings.SITE_URL = "https://sede.example"
    version = csv_issue(content=make_pdf(), name="a.pdf", mime="application/pdf", stamp=True)
    path_ = version.verification_url.removeprefix(settings.SITE_URL)
    assert path_ == f"/verificar/{version.csv_display}/"
    response = client.get(path_)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/verificar/{version.csv_display}/documento/"' in html
    assert client.get(f"/verificar/{version.csv_display}/documento/").status_code == 200
    assert 'action="/verificar/"' in client.get("/verificar/").content.decode()
