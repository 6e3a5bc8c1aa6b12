"""Item 10: the client's address behind the reverse proxy — X-Forwarded-For is believed only
from TRUSTED_PROXIES — used by rate limits, login lockout and the audit trail."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from bilbao_sede.net import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.5", None, [], "203.0.113.5"),
        # A client cannot choose its address by sending the header itself.
        ("203.0.113.5", "1.2.3.4", [], "203.0.113.5"),
        ("203.0.113.5", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.5"),
        # Behind the proxy: the address the proxy saw.
        ("10.0.0.2", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        # A spoofed first hop is ignored: read from the right, skipping trusted proxies.
        ("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.7"),
        ("10.0.0.2", "garbage, 198.51.100.7", ["10.0.0.2"], "198.51.100.7"),
        ("10.0.0.2", "not-an-ip", ["10.0.0.2"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.2"], "10.0.0.2"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    ],
)
def test_client_ip(settings, remote, forwarded, proxies, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(remote, forwarded)) == expected


@pytest.mark.django_db
def test_rate_limits_count_each_citizen_behind_the_proxy_apart(client, settings):
    """FIR-8's rate limit: before, every citizen behind the proxy shared one bucket."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.FIRMA_VERIFY_RATE = "2/m"
    cache.clear()
    url = "/firma/verificar/?csv=ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1", **via_proxy)
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1", **via_proxy).status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2", **via_proxy).status_code != 429


@pytest.mark.django_db
def test_the_audit_trail_records_the_citizen_address_not_the_proxy(client, settings):
    from identidad.models import AuditEntry

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.STAFF_PASSWORD_LOGIN = True
    client.post(
        "/identidad/personal/acceso/",
        {"username": "nadie", "password": "x", "otp_token": ""},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.44",
    )
    assert AuditEntry.objects.get(action="login").ip == "198.51.100.44"
