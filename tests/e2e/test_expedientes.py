"""Browser test of a case file's life (issue 11), in Spanish and in Basque, with axe-core
reporting no WCAG 2.1 AA violation on the pages walked: a citizen files the instancia
general → the case file appears in the unit's tray → the case handler asks for a correction
→ the citizen answers from Mi carpeta with a document → the handler drafts the resolution and
sends it to the portafirmas → the head of unit signs it → both sides see it signed.

Headless Chromium driven by Playwright against a live server; skipped, with the reason, when
Chromium, Playwright or axe-core is missing.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from expedientes.models import Expediente
from identidad.roles import Role
from tests.e2e.conftest import axe_violations
from tests.expedientes.conftest import staff_user
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_pdf

pytestmark = pytest.mark.e2e


@pytest.fixture
def dev_idp(settings):
    settings.DEBUG = True
    settings.DEV_IDP_ENABLED = True


class Walk:
    def __init__(self, page, label: str):
        self.page = page
        self.label = label
        self.failures: dict[str, list[str]] = {}

    def check(self, step: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.failures[f"{self.label}/{step} {self.page.url}"] = violations


def staff_context(browser, live_server, user):
    """A browser context logged in as ``user`` (staff sign in through the admin login; the
    session cookie is what matters here)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def file_instancia_general(page, base: str) -> str:
    """The citizen files the instancia general, signing with her identification."""
    page.goto(f"{base}/tramites/instancia-general/")
    page.check('input[name="persona"][value="ciudadana"]')
    page.select_option('select[name="method"]', "bakq")
    page.click('form[action$="/acceso/desarrollo/"] button[type="submit"]')
    page.click("main form button.button")
    nxt = 'button.button[name="action"][value="next"]'
    page.click(nxt)
    page.fill("#f-asunto", "Vado en Calle Ercilla 10")
    page.fill("#f-expone", "Necesito entrar con el coche al garaje.")
    page.fill("#f-solicita", "Que se conceda el vado.")
    page.click(nxt)
    page.click('form.filing-actions button[value="next"]')
    page.click(nxt)
    page.check("#f-declaracion")
    page.click(nxt)
    page.click("main a.button")
    page.check("#id_confirmo")
    page.click('form:has(input[value="concertada"]) button[type="submit"]')
    assert "/tramites/presentacion/" in page.url
    return page.locator("dl.facts dd strong").first.inner_text()


def open_notification(page, base: str, pendiente) -> None:
    """The citizen opens (comparecencia) the notification made of a case file's pending one."""
    from notificaciones.models import Notificacion

    notificacion = Notificacion.objects.get(pendiente_id=pendiente.pk)
    page.goto(f"{base}/notificaciones/{notificacion.pk}/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_filing_tray_request_answer_and_signed_resolution(
    browser, live_server, catalogo, dev_idp, council_seal, language
):
    from firma.models import FirmanteConfig

    prefix = "" if language == "es" else "/eu"
    base = f"{live_server.url}{prefix}"

    # 1. Filing (citizen).
    citizen = browser.new_context(bypass_csp=True, accept_downloads=True)
    cpage = citizen.new_page()
    numero = file_instancia_general(cpage, base)
    exp = Expediente.objects.get()
    assert exp.asiento_origen.numero == numero
    cw = Walk(cpage, "citizen")
    cpage.goto(f"{base}/mi-carpeta/")
    assert exp.identificador in cpage.content()
    cw.check("mi carpeta")

    # Staff of the file's unit: a case handler and a head of unit who signs.
    tramitador = staff_user("tramitadora", [exp.unidad], Role.CASE_HANDLER)
    firmante = staff_user("jefa-unidad", [exp.unidad], Role.UNIT_HEAD)
    FirmanteConfig.objects.create(user=firmante, keystore_name="alcaldesa", cargo="Jefa")

    # 2. Tray → case file → correction request (case handler).
    staff = staff_context(browser, live_server, tramitador)
    spage = staff.new_page()
    sw = Walk(spage, "staff")
    spage.goto(f"{base}/gestion/")
    sw.check("staff home")
    spage.click(f'a[href="{prefix}/expedientes/bandeja/"]')
    assert exp.identificador in spage.content()
    sw.check("tray")
    spage.click(f"text={exp.identificador}")
    assert f"/expedientes/{exp.pk}/" in spage.url
    sw.check("case file")
    spage.fill("#id_texto", "Aporte el plano del garaje.")
    spage.click('form[action$="/acciones/requerimiento/"] button[type="submit"]')
    assert exp.requerimientos.count() == 1
    assert spage.locator(".message--success").count() == 1
    sw.check("case file with request")

    # 3. The citizen learns of the request through its notification (art. 43.2: the case
    # file announces it but shows its text only once the notification is opened), then
    # answers from Mi carpeta with a document.
    from notificaciones.services import pendientes_process

    pendientes_process(expediente_id=exp.pk)
    cpage.goto(f"{base}/mi-carpeta/expedientes/{exp.pk}/")
    assert "Aporte el plano del garaje." not in cpage.content()
    cw.check("case file with a notification to open")
    cpage.click('main a[href$="/notificaciones/"]')
    open_notification(cpage, base, exp.requerimientos.get().notificaciones.get())
    cpage.goto(f"{base}/mi-carpeta/expedientes/{exp.pk}/")
    assert "Aporte el plano del garaje." in cpage.content()
    cw.check("case file")
    cpage.click(f'a[href$="/mi-carpeta/expedientes/{exp.pk}/aportar/"]')
    cw.check("answer form")
    cpage.fill("#id_texto", "Adjunto el plano.")
    cpage.set_input_files(
        "#id_ficheros",
        {"name": "plano.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Plano")},
    )
    cpage.click('main form button[type="submit"]')
    assert cpage.url.endswith(f"/mi-carpeta/expedientes/{exp.pk}/")
    assert cpage.locator(".message--success").count() == 1
    assert "plano.pdf" in cpage.content()
    cw.check("case file answered")
    assert exp.requerimientos.get().estado == "contestado"

    # 4. Resolution drafted and sent to the portafirmas (case handler).
    spage.goto(f"{base}/expedientes/{exp.pk}/")
    spage.select_option("#id_sentido", "estimatoria")
    spage.fill('form[action$="/acciones/resolucion/"] #id_texto', "Se concede el vado.")
    spage.click('form[action$="/acciones/resolucion/"] button[type="submit"]')
    sw.check("draft resolution")
    spage.select_option("#id_firmante", str(firmante.pk))
    spage.click('form[action$="/acciones/firmar/"] button[type="submit"]')
    assert exp.resoluciones.get().estado == "en_firma"

    # 5. The head of unit signs it in the portafirmas.
    signer = staff_context(browser, live_server, firmante)
    fpage = signer.new_page()
    fpage.goto(f"{base}/firma/portafirmas/")
    fpage.check('input[name="acciones"]')
    fpage.click('form[action$="/portafirmas/firmar/"] button[type="submit"]')

    # 6. Both sides see it signed.
    spage.goto(f"{base}/expedientes/{exp.pk}/")
    assert exp.resoluciones.get().estado == "firmada"
    sw.check("case file with signed resolution")
    # The citizen gets the signed resolution through its notification, then in the file.
    pendientes_process(expediente_id=exp.pk)
    cpage.goto(f"{base}/mi-carpeta/expedientes/{exp.pk}/")
    assert "resolucion-1.pdf" not in cpage.content()
    open_notification(cpage, base, exp.resoluciones.get().notificaciones.get())
    cpage.goto(f"{base}/mi-carpeta/expedientes/{exp.pk}/")
    assert "resolucion-1.pdf" in cpage.content()
    cw.check("case file resolved")

    for context in (citizen, staff, signer):
        context.close()
    assert {**cw.failures, **sw.failures} == {}
