"""Browser test of the filing flow (issue 7): log in through the development IdP, file the
instancia general with an attachment, sign by identification, download the receipt — in
Spanish and in Basque — with axe-core reporting no WCAG 2.1 AA violation on any page.

Headless Chromium (Debian's package) driven by Playwright against a live server; skipped, with
the reason, when Chromium, Playwright or axe-core is missing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_pdf

pytestmark = pytest.mark.e2e


@pytest.fixture
def dev_idp(settings):
    settings.DEBUG = True
    settings.DEV_IDP_ENABLED = True


class Flow:
    def __init__(self, page):
        self.page = page
        self.failures: dict[str, list[str]] = {}

    def check(self, label: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.failures[f"{label} {self.page.url}"] = violations

    def next(self) -> None:
        """Submit the step and wait for the page it leads to (the same step again, with its
        errors, or the next one), so nothing reads the page it is leaving."""
        with self.page.expect_navigation():
            self.page.click('button.button[name="action"][value="next"]')


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_file_the_instancia_general_with_an_attachment_and_download_the_receipt(
    browser, live_server, catalogo, dev_idp, language
):
    prefix = "" if language == "es" else "/eu"
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    flow = Flow(page)

    page.goto(f"{live_server.url}{prefix}/tramites/instancia-general/")
    assert "/identidad/acceso/" in page.url  # identification first
    flow.check("login")
    page.check('input[name="persona"][value="ciudadana"]')
    page.select_option('select[name="method"]', "bakq")
    page.click('form[action$="/acceso/desarrollo/"] button[type="submit"]')
    assert "/tramites/instancia-general/" in page.url
    assert page.evaluate("document.documentElement.lang") == language
    flow.check("start")
    page.click("main form button.button")

    # Step 1: prefilled from the identity.
    assert page.input_value("#f-solicitante-nif") == "12345678Z"
    # Enhanced with JavaScript: the representative's fieldset shows only when ticked.
    # (expect() waits for the deferred script instead of racing it on a loaded machine)
    representante = page.locator("#fs-datos-representante")
    expect(representante).to_be_hidden()
    page.check("#f-actua_por_representante")
    expect(representante).to_be_visible()
    page.uncheck("#f-actua_por_representante")
    expect(representante).to_be_hidden()
    flow.check("solicitante")
    flow.next()

    # Step 2: an error first (summary + field errors), then the answers.
    flow.next()
    assert page.locator(".error-summary").count() == 1
    flow.check("solicitud with errors")
    page.fill("#f-asunto", "Poda del árbol de mi calle")
    page.fill("#f-expone", "El árbol frente al portal tapa la farola.")
    page.fill("#f-solicita", "Que se pode.")
    flow.next()

    # Step 3: attachments.
    flow.check("documentos")
    page.set_input_files(
        "#id_libre-fichero",
        {"name": "foto.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Foto")},
    )
    page.fill("#id_libre-description", "Fotografía")
    page.click('button[value="upload:"]')
    assert "foto.pdf" in page.content()
    flow.check("documentos with a file")
    page.click('form.filing-actions button[value="next"]')

    # Step 4: notifications (prefilled), step 5: declaration.
    flow.check("notificacion")
    flow.next()
    flow.check("confirmar")
    page.check("#f-declaracion")
    flow.next()

    # Review, signature, receipt.
    assert "/revisar/" in page.url
    flow.check("review")
    page.click("main a.button")
    assert "/firmar/" in page.url
    flow.check("sign")
    page.check("#id_confirmo")
    page.click('form:has(input[value="concertada"]) button[type="submit"]')
    assert "/tramites/presentacion/" in page.url
    flow.check("receipt")
    numero = page.locator("dl.facts dd strong").first.inner_text()
    assert "/E/" in numero
    with page.expect_download() as download:
        page.click('a[href$="justificante.pdf"]')
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    # Mi carpeta lists the submission.
    page.goto(f"{live_server.url}{prefix}/mi-carpeta/")
    assert numero in page.content()
    flow.check("mi carpeta")
    context.close()
    assert flow.failures == {}
