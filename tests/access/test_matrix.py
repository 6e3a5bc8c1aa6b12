"""The access matrix (issue 17.13): every URL of the URLconf and the API router × every persona,
with the expected allow/deny per object from ``rules.py``. A URL without a rule fails.

Staff sign in as in production: ``STAFF_REQUIRE_2FA`` on and a session with the second factor.
Only safe methods are sent (GET), so the world stays as built; POST-only views must still deny
before answering 405 (their rules say so).
"""

from __future__ import annotations

import pytest
from django.test import Client

from identidad.constants import MetodoIdentificacion, NivelGarantia
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from identidad.staff_auth import SESSION_STRONG_KEY

from .matrix import EVERYONE, all_routes, build_url, classify
from .rules import ADMIN_NAMESPACE, RULES, admin_rule
from .world import PERSONAS, STAFF, build_world

pytestmark = pytest.mark.django_db


def rule_for(route, world):
    if route.name.startswith(ADMIN_NAMESPACE):
        return admin_rule(route, world)
    return RULES.get(route.name)


def test_every_url_has_a_rule():
    missing = [r.name for r in all_routes() if not r.name.startswith(ADMIN_NAMESPACE)]
    missing = [name for name in missing if name not in RULES]
    assert not missing, (
        "URLs without an access rule: add one line per URL to tests/access/rules.py: "
        + ", ".join(sorted(missing))
    )


def test_rules_name_only_existing_urls():
    names = {r.name for r in all_routes()}
    stale = sorted(set(RULES) - names)
    assert not stale, f"rules for URLs that no longer exist: {stale}"


def _clients(world, settings) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
            session = client.session
            if persona in STAFF:  # the strong sign-in (identidad.staff_auth)
                session[SESSION_STRONG_KEY] = "totp"
                session[SESSION_METHOD_KEY] = MetodoIdentificacion.PASSWORD_TOTP
            else:  # citizens as Giltza signs them in (BakQ: substantial)
                session[SESSION_METHOD_KEY] = MetodoIdentificacion.BAKQ
            session[SESSION_LEVEL_KEY] = int(NivelGarantia.SUSTANCIAL)
            session.save()
        clients[persona] = client
    return clients


def test_the_access_matrix(settings, council_seal):
    settings.STAFF_REQUIRE_2FA = True
    settings.FIRMA_VERIFY_RATE = "10000/m"  # rate limits are tested on their own
    world = build_world()
    clients = _clients(world, settings)
    failures: list[str] = []
    for route in sorted(all_routes(), key=lambda r: r.name):
        rule = rule_for(route, world)
        if rule is None:
            continue  # reported by test_every_url_has_a_rule
        url = build_url(route, rule, world)
        expected = set(PERSONAS) if rule.allow == EVERYONE else set(rule.allow)
        for persona in PERSONAS:
            client = clients[persona]
            response = client.post(url) if rule.method == "POST" else client.get(url)
            got = classify(response)
            want = "allow" if persona in expected else "deny"
            if got != want:
                failures.append(
                    f"{route.name} {url} as {persona}: expected {want}, got "
                    f"{response.status_code} {response.get('Location', '')}"
                )
    assert not failures, f"{len(failures)} access matrix mismatches:\n" + "\n".join(failures)
