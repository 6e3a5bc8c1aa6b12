"""axe-core (WCAG 2.1 A and AA rules) over the sede shell's main pages, in Spanish and Basque.

Runs in headless Chromium (Debian's `chromium`, driven by Playwright for Python) against a live
server. axe-core comes from npm (`npm ci` at the project root installs it into node_modules/).
Skipped, with the reason, when Chromium, Playwright or axe-core is not installed.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.e2e.conftest import axe_violations

# Citizens log in through an identity provider (Giltza, OIDC); its session backend here.
CITIZEN_BACKEND = "identidad.backends.oidc.GiltzaOIDCBackend"


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /eu/ leave Basque active in this thread: give later tests Spanish back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/titularidad/",
    "/identificacion-y-firma/",
    "/normas-registro/",
    "/fecha-y-calendario/",
    "/accesibilidad/",
    "/aviso-legal/",
    "/verificacion/",
    "/incidencias/",
    "/quejas-y-sugerencias/",
    "/mapa/",
    "/no-existe/",
]


@pytest.mark.django_db(transaction=True)
class TestAxe:
    @pytest.mark.parametrize("language", ["es", "eu"])
    def test_the_main_pages_have_no_wcag21_aa_violations(self, browser, live_server, language):
        prefix = "" if language == "es" else "/eu"
        # bypass_csp: axe is injected as an inline script, which the sede's CSP rightly forbids.
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        failures = {}
        for path in PAGES:
            page.goto(f"{live_server.url}{prefix}{path}")
            assert page.evaluate("document.documentElement.lang") == language
            if violations := axe_violations(page):
                failures[prefix + path] = violations
        context.close()
        assert failures == {}

    @pytest.mark.parametrize("language", ["es", "eu"])
    def test_mi_carpeta_has_no_wcag21_aa_violations(
        self, browser, live_server, ciudadana, language
    ):
        client = Client()
        client.force_login(ciudadana, backend=CITIZEN_BACKEND)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(bypass_csp=True)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie,
                    "url": live_server.url,
                }
            ]
        )
        prefix = "" if language == "es" else "/eu"
        page = context.new_page()
        page.goto(f"{live_server.url}{prefix}/mi-carpeta/")
        assert "Miren Etxeberria Agirre" in page.content()
        violations = axe_violations(page)
        context.close()
        assert violations == []

    def test_axe_does_report_a_violation_on_a_bad_page(self, browser):
        """The check above would be worthless if axe could not see a problem."""
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
        violations = " ".join(axe_violations(page))
        context.close()
        assert "image-alt" in violations and "html-has-lang" in violations
        assert "label" in violations

    def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
        self, browser, live_server
    ):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{live_server.url}/eu/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        assert page.evaluate("document.activeElement.textContent.trim()") == "Joan eduki nagusira"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        context.close()
