"""Staff sign-in worthy of the ENS medium level (issue 14.5; issue 17.5).

Password + TOTP second factor (django-otp) where no corporate provider is configured; the
council's own OpenID Connect provider (a django-oauth-toolkit provider started in the test,
as for Giltza); sessions that expire; and the admin requiring the same: a staff account
without a second factor cannot reach it when ``STAFF_REQUIRE_2FA`` is on.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from identidad.models import AuditEntry, User
from identidad.roles import Role
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from identidad.staff_auth import SESSION_LOGIN_AT_KEY, SESSION_STRONG_KEY
from tests.identidad.support.oidc_provider import PROVIDER_CLAIMS, SCOPES, rsa_private_key_pem
from tests.identidad.test_oidc_login import (
    PROVIDER_PASSWORD,
    _form_data,
    _sede_session,
)
from tests.identidad.test_oidc_login import _toolkit_installed as _toolkit_installed

PASSWORD = "una-contrasena-larga-2026"  # noqa: S105


@pytest.fixture
def require_2fa(settings):
    settings.STAFF_REQUIRE_2FA = True
    settings.STAFF_PASSWORD_LOGIN = True
    return settings


def _staff(username="jefa-registro", *, superuser=False, device=True) -> tuple[User, TOTPDevice]:
    if superuser:
        user = User.objects.create_superuser(username, password=PASSWORD)
    else:
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=Role.REGISTRY_HEAD.value))
    dev = TOTPDevice.objects.create(user=user, name="móvil", confirmed=True) if device else None
    return user, dev


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _post_login(client, username, token, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password, "otp_token": token}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("identidad:staff_login"), data)


@pytest.mark.django_db
class TestPasswordAndTotp:
    def test_staff_sign_in_with_password_and_code_and_reach_their_pages(self, client, require_2fa):
        user, device = _staff()
        response = _post_login(client, user.username, _code(device))
        assert response.status_code == 302 and response["Location"] == reverse("gestion:home")
        assert client.session[SESSION_STRONG_KEY] == "totp"
        assert client.session[SESSION_METHOD_KEY] == "password_totp"
        assert client.get(reverse("registro:libro")).status_code == 200
        entry = AuditEntry.objects.filter(action="login", result="ok").latest("seq")
        assert entry.actor == user and entry.detail["method"] == "password_totp"

    def test_a_wrong_or_missing_code_is_refused_and_audited(self, client, require_2fa):
        user, _device = _staff()
        for token in ("000000", ""):
            response = _post_login(client, user.username, token)
            assert response.status_code == 400
            assert "incorrectos" in response.content.decode()
            assert SESSION_KEY not in client.session
        refused = AuditEntry.objects.filter(action="login", result="denegado")
        assert refused.count() == 2

    def test_a_wrong_password_is_refused_without_saying_which_part_failed(
        self, client, require_2fa
    ):
        user, device = _staff()
        response = _post_login(client, user.username, _code(device), password="otra")
        assert response.status_code == 400
        assert (
            "Usuario, contraseña o código de verificación incorrectos" in response.content.decode()
        )

    def test_an_account_without_a_second_factor_cannot_sign_in(self, client, require_2fa):
        user, _ = _staff(device=False)
        response = _post_login(client, user.username, "")
        assert response.status_code == 400
        assert "no tiene segundo factor" in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_a_citizen_account_cannot_use_the_staff_login(self, client, require_2fa):
        User.objects.create_user("vecina", password=PASSWORD)
        response = _post_login(client, "vecina", "123456")
        assert response.status_code == 400 and SESSION_KEY not in client.session

    def test_the_page_renders_in_basque(self, client, require_2fa):
        body = client.get("/eu" + reverse("identidad:staff_login")).content.decode()
        assert "Langileen sarbidea" in body


@pytest.mark.django_db
class TestAdminRequiresTheSecondFactor:
    def test_a_password_only_session_cannot_reach_the_admin_or_staff_pages(
        self, client, require_2fa
    ):
        admin, _ = _staff("admin", superuser=True, device=False)
        client.force_login(admin)  # a session without a second factor
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        login = client.get(response["Location"])
        assert login.status_code == 302
        assert urlsplit(login["Location"]).path == reverse("identidad:staff_login")
        assert client.get(reverse("registro:libro")).status_code == 404
        assert client.get(reverse("gestion:home")).status_code == 404
        admin.refresh_from_db()
        assert admin.is_superuser and admin.is_staff  # the account itself is untouched

    def test_after_the_second_factor_the_admin_opens(self, client, require_2fa):
        admin, device = _staff("admin", superuser=True)
        response = _post_login(client, "admin", _code(device), next_url=reverse("admin:index"))
        assert response["Location"] == reverse("admin:index")
        assert client.get(reverse("admin:index")).status_code == 200

    def test_django_s_password_only_admin_form_is_not_offered(self, client, require_2fa):
        response = client.get(reverse("admin:login"))
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("identidad:staff_login")

    def test_without_the_setting_a_password_session_keeps_working(self, client, settings):
        settings.STAFF_REQUIRE_2FA = False
        admin, _ = _staff("admin", superuser=True, device=False)
        client.force_login(admin)
        assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_staff_sessions_expire_after_the_maximum_age(client, require_2fa, settings):
    settings.STAFF_SESSION_MAX_AGE = 3600
    user, device = _staff()
    _post_login(client, user.username, _code(device))
    assert client.get(reverse("registro:libro")).status_code == 200
    session = client.session
    session[SESSION_LOGIN_AT_KEY] = time.time() - 3601
    session.save()
    response = client.get(reverse("registro:libro"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("identidad:staff_login")
    assert SESSION_KEY not in client.session


# --- The council's own OpenID Connect provider -------------------------------------------

STAFF_CLIENT_ID = "sede-personal"
STAFF_CLIENT_SECRET = "secreto-del-cliente-del-personal"  # noqa: S105


@pytest.fixture
def corporate_provider(_toolkit_installed, settings, live_server, transactional_db):
    """django-oauth-toolkit as the council's corporate IdP (Keycloak-like claims)."""
    from oauth2_provider.models import Application

    settings.OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": rsa_private_key_pem(),
        "SCOPES": {**SCOPES, "email": "Correo", "profile": "Perfil"},
        "DEFAULT_SCOPES": ["openid"],
        "PKCE_REQUIRED": True,
        "OAUTH2_VALIDATOR_CLASS": "tests.identidad.support.oidc_validator.GiltzaLikeValidator",
    }
    provider_base = live_server.url.replace("127.0.0.1", "localhost")
    sede_base = provider_base.replace("localhost", "127.0.0.1")
    Application.objects.create(
        name="Sede (personal)",
        client_id=STAFF_CLIENT_ID,
        client_secret=STAFF_CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{sede_base}/oidc-personal/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    settings.STAFF_REQUIRE_2FA = True
    settings.OIDC_ENABLED = False  # the citizens' Giltza is off: only the staff IdP answers
    settings.STAFF_OIDC_ENABLED = True
    settings.STAFF_OIDC_PROVIDER_NAME = "Udal-ID"
    settings.STAFF_OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider_base}/o/authorize/"
    settings.STAFF_OIDC_OP_TOKEN_ENDPOINT = f"{provider_base}/o/token/"
    settings.STAFF_OIDC_OP_USER_ENDPOINT = f"{provider_base}/o/userinfo/"
    settings.STAFF_OIDC_OP_JWKS_ENDPOINT = f"{provider_base}/o/.well-known/jwks.json"
    settings.STAFF_OIDC_RP_CLIENT_ID = STAFF_CLIENT_ID
    settings.STAFF_OIDC_RP_CLIENT_SECRET = STAFF_CLIENT_SECRET
    settings.STAFF_OIDC_TIMEOUT = 20
    settings.LOGIN_URL = "/proveedor/login/"
    yield provider_base, sede_base
    PROVIDER_CLAIMS.clear()


def _corporate_login(http, sede_base, provider_username):
    response = http.get(f"{sede_base}/oidc-personal/authenticate/", timeout=30)
    assert urlsplit(response.url).path == "/proveedor/login/", response.text[:500]
    action, data = _form_data(response)
    data.update(username=provider_username, password=PROVIDER_PASSWORD)
    return http.post(action, data=data, timeout=30)


@pytest.mark.urls("tests.identidad.support.oidc_urls")
def test_staff_sign_in_through_the_councils_oidc_provider(corporate_provider):
    _provider_base, sede_base = corporate_provider
    staff = User.objects.create_user("itziar", is_staff=True, email="itziar@bilbao.example")
    staff.groups.add(Group.objects.get(name=Role.REGISTRY_HEAD.value))
    User.objects.create_user("corp-itziar", password=PROVIDER_PASSWORD)
    PROVIDER_CLAIMS["corp-itziar"] = {"preferred_username": "itziar"}

    http = requests.Session()
    response = _corporate_login(http, sede_base, "corp-itziar")
    assert response.status_code == 200
    assert response.url == f"{sede_base}{reverse('gestion:home')}"
    session = _sede_session(http)
    assert int(session[SESSION_KEY]) == staff.pk
    assert session[SESSION_STRONG_KEY] == "oidc"
    assert session[SESSION_METHOD_KEY] == "corporativo" and session[SESSION_LEVEL_KEY] == 2
    book = http.get(f"{sede_base}{reverse('registro:libro')}", timeout=30)
    assert book.status_code == 200  # staff powers: the session has the strong sign-in
    entry = AuditEntry.objects.filter(action="login", result="ok", actor=staff).get()
    assert entry.detail["provider"] == "Udal-ID"


@pytest.mark.urls("tests.identidad.support.oidc_urls")
def test_the_corporate_provider_never_creates_or_elevates_accounts(corporate_provider):
    _provider_base, sede_base = corporate_provider
    User.objects.create_user("corp-nadie", password=PROVIDER_PASSWORD)
    PROVIDER_CLAIMS["corp-nadie"] = {"preferred_username": "no-existe", "email": "x@y.example"}
    http = requests.Session()
    response = _corporate_login(http, sede_base, "corp-nadie")
    assert urlsplit(response.url).path == reverse("identidad:staff_login")
    assert "no corresponde a ningún miembro del personal" in response.text
    assert not User.objects.filter(username="no-existe").exists()
    session = _sede_session(http)
    assert session is None or SESSION_KEY not in session
