"""Browser test of assisted filing at a district office (issue 14): an authorised official
signs in (password + TOTP), opens the assisted filing from the staff home, identifies the
citizen, collects the consent signed on the tablet, files the instancia general for them
through the sede's own form engine, signs and prints the receipt (A4) — in Spanish and in
Basque, with axe-core reporting no WCAG 2.1 AA violation on any page."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from registro.models import Asiento
from tests.e2e.test_filing import Flow
from tests.sede.asistida_support import habilitado_at, oficina_deusto
from tests.sede.filing_support import *  # noqa: F403

pytestmark = pytest.mark.e2e
PASSWORD = "una-contrasena-larga-2026"  # noqa: S105


@pytest.fixture
def habilitada(db, ayuntamiento, catalogo, settings):
    settings.STAFF_REQUIRE_2FA = True
    settings.STAFF_PASSWORD_LOGIN = True
    user = habilitado_at(oficina_deusto(ayuntamiento), all_procedimientos=True)
    user.first_name, user.last_name = "Itziar", "Lopez"
    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["es", "eu"])
def test_an_official_files_for_a_citizen_at_the_desk_and_prints_the_receipt(
    browser, live_server, habilitada, catalogo, language
):
    user, device = habilitada
    prefix = "" if language == "es" else "/eu"
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    flow = Flow(page)

    # Staff sign-in with the second factor; then the staff home, no URL typed.
    page.goto(f"{live_server.url}{prefix}/gestion/")
    assert "/admin/login/" in page.url
    flow.check("staff login")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_otp_token", f"{code:06d}")
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"{prefix}/gestion/")
    flow.check("staff home")
    page.click('a[href$="/presentacion-asistida/"]')
    page.wait_for_url(lambda url: url.endswith("/presentacion-asistida/"))

    # Identify the citizen with the document checked.
    assert page.evaluate("document.documentElement.lang") == language
    flow.check("identify")
    oficina = "Zuzenean Deustu" if language == "eu" else "Zuzenean Deusto"
    page.select_option("#id_oficina", label=f"{oficina} (O00099001)")
    page.select_option("#id_procedimiento", value=str(catalogo["instancia-general"].pk))
    page.check('input[name="documento_identidad"][value="dni"]')
    page.fill("#id_nif", "00000000T")
    page.fill("#id_nombre", "Koldo")
    page.fill("#id_apellido1", "Arana")
    page.fill("#id_email", "koldo@example.org")
    page.check("#id_documento_comprobado")
    page.click("main form button.button")
    page.wait_for_url(lambda url: "/consentimiento/" in url)

    # The consent: printable, and signed on the tablet (drawn on the canvas).
    assert "/consentimiento/" in page.url
    flow.check("consent")
    consent_url = page.url
    page.click('a[href$="/consentimiento/imprimir/"]')
    page.wait_for_url(lambda url: "/consentimiento/imprimir/" in url)
    assert "Koldo Arana" in page.content()
    flow.check("consent print view")
    page.goto(consent_url)
    expect(page.locator("[data-firma-tableta]")).to_be_visible()  # enhanced with JavaScript
    canvas = page.locator("[data-firma-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 80, steps=10)
    page.mouse.move(box["x"] + 300, box["y"] + 30, steps=10)
    page.mouse.up()
    page.click("main form button.button:not(.button--secondary)")

    # The sede's own form engine, prefilled for the citizen.
    errors = page.locator(".error-summary, .field__error")
    assert "/tramites/borrador/" in page.url, errors.all_inner_texts()
    assert page.input_value("#f-solicitante-nif") == "00000000T"
    flow.check("form step")
    flow.next()
    page.fill("#f-asunto", "Poda del árbol de mi calle")
    page.fill("#f-expone", "El árbol tapa la farola.")
    page.fill("#f-solicita", "Que se pode.")
    flow.next()
    page.click('form.filing-actions button[value="next"]')  # no attachments
    flow.next()  # notifications, prefilled with the citizen's e-mail
    page.check("#f-declaracion")
    flow.next()
    assert "/revisar/" in page.url
    flow.check("review")
    page.click("main a.button")
    assert "/firmar/" in page.url
    flow.check("sign as habilitada")
    page.click("main form button.button")

    # The receipt names both; print it (A4).
    assert "/tramites/presentacion/" in page.url
    flow.check("receipt")
    body = page.content()
    assert "Itziar Lopez" in body and "Koldo Arana" in body
    page.click('a[href$="/imprimir/"]')
    assert "/imprimir/" in page.url
    flow.check("print")
    asiento = Asiento.objects.get()
    assert asiento.numero in page.content()
    assert "Itziar Lopez" in page.content()
    assert page.locator("#print-button").is_visible()  # enhanced with JavaScript
    context.close()
    assert flow.failures == {}
