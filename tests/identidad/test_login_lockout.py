"""Staff password logins are throttled: django-axes locks out by account and by client
address, and the lockout goes to the audit trail (issue 17 item 5; ENS-1)."""

from __future__ import annotations

import pytest

from identidad.models import AuditEntry, User

pytestmark = pytest.mark.django_db

LOGIN = "/identidad/personal/acceso/"  # the staff sign-in (/admin/login/ redirects there)


@pytest.fixture(autouse=True)
def _password_login(settings):
    settings.STAFF_PASSWORD_LOGIN = True
    settings.STAFF_REQUIRE_2FA = False


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("jefa", password="la-buena-Clave-2026", email="j@x.eus")


def post_login(client, username, password, ip="203.0.113.7", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": "", "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def test_40_wrong_passwords_then_the_right_one_is_refused(client, admin_user):
    for _ in range(40):
        post_login(client, "jefa", "no-es-esta")
    response = post_login(client, "jefa", "la-buena-Clave-2026")
    assert response.status_code == 429
    assert "Acceso bloqueado temporalmente" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not logged in
    assert AuditEntry.objects.filter(detail__reason__startswith="locked out").exists()


def test_the_account_is_locked_from_any_address(client, admin_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "jefa", "mala", ip=f"198.51.100.{n + 1}")
    response = post_login(client, "jefa", "la-buena-Clave-2026", ip="192.0.2.200")
    assert response.status_code == 429


def test_a_client_address_is_locked_whatever_account_it_tries(client, admin_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"usuario{n}", "mala")
    response = post_login(client, "jefa", "la-buena-Clave-2026")
    assert response.status_code == 429


def test_a_few_mistakes_do_not_lock_and_success_resets(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "jefa", "mala")
    response = post_login(client, "jefa", "la-buena-Clave-2026")
    assert response.status_code == 302 and client.session.get("_auth_user_id")


def test_behind_the_trusted_proxy_each_citizen_address_is_counted_apart(
    client, admin_user, settings
):
    """Item 10: the proxy's own address is not one client; X-Forwarded-For is believed
    only from TRUSTED_PROXIES."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"usuario{n}", "mala", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    blocked = post_login(client, "otra", "mala", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert blocked.status_code == 429
    response = post_login(
        client,
        "jefa",
        "la-buena-Clave-2026",
        ip="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert response.status_code == 302
