"""A citizen opens a notification in Mi carpeta (NOT-5, NOT-7) in Chromium, es and eu; axe finds
no WCAG 2.1 AA violation on the list, the warning, the content and the rejection page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from notificaciones.constants import Estado
from tests.e2e.conftest import axe_violations
from tests.notificaciones.conftest import *  # noqa: F403  (electronica, prepare, units)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("council_seal")]

CITIZEN_BACKEND = "identidad.backends.oidc.GiltzaOIDCBackend"


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _logged_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user, backend=CITIZEN_BACKEND)
    context = browser.new_context(bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_a_citizen_opens_a_notification_from_mi_carpeta(
    browser, live_server, ciudadana, electronica, prepare, language
):
    notificacion = prepare(electronica, idioma=language)
    other = prepare(electronica, asunto="Segunda notificación")
    prefix = "" if language == "es" else "/eu"
    context, page = _logged_in_page(browser, live_server, ciudadana)
    failures = {}

    page.goto(f"{live_server.url}{prefix}/mi-carpeta/")
    assert page.evaluate("document.documentElement.lang") == language
    if v := axe_violations(page):
        failures["mi-carpeta"] = v
    page.click(f'a[href$="/notificaciones/{notificacion.pk}/"]')

    # NOT-7: the warning, and no content yet.
    warning = "Antes de abrirla" if language == "es" else "Ireki aurretik"
    assert warning in page.content()
    assert "Se le notifica la liquidación" not in page.content()
    if v := axe_violations(page):
        failures["aviso"] = v

    page.click("main form button[type=submit]")
    assert "Se le notifica la liquidación" in page.content()
    if v := axe_violations(page):
        failures["contenido"] = v

    page.goto(f"{live_server.url}{prefix}/notificaciones/{other.pk}/rechazar/")
    if v := axe_violations(page):
        failures["rechazar"] = v
    context.close()
    assert failures == {}
    notificacion.refresh_from_db()
    assert notificacion.estado == Estado.ACEPTADA and notificacion.abierta_por == ciudadana
