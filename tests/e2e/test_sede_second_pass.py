"""Browser tests of issue 15 (Chromium + axe-core, es and eu): the filing flow's new steps,
no citizen page wider than a phone (390 px and 320 px), the collapsing menu with and without
JavaScript, and the notice board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.sede.filing_support import *  # noqa: F403

pytestmark = pytest.mark.e2e

CITIZEN_BACKEND = "identidad.backends.oidc.GiltzaOIDCBackend"

PUBLIC_PAGES = [
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
    "/catalogo/",
    "/catalogo/?q=empadronarse",
    "/catalogo/instancia-general/",
    "/catalogo/grado-de-avance/",
    "/calendario/",
    "/verificar/",
    "/tablon/",
    "/no-existe/",
]
CITIZEN_PAGES = ["/mi-carpeta/", "/tramites/instancia-general/"]

OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _citizen_context(browser, live_server, user, *, with_client=False, **kwargs):
    from identidad.constants import MetodoIdentificacion, NivelGarantia
    from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

    client = Client()
    client.force_login(user, backend=CITIZEN_BACKEND)
    session = client.session
    session[SESSION_LEVEL_KEY] = int(NivelGarantia.SUSTANCIAL)
    session[SESSION_METHOD_KEY] = MetodoIdentificacion.BAKQ.value
    session.save()
    context = browser.new_context(bypass_csp=True, **kwargs)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return (context, client) if with_client else context


def _edict(ayuntamiento):
    """Published (and sealed) in another thread: pyHanko runs its own asyncio loop, which
    cannot start inside Playwright's running loop."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def publish():
        try:
            return _publish_edict(ayuntamiento)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(publish).result()


def _publish_edict(ayuntamiento):
    from django.contrib.auth.models import Group

    from identidad.models import User
    from identidad.roles import Role
    from tablon.services import edicto_publish

    clerk = User.objects.create_user("jefa", password="x", is_staff=True)
    clerk.groups.add(Group.objects.get(name=Role.REGISTRY_HEAD.value))
    now = timezone.now()
    return edicto_publish(
        by=clerk,
        organo=ayuntamiento,
        kind="edicto",
        title_es="Información pública del proyecto de urbanización de Zorrotzaurre con un "
        "título especialmente largo para probar el ajuste en pantallas estrechas",
        title_eu="",
        body_es="Texto " * 200,
        published_from=now,
        published_until=now + timedelta(days=20),
    )


@pytest.mark.django_db(transaction=True)
class TestMobile:
    @pytest.mark.parametrize("width", [390, 320])
    @pytest.mark.parametrize("language", ["es", "eu"])
    def test_no_citizen_page_is_wider_than_the_phone(
        self, browser, live_server, catalogo, ciudadana, council_seal, ayuntamiento, width, language
    ):
        """Issue 15 §3: every page reflows or scrolls inside its own boxes."""
        edicto = _edict(ayuntamiento)
        prefix = "" if language == "es" else "/eu"
        context, client = _citizen_context(
            browser,
            live_server,
            ciudadana,
            with_client=True,
            viewport={"width": width, "height": 844},
        )
        # A draft of the general application: every step of the form and its review.
        from sede.models import Borrador

        client.post("/tramites/instancia-general/", {})
        borrador = Borrador.objects.latest("pk")
        draft = f"/tramites/borrador/{borrador.public_id}/"
        filing_pages = [
            *(f"{draft}paso/{step}/" for step in ("solicitante", "solicitud", "documentos")),
            f"{draft}paso/notificacion/",
            f"{draft}paso/confirmar/",
            f"{draft}revisar/",
        ]
        page = context.new_page()
        wide = {}
        paths = [*PUBLIC_PAGES, *CITIZEN_PAGES, *filing_pages]
        for path in [*paths, f"/tablon/edicto/{edicto.public_id}/"]:
            page.goto(f"{live_server.url}{prefix}{path}")
            assert page.url == f"{live_server.url}{prefix}{path}", "redirected: not measured"
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow > 0:
                wide[prefix + path] = overflow
        context.close()
        assert wide == {}

    def test_the_overflow_check_does_see_a_wide_page(self, browser, live_server):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_content('<html><body><div style="width:800px">x</div></body></html>')
        assert page.evaluate(OVERFLOW_JS) > 0
        context.close()

    @pytest.mark.parametrize("javascript", [True, False])
    def test_the_menu_collapses_and_opens_with_and_without_javascript(
        self, browser, live_server, javascript
    ):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, java_script_enabled=javascript
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        nav = page.locator("#site-menu")
        expect(nav).to_be_hidden()
        page.click("a.menu-toggle--open")
        expect(nav).to_be_visible()
        expect(page.locator("#site-tools .lang-switch")).to_be_visible()
        if javascript:
            assert page.get_attribute("a.menu-toggle--open", "aria-expanded") == "true"
            page.click("a.menu-toggle--open")
            expect(nav).to_be_hidden()
        else:
            page.click("a.menu-toggle--close")
            expect(nav).to_be_hidden()
        context.close()
        # On a desktop the menu is simply there.
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        expect(page.locator("#site-menu")).to_be_visible()
        expect(page.locator("a.menu-toggle--open")).to_be_hidden()
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_the_filing_flows_new_steps_pass_axe(browser, live_server, catalogo, ciudadana, language):
    """Conditional fields (hidden with JS), the review with its error summary and the
    separate signature step."""
    prefix = "" if language == "es" else "/eu"
    context = _citizen_context(browser, live_server, ciudadana)
    page = context.new_page()
    failures = {}

    page.goto(f"{live_server.url}{prefix}/tramites/instancia-general/")
    page.click("main form button.button")
    razon = page.locator(
        '[data-condition-field="solicitante-tipo_persona"]:has(#f-solicitante-razon_social)'
    )
    page.check('input[name="solicitante-tipo_persona"][value="fisica"]')
    expect(razon).to_be_hidden()
    page.check('input[name="solicitante-tipo_persona"][value="juridica"]')
    expect(razon).to_be_visible()
    if v := axe_violations(page):
        failures["solicitante"] = v
    step_url = page.url

    # The review of an incomplete draft: the error summary, no signature.
    page.goto(step_url.replace("/paso/solicitante/", "/revisar/"))
    assert page.locator(".error-summary a").count() > 0
    assert page.locator('a[href$="/firmar/"].button').count() == 0
    if v := axe_violations(page):
        failures["review with errors"] = v
    # The signature page is not offered: back to the review.
    page.goto(step_url.replace("/paso/solicitante/", "/firmar/"))
    assert "/revisar/" in page.url
    # The progress list names one review step and one signature step.
    steps = page.locator(".filing-progress li").all_inner_texts()
    assert len(steps) >= 2 and steps[-1].strip() and steps[-2].strip()
    context.close()
    assert failures == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_the_notice_board_passes_axe_and_searches(
    browser, live_server, council_seal, ayuntamiento, language
):
    edicto = _edict(ayuntamiento)
    prefix = "" if language == "es" else "/eu"
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    failures = {}
    page.goto(f"{live_server.url}{prefix}/tablon/")
    assert "Zorrotzaurre" in page.content()
    if v := axe_violations(page):
        failures["list"] = v
    page.fill("#id_q", "urbanizacion")
    page.click('form[role="search"] button[type="submit"]')
    assert edicto.numero in page.content()
    page.fill("#id_q", "licencia de vado")
    page.click('form[role="search"] button[type="submit"]')
    assert edicto.numero not in page.content()
    if v := axe_violations(page):
        failures["no results"] = v
    page.goto(f"{live_server.url}{prefix}/tablon/edicto/{edicto.public_id}/")
    assert edicto.csv in page.content()
    if language == "eu":  # Spanish-only text is marked as Spanish
        assert page.evaluate("document.querySelector('h1').lang") == "es"
    if v := axe_violations(page):
        failures["detail"] = v
    context.close()
    assert failures == {}
