"""axe-core (WCAG 2.1 A and AA) over the clerk's exchange screens, in Spanish and Basque:
the incoming and outgoing trays, a pre-entry with its decision forms and history, and the
"send to another administration" form. Skipped, with the reason, without Chromium/axe-core."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registro.models import Intercambio
from registro.sir import services
from tests.e2e.conftest import axe_violations
from tests.registro.conftest import oficina_sede as oficina_sede
from tests.registro.conftest import register as register
from tests.registro.conftest import urbanismo as urbanismo  # noqa: F401
from tests.registro.sir_fixtures import clerk as clerk
from tests.registro.sir_fixtures import transport as transport
from tests.registro.sir_support import REMOTE, remote_fichero

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_the_exchange_screens_have_no_wcag21_aa_violations(
    browser,
    live_server,
    clerk,
    register,
    oficina_sede,
    transport,
    language,
):
    asiento = register()
    services.intercambio_enviar(asiento=asiento, entidad_destino="O00001234", actor=clerk)
    services.mensaje_recibir(
        remote_fichero(register(), identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code)
    )
    incoming = Intercambio.objects.get(sentido="entrada")
    client = Client()
    client.force_login(clerk)
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
    prefix = "" if language == "es" else "/eu"
    page = context.new_page()
    failures = {}
    for url in (
        reverse("registro:sir_entrada"),
        reverse("registro:sir_salida"),
        reverse("registro:sir_intercambio", args=[incoming.pk]),
        reverse("registro:sir_enviar", args=[asiento.pk]),
        reverse("registro:asiento_detalle", args=[asiento.pk]),
    ):
        assert page.goto(f"{live_server.url}{prefix}{url}").status == 200, url
        assert page.evaluate("document.documentElement.lang") == language
        if violations := axe_violations(page):
            failures[url] = violations
    context.close()
    assert failures == {}
