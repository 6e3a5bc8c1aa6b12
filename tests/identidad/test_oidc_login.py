"""OpenID Connect login end to end against a real provider running locally (legal.md ID-4).

django-oauth-toolkit plays Giltza on pytest-django's live server, next to the sede. The
browser is a ``requests.Session``: it reaches the provider as ``localhost`` and the sede as
``127.0.0.1``, so the two sites keep their own cookies, and it posts the provider's real
login and consent forms. Nothing is mocked: tokens are RS256-signed by a key generated here,
checked against the provider's JWKS, and the userinfo endpoint answers the ``dni`` claim.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import requests
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from identidad.constants import NivelGarantia, ResultadoAuditoria
from identidad.models import AuditEntry, User
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from tests.identidad.support.oidc_provider import (
    PROVIDER_CLAIMS,
    SCOPES,
    rsa_private_key_pem,
)

CLIENT_ID = "sede-bilbao"
CLIENT_SECRET = "secreto-de-prueba-del-cliente"  # noqa: S105
PROVIDER_PASSWORD = "contrasena-del-proveedor"  # noqa: S105


@pytest.fixture(scope="module")
def _toolkit_installed(django_db_setup, django_db_blocker):
    """django-oauth-toolkit installed, with its tables, for this module only.

    Module-scoped so that it outlives each test's flush: the toolkit's tables point at
    users, and a flush (TRUNCATE on PostgreSQL) must know them.
    """
    from django.conf import settings as django_settings
    from django.test import override_settings

    with override_settings(INSTALLED_APPS=[*django_settings.INSTALLED_APPS, "oauth2_provider"]):
        # Tables straight from the models (much cheaper than running its migrations).
        toolkit_models = list(apps.get_app_config("oauth2_provider").get_models())
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            for model in toolkit_models:
                editor.create_model(model)
        yield
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            for model in toolkit_models:
                editor.delete_model(model)


@pytest.fixture
def provider(_toolkit_installed, settings, live_server, transactional_db):
    """The live server as both sites; returns (provider_base, sede_base)."""
    from oauth2_provider.models import Application

    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": rsa_private_key_pem(),
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": ["openid"],
        "PKCE_REQUIRED": True,
        "OAUTH2_VALIDATOR_CLASS": ("tests.identidad.support.oidc_validator.GiltzaLikeValidator"),
    }
    provider_base = live_server.url.replace("127.0.0.1", "localhost")
    sede_base = provider_base.replace("localhost", "127.0.0.1")
    Application.objects.create(
        name="Sede electrónica de Bilbao",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{sede_base}/oidc/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    # The sede, configured as for Giltza but pointing at the local provider.
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Giltza"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider_base}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider_base}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider_base}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider_base}/o/.well-known/jwks.json"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_TIMEOUT = 20
    # The provider's own login page (the toolkit sends unauthenticated users to LOGIN_URL).
    settings.LOGIN_URL = "/proveedor/login/"
    yield provider_base, sede_base
    PROVIDER_CLAIMS.clear()


def _provider_user(username: str, claims: dict[str, str]) -> None:
    User.objects.create_user(username, password=PROVIDER_PASSWORD)
    PROVIDER_CLAIMS[username] = claims


def _form_data(response: requests.Response, form_id: str | None = None) -> tuple[str, dict]:
    doc = lxml.html.fromstring(response.text, base_url=response.url)
    form = doc.get_element_by_id(form_id) if form_id else doc.forms[0]
    action = form.action or response.url
    return action, dict(form.form_values())


def _log_in_at_provider(
    http: requests.Session, start: str, username: str
) -> tuple[dict, requests.Response]:
    """Start at the sede, log in and consent at the provider.

    Returns the query of the authorization request the sede sent, and the last response.
    """
    response = http.get(start, timeout=30)
    authorize = next(r for r in response.history if r.url.startswith(start))
    authorization_query = parse_qs(urlsplit(authorize.headers["Location"]).query)
    assert urlsplit(response.url).path == "/proveedor/login/", response.text[:500]
    action, data = _form_data(response)
    data.update(username=username, password=PROVIDER_PASSWORD)
    response = http.post(action, data=data, timeout=30)
    assert urlsplit(response.url).path == "/o/authorize/", response.text[:500]
    action, data = _form_data(response, "authorizationForm")
    data["allow"] = "Authorize"
    return authorization_query, http.post(action, data=data, timeout=30)


def _sede_login_audit() -> AuditEntry:
    """The sede's one login audit row (the provider's own password logins are left aside)."""
    (entry,) = [
        e for e in AuditEntry.objects.filter(action="login") if e.detail["method"] != "password"
    ]
    return entry


def _sede_session(http: requests.Session) -> SessionStore | None:
    for cookie in http.cookies:
        if cookie.name == "sessionid" and cookie.domain.startswith("127.0.0.1"):
            return SessionStore(cookie.value)
    return None


@pytest.mark.urls("tests.identidad.support.oidc_urls")
def test_a_giltza_bakq_login_identifies_the_citizen_by_the_dni_claim(provider):
    provider_base, sede_base = provider
    _provider_user(
        "giltza-miren",
        {"dni": "12345678Z", "given_name": "Miren", "family_name": "Etxeberria Agirre"},
    )
    http = requests.Session()
    query, response = _log_in_at_provider(
        http, f"{sede_base}/oidc/authenticate/?method=bakq", "giltza-miren"
    )

    # The sede asked for BakQ with Giltza's acr_values, scopes and PKCE.
    assert query["acr_values"] == ["urn:safelayer:tws:policies:authentication:flow:bakq"]
    assert "urn:izenpe:identity:global" in query["scope"][0].split()
    assert query["code_challenge_method"] == ["S256"]

    # The citizen lands in Mi carpeta, logged in as the NIF the provider vouched for.
    assert response.status_code == 200
    assert response.url == f"{sede_base}{reverse('sede:mi_carpeta')}"
    session = _sede_session(http)
    user = User.objects.get(pk=session[SESSION_KEY])
    assert user.nif == "12345678Z"
    assert user.username == "12345678Z"
    assert user.first_name == "Miren"
    assert user.interesado.nif == "12345678Z"
    assert session[SESSION_METHOD_KEY] == "bakq"
    assert session[SESSION_LEVEL_KEY] == NivelGarantia.SUSTANCIAL
    entry = _sede_login_audit()
    assert entry.result == ResultadoAuditoria.OK
    assert entry.actor == user
    assert entry.detail["method"] == "bakq"
    assert entry.detail["level"] == "sustancial"


@pytest.mark.urls("tests.identidad.support.oidc_urls")
def test_a_certificate_login_takes_the_level_the_provider_returns_and_keeps_one_account(
    provider, ciudadana
):
    provider_base, sede_base = provider
    _provider_user("giltza-cert", {"dni": "12345678z", "acr": "http://eidas.europa.eu/LoA/high"})
    http = requests.Session()
    query, response = _log_in_at_provider(
        http,
        f"{sede_base}/oidc/authenticate/?method=cert&next=/mi-carpeta/%3Fdesde%3Dgiltza",
        "giltza-cert",
    )
    assert query["acr_values"] == ["urn:safelayer:tws:policies:authentication:flow:cert"]

    assert response.status_code == 200
    assert response.url == f"{sede_base}/mi-carpeta/?desde=giltza"
    session = _sede_session(http)
    assert int(session[SESSION_KEY]) == ciudadana.pk  # same person, same account
    assert User.objects.filter(nif="12345678Z").count() == 1
    assert session[SESSION_METHOD_KEY] == "cert"
    assert session[SESSION_LEVEL_KEY] == NivelGarantia.ALTO


@pytest.mark.urls("tests.identidad.support.oidc_urls")
@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"given_name": "Sin"}, "no ha facilitado su DNI o NIE"),
        ({"dni": "12345678A"}, "no es válido"),
    ],
    ids=["no-dni-claim", "bad-check-letter"],
)
def test_a_provider_user_without_a_valid_nif_is_refused_with_a_clear_message(
    provider, claims, message
):
    provider_base, sede_base = provider
    _provider_user("giltza-sin-nif", claims)
    http = requests.Session()
    _query, response = _log_in_at_provider(
        http, f"{sede_base}/oidc/authenticate/?method=bakq", "giltza-sin-nif"
    )
    assert response.url == f"{sede_base}{reverse('identidad:login')}"
    assert message in response.text
    session = _sede_session(http)
    assert session is None or SESSION_KEY not in session
    assert not User.objects.filter(nif__isnull=False).exists()
    entry = _sede_login_audit()
    assert entry.result == ResultadoAuditoria.DENEGADO
    assert entry.detail["method"] == "bakq"
    assert entry.actor is None


class TestWithoutLiveProvider:
    pytestmark = pytest.mark.django_db

    def test_the_login_page_offers_giltza_methods_only_when_enabled(self, client, settings):
        settings.OIDC_ENABLED = False
        assert "Entrar con Giltza" not in client.get(reverse("identidad:login")).content.decode()
        settings.OIDC_ENABLED = True
        page = client.get(reverse("identidad:login"), {"next": "/registro/"}).content.decode()
        assert "Entrar con Giltza" in page
        assert 'action="/oidc/authenticate/"' in page
        assert 'value="cert"' in page and 'value="mobile"' in page

    def test_the_start_view_is_404_when_oidc_is_off(self, client, settings):
        settings.OIDC_ENABLED = False
        assert client.get("/oidc/authenticate/?method=bakq").status_code == 404
        assert client.get("/oidc/callback/?code=x&state=y").status_code == 404

    def test_the_start_view_sends_the_acr_values_of_the_chosen_method(self, client, settings):
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = "sede"
        response = client.get("/oidc/authenticate/?method=mobile")
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.netloc == "eidas.izenpe.com"
        assert location.path == "/trustedx-authserver/oauth/izenpe"
        query = parse_qs(location.query)
        assert query["acr_values"] == [
            "urn:safelayer:tws:policies:authentication:flow:izmobileid:citizen_prof"
        ]

    def test_an_unknown_method_goes_back_to_the_login_page(self, client, settings):
        settings.OIDC_ENABLED = True
        response = client.get("/oidc/authenticate/?method=password", follow=True)
        assert response.redirect_chain[-1][0] == reverse("identidad:login")
        assert "Elija cómo quiere identificarse en Giltza." in response.content.decode()

    def test_an_external_next_is_dropped(self, client, settings):
        settings.OIDC_ENABLED = True
        client.get("/oidc/authenticate/?method=bakq&next=https://evil.example/")
        assert client.session["oidc_login_next"] is None
        client.get("/oidc/authenticate/?method=bakq&next=/registro/")
        assert client.session["oidc_login_next"] == "/registro/"

    def test_a_login_cancelled_at_the_provider_is_audited_and_explained(self, client, settings):
        settings.OIDC_ENABLED = True
        client.get("/oidc/authenticate/?method=cert")
        response = client.get("/oidc/callback/?error=access_denied&state=x", follow=True)
        assert response.redirect_chain[-1][0] == reverse("identidad:login")
        assert "No se ha completado la identificación en Giltza" in response.content.decode()
        assert SESSION_KEY not in client.session
        entry = AuditEntry.objects.get(action="login")
        assert entry.result == ResultadoAuditoria.DENEGADO
        assert entry.detail["method"] == "cert"
        assert entry.detail["reason"] == "provider error: access_denied"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({}, ("bakq", None)),
        ({"acr": "http://eidas.europa.eu/LoA/high"}, ("bakq", NivelGarantia.ALTO)),
        ({"acr": "urn:safelayer:tws:policies:authentication:flow:cert"}, ("cert", None)),
        ({"amr": ["pwd", "http://eidas.europa.eu/LoA/substantial"]}, ("bakq", 2)),
        ({"acr": "urn:x:unknown", "amr": "http://eidas.europa.eu/LoA/low"}, ("bakq", 1)),
    ],
)
def test_method_and_level_come_from_acr_or_amr_when_the_provider_gives_them(claims, expected):
    from identidad.backends.oidc import identification_from_claims

    assert identification_from_claims("bakq", {}, claims) == expected


def test_only_eidas_level_names_count():
    from identidad.backends.base import level_from_eidas

    assert level_from_eidas("http://eidas.europa.eu/LoA/substantial") == NivelGarantia.SUSTANCIAL
    assert level_from_eidas("high") == NivelGarantia.ALTO
    assert level_from_eidas("http://other.example/LoA/high") is None
    assert level_from_eidas("urn:safelayer:tws:policies:authentication:flow:bakq") is None
