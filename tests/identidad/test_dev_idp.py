"""The development identity provider: demo personas, refused whenever DEBUG is off."""

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.urls import reverse
from django.utils import translation

from identidad.backends.dev import DevIdPBackend
from identidad.constants import NivelGarantia, ResultadoAuditoria
from identidad.models import AuditEntry, User
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """pytest-django runs tests with DEBUG off; the dev IdP exists only with DEBUG on."""
    settings.DEBUG = True


LOGIN_URL = "/identidad/acceso/"
DEV_URL = "/identidad/acceso/desarrollo/"


def test_the_login_page_offers_the_dev_idp_and_staff_login_in_debug(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proveedor de identidad de desarrollo" in page
    assert "Miren Etxeberria Agirre (12345678Z)" in page
    assert reverse("identidad:staff_login") in page


def test_a_demo_persona_logs_in_with_the_chosen_method_and_its_level(client):
    response = client.post(DEV_URL, {"persona": "ciudadana", "method": "cert"})
    assert response.status_code == 302
    assert response["Location"] == reverse("sede:mi_carpeta")
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.nif == "12345678Z"
    assert user.interesado.nif == "12345678Z"
    assert client.session[SESSION_METHOD_KEY] == "cert"
    assert client.session[SESSION_LEVEL_KEY] == NivelGarantia.ALTO
    assert client.get(reverse("sede:mi_carpeta")).status_code == 200


def test_a_successful_login_is_audited_with_method_and_level(client):
    client.post(DEV_URL, {"persona": "extranjera", "method": "clave"})
    entry = AuditEntry.objects.get(action="login")
    assert entry.result == ResultadoAuditoria.OK
    assert entry.actor.nif == "X1234567L"
    assert entry.detail == {"method": "clave", "level": "sustancial", "provider": "dev"}


def test_the_same_person_gets_one_account_whatever_the_method(client):
    client.post(DEV_URL, {"persona": "ciudadana", "method": "bakq"})
    client.post(DEV_URL, {"persona": "ciudadana", "method": "clave"})
    assert User.objects.filter(nif="12345678Z").count() == 1
    assert client.session[SESSION_METHOD_KEY] == "clave"


def test_it_follows_a_local_next_and_ignores_an_external_one(client):
    response = client.post(
        DEV_URL, {"persona": "ciudadana", "method": "bakq", "next": "/catalogo/?q=1"}
    )
    assert response["Location"] == "/catalogo/?q=1"
    response = client.post(
        DEV_URL, {"persona": "ciudadana", "method": "bakq", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("sede:mi_carpeta")


def test_the_login_page_keeps_only_a_safe_next(client):
    assert 'value="/registro/"' in client.get(LOGIN_URL, {"next": "/registro/"}).content.decode()
    page = client.get(LOGIN_URL, {"next": "//evil.example/x"}).content.decode()
    assert 'name="next"' not in page


def test_an_unknown_persona_or_method_is_a_form_error(client):
    response = client.post(DEV_URL, {"persona": "nadie", "method": "bakq"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    response = client.post(DEV_URL, {"persona": "ciudadana", "method": "password"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


class TestWithDebugOff:
    @pytest.fixture(autouse=True)
    def _debug_off(self, settings):
        settings.DEBUG = False

    def test_the_dev_idp_answers_404_and_logs_nobody_in(self, client):
        assert client.get(DEV_URL).status_code == 404
        response = client.post(DEV_URL, {"persona": "ciudadana", "method": "cert"})
        assert response.status_code == 404
        assert SESSION_KEY not in client.session
        assert not User.objects.filter(nif="12345678Z").exists()
        assert not AuditEntry.objects.filter(action="login").exists()

    def test_the_login_page_does_not_offer_it(self, client):
        page = client.get(LOGIN_URL).content.decode()
        assert "Proveedor de identidad de desarrollo" not in page
        assert "12345678Z" not in page

    def test_the_backend_refuses_even_when_called_directly(self, rf):
        request = rf.post(DEV_URL)
        assert DevIdPBackend().authenticate(request, dev_persona="ciudadana") is None
        assert authenticate(request, dev_persona="ciudadana") is None

    def test_a_session_opened_by_the_dev_idp_no_longer_counts(self, client, settings):
        settings.DEBUG = True
        client.post(DEV_URL, {"persona": "ciudadana", "method": "cert"})
        settings.DEBUG = False
        response = client.get(reverse("sede:mi_carpeta"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identidad:login"))


def test_the_login_page_is_in_basque_too(client):
    with translation.override("es"):  # the request activates Basque: don't leak it
        page = client.get("/eu/identidad/acceso/").content.decode()
    assert "Identifikazioa" in page
    assert "Garapeneko identitate-hornitzailea" in page
    assert "Udal langileen sarbidea" in page
