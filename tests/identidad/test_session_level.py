"""A procedure can require a minimum level of assurance (eIDAS; legal.md ID-1, ID-3)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.identidad.support.level_urls")]

DEV_URL = "/identidad/acceso/desarrollo/"


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def _login(client, method):
    response = client.post(DEV_URL, {"persona": "ciudadana", "method": method})
    assert response.status_code == 302


def test_a_bakq_session_is_sent_back_to_login_for_a_high_level_procedure(client):
    _login(client, "bakq")
    response = client.get("/tramite-alto/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("identidad:login")
    assert parse_qs(location.query)["next"] == ["/tramite-alto/"]
    page = client.get(response["Location"]).content.decode()
    assert "nivel de garantía de identificación alto" in page


def test_a_certificate_session_enters_a_high_level_procedure(client):
    _login(client, "cert")
    response = client.get("/tramite-alto/")
    assert response.status_code == 200
    assert response.content.decode() == "Trámite de nivel alto"


def test_a_bakq_session_enters_a_substantial_level_procedure(client):
    _login(client, "bakq")
    assert client.get("/tramite-sustancial/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_login_without_a_level_message(client):
    response = client.get("/tramite-sustancial/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("identidad:login")
    page = client.get(response["Location"]).content.decode()
    assert "nivel de garantía" not in page


def test_a_staff_password_login_is_audited_with_level_bajo(client, funcionario):
    """ENS-1: every login, also the staff's password login, leaves an audit row."""
    from identidad.constants import ResultadoAuditoria
    from identidad.models import AuditEntry
    from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

    funcionario.is_staff = True
    funcionario.save()
    admin_login = reverse("identidad:staff_login")  # STAFF_REQUIRE_2FA is off with DEBUG
    client.post(admin_login, {"username": "funcionaria", "password": "mala"})
    failed = AuditEntry.objects.get(action="login")
    assert failed.result == ResultadoAuditoria.DENEGADO
    assert failed.detail["method"] == "password"
    assert "funcionaria" in failed.detail["reason"]

    response = client.post(admin_login, {"username": "funcionaria", "password": "x"})
    assert response.status_code == 302
    assert client.session[SESSION_METHOD_KEY] == "password"
    assert client.session[SESSION_LEVEL_KEY] == 1
    ok = AuditEntry.objects.filter(action="login", result=ResultadoAuditoria.OK).get()
    assert ok.actor == funcionario
    assert ok.detail == {"method": "password", "level": "bajo", "provider": "local"}
    assert client.get("/tramite-sustancial/").status_code == 302
