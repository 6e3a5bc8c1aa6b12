"""Browser test of the form builder (issue 16, "Done when"): a catalogue editor signs in
(password + TOTP), opens the builder from the staff home, builds a small form with a step shown
only for one answer, previews it in Spanish and in Basque (errors included), publishes it, and a
citizen files it in a browser with JavaScript DISABLED. axe-core reports no WCAG 2.1 AA
violation on the builder and preview pages.

Publication: this branch has no review/publish page yet (the "versiones" work owns it), so the
test publishes through the existing service, ``procedimientos.services.formulario_publish`` —
what the admin's «Publicar la versión» action calls.
"""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from identidad.roles import Role
from procedimientos.constants import EstadoFormulario
from procedimientos.models import FormularioVersion
from procedimientos.services import formulario_publish
from registro.models import Asiento
from sede.models import Borrador, Presentacion
from tests.e2e.test_filing import Flow
from tests.personas import staff_member
from tests.sede.filing_support import *  # noqa: F403

pytestmark = pytest.mark.e2e
PASSWORD = "una-contrasena-larga-2026"  # noqa: S105
CODE = "quejas-sugerencias"


@pytest.fixture
def editora(db, settings):
    settings.STAFF_REQUIRE_2FA = True
    settings.STAFF_PASSWORD_LOGIN = True
    settings.DEBUG = True  # the development IdP for the citizen
    settings.DEV_IDP_ENABLED = True
    user = staff_member("editora", Role.CATALOGUE_EDITOR)
    user.set_password(PASSWORD)
    user.save()
    return user, TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def fill_field(page, prefix: str, **values) -> None:
    for name, value in values.items():
        selector = f"#id_{prefix}-{name}"
        tag = page.eval_on_selector(selector, "e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            page.select_option(selector, value)
        elif tag.endswith("checkbox"):
            page.check(selector) if value else page.uncheck(selector)
        else:
            page.fill(selector, value)


@pytest.mark.django_db(transaction=True)
def test_an_editor_builds_previews_and_publishes_a_form_a_citizen_files_without_js(
    browser, live_server, catalogo, editora
):
    user, device = editora
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    flow = Flow(page)

    # Staff sign-in with the second factor; the builder from the staff home.
    page.goto(f"{live_server.url}/gestion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_otp_token", f"{code:06d}")
    page.click("main form button[type=submit]")
    page.click('a[href$="/catalogo/gestion/formularios/"]')
    flow.check("builder list")
    page.fill("#id_q", "quejas")
    page.click("main form[role=search] button")
    page.click(f'form[action$="/{CODE}/nueva-version/"] button[value="empty"]')
    draft = FormularioVersion.objects.get(procedimiento__code=CODE)
    assert draft.status == EstadoFormulario.BORRADOR
    flow.check("empty draft")

    # Step 1: a choice (es/eu options) and a long text.
    fill_field(
        page,
        "nuevo",
        where="new",
        new_title_es="Su queja o sugerencia",
        new_title_eu="Zure kexa edo iradokizuna",
        new_legend_es="Qué nos cuenta",
        new_legend_eu="Zer kontatzen diguzu",
        kind="choice",
        key="tipo",
        title_es="¿Es una queja o una sugerencia?",
        title_eu="Kexa edo iradokizuna da?",
        required=True,
        options="queja | Queja | Kexa\nsugerencia | Sugerencia | Iradokizuna",
    )
    page.click('#nuevo button[type="submit"]')
    expect(page.locator(".messages__list")).to_contain_text("Cambios guardados")
    # An error first: the same key again → nothing saved, an error summary linking the field.
    fill_field(
        page,
        "nuevo",
        where="fs:su-queja-o-sugerencia/que-nos-cuenta",
        kind="textarea",
        key="tipo",
        title_es="Texto",
        title_eu="Testua",
    )
    page.click('#nuevo button[type="submit"]')
    expect(page.locator(".error-summary")).to_contain_text("Ya hay un campo")
    flow.check("builder with an error")
    fill_field(page, "nuevo", key="texto", required=True)
    page.click('#nuevo button[type="submit"]')
    expect(page.locator(".messages__list")).to_contain_text("Cambios guardados")
    # The field's own panel: texts, required-if, validations, prefill.
    page.click('a[href*="campo=field%3Asu-queja-o-sugerencia/que-nos-cuenta/texto"]')
    fill_field(
        page, "campo", help_es="Cuéntenos qué ha pasado.", help_eu="Kontatu zer gertatu den."
    )
    page.click('#campo form:has(input[value="edit_field"]) button')
    expect(page.locator(".messages__list")).to_contain_text("Cambios guardados")
    flow.check("field panel")

    # Step 2, shown only for a complaint: the date of the facts.
    fill_field(
        page,
        "nuevo",
        where="new",
        new_title_es="Los hechos",
        new_title_eu="Gertaerak",
        new_legend_es="Cuándo ocurrió",
        new_legend_eu="Noiz gertatu zen",
        kind="date",
        key="fecha",
        title_es="Fecha de los hechos",
        title_eu="Gertaeren data",
        required=True,
    )
    page.click('#nuevo button[type="submit"]')
    page.click("#paso-los-hechos details summary")
    fill_field(page, "sc-los-hechos", field="/tipo", values="queja")
    page.click('#paso-los-hechos details form:has(input[value="set_condition"]) button')
    expect(page.locator("#paso-los-hechos .builder-condition")).to_be_visible()
    flow.check("builder with a conditional step")
    draft.refresh_from_db()
    assert draft.layout["steps"][1]["condition"] == {"field": "/tipo", "equals": "queja"}

    # Preview in Spanish: the citizen's errors, then the conditional step.
    page.click(f'a[href="/tramites/vista-previa/{draft.pk}/"]')
    assert page.evaluate("document.documentElement.lang") == "es"
    flow.check("preview es")
    flow.next()
    expect(page.locator(".error-summary")).to_be_visible()
    flow.check("preview es with errors")
    page.check('input[name="tipo"][value="queja"]')
    page.fill("#f-texto", "La farola de mi calle no funciona.")
    flow.next()
    expect(page.locator("h2").first).to_have_text("Los hechos")
    page.fill("#f-fecha", "2026-11-30")
    flow.next()
    assert "/revisar/" in page.url
    flow.check("preview es end")

    # Preview in Basque.
    page.goto(f"{live_server.url}/catalogo/gestion/formularios/version/{draft.pk}/")
    page.click(f'a[href="/eu/tramites/vista-previa/{draft.pk}/"]')
    assert page.evaluate("document.documentElement.lang") == "eu"
    expect(page.locator("main")).to_contain_text("Kexa edo iradokizuna da?")
    flow.check("preview eu")
    page.check('input[name="tipo"][value="sugerencia"]')
    page.fill("#f-texto", "Bidegorri gehiago.")
    flow.next()
    assert "/revisar/" in page.url  # no «Gertaerak» step for a suggestion
    flow.check("preview eu end")
    assert Borrador.objects.count() == 0  # the preview never made a draft
    context.close()
    assert flow.failures == {}

    # Publish (the existing publish path; see the module docstring).
    formulario_publish(formulario=draft, by=user)

    # A citizen files it with JavaScript disabled.
    citizen = browser.new_context(java_script_enabled=False)
    page = citizen.new_page()
    page.goto(f"{live_server.url}/tramites/{CODE}/")
    page.check('input[name="persona"][value="ciudadana"]')
    page.select_option('select[name="method"]', "bakq")
    page.click('form[action$="/acceso/desarrollo/"] button[type="submit"]')
    page.click("main form button.button")
    expect(page.locator("h2").first).to_have_text("Su queja o sugerencia")
    page.check('input[name="tipo"][value="queja"]')
    page.fill("#f-texto", "La farola de mi calle no funciona desde hace una semana.")
    page.click('button.button[name="action"][value="next"]')
    expect(page.locator("h2").first).to_have_text("Los hechos")
    page.click('button.button[name="action"][value="next"]')  # the date is required
    expect(page.locator(".error-summary")).to_contain_text("Fecha de los hechos")
    page.fill("#f-fecha", "2026-11-30")
    page.click('button.button[name="action"][value="next"]')
    assert "/revisar/" in page.url
    page.click('form[action$="/presentar/"] button')
    assert "/tramites/presentacion/" in page.url
    citizen.close()

    presentacion = Presentacion.objects.get()
    assert presentacion.borrador.formulario_id == draft.pk  # filed with the published version
    assert presentacion.borrador.data["fecha"] == "2026-11-30"
    assert Asiento.objects.filter(pk=presentacion.asiento_id).exists()
