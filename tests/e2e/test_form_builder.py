"""Browser test of the form builder and of the review of forms (issue 16, "Done when"): a
catalogue editor signs in (password + TOTP), opens the builder from the staff home, builds a
small form with a step shown only for one answer, previews it in Spanish and in Basque (errors
included), and sends it to review from the builder's «Revisión y publicación de esta versión»
link. The head of the procedure's unit — another member of staff, also signed in with password
+ TOTP — finds it in their review tray from the staff home, opens it, approves it and publishes
it (docs/catalogo.md, "Versiones y revisión de formularios": nobody approves a version they
made; the editor or the unit head publishes an approved one). A citizen then files the new
version in a browser with JavaScript DISABLED. axe-core reports no WCAG 2.1 AA violation on the
builder, preview, version and review-tray pages.

Everything staff do here goes through the pages, by clicking; no service is called directly.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from identidad.roles import Role
from procedimientos.constants import EstadoFormulario
from procedimientos.models import FormularioVersion
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


@pytest.fixture
def jefa(catalogo, editora):
    """The head of the unit that owns the procedure: she approves its forms (identidad.roles,
    scope: her units, as tests/access/world.py's ``unit_head``)."""
    user = staff_member("jefa", Role.UNIT_HEAD, units=[catalogo[CODE].unit])
    user.set_password(PASSWORD)
    user.save()
    return user, TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def at(path: str):
    """A ``wait_for_url`` predicate: the page's path is exactly ``path`` (the login page's
    ``?next=`` must not count as being there)."""
    return lambda url: urlsplit(url).path == path


def staff_login(page, base_url: str, user, device) -> None:
    """Sign in at the staff home with the password and the current TOTP code."""
    page.goto(f"{base_url}/gestion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_otp_token", f"{code:06d}")
    page.click("main form button[type=submit]")
    page.wait_for_url(at("/gestion/"))


def fill_field(page, prefix: str, **values) -> None:
    for name, value in values.items():
        selector = f"#id_{prefix}-{name}"
        # eval_on_selector does not wait: after a click that navigates, the next page may
        # not be there yet (seen in CI under load).
        page.wait_for_selector(selector, state="attached")
        tag = page.eval_on_selector(selector, "e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            page.select_option(selector, value)
        elif tag.endswith("checkbox"):
            page.check(selector) if value else page.uncheck(selector)
        else:
            page.fill(selector, value)


@pytest.mark.django_db(transaction=True)
def test_an_editor_builds_previews_and_publishes_a_form_a_citizen_files_without_js(
    browser, live_server, catalogo, editora, jefa
):
    user, device = editora
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    flow = Flow(page)

    # Staff sign-in with the second factor; the builder from the staff home.
    staff_login(page, live_server.url, user, device)
    page.click('a[href$="/catalogo/gestion/formularios/"]')
    page.wait_for_url(at("/catalogo/gestion/formularios/"))
    flow.check("builder list")
    page.fill("#id_q", "quejas")
    page.click("main form[role=search] button")
    page.click(f'form[action$="/{CODE}/nueva-version/"] button[value="empty"]')
    page.wait_for_url(re.compile(r"/catalogo/gestion/formularios/version/\d+/$"))
    draft = FormularioVersion.objects.get(procedimiento__code=CODE)  # its first form
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
    page.wait_for_url(re.compile(r"campo=field"))
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

    # Preview in Basque, from the builder (the preview's «Volver al constructor»).
    builder = f"/catalogo/gestion/formularios/version/{draft.pk}/"
    page.click(f'.preview-banner a[href="{builder}"]')
    page.wait_for_url(at(builder))
    page.click(f'a[href="/eu/tramites/vista-previa/{draft.pk}/"]')
    page.wait_for_url(
        lambda url: urlsplit(url).path.startswith(f"/eu/tramites/vista-previa/{draft.pk}/")
    )
    assert page.evaluate("document.documentElement.lang") == "eu"
    expect(page.locator("main")).to_contain_text("Kexa edo iradokizuna da?")
    flow.check("preview eu")
    page.check('input[name="tipo"][value="sugerencia"]')
    page.fill("#f-texto", "Bidegorri gehiago.")
    flow.next()
    assert "/revisar/" in page.url  # no «Gertaerak» step for a suggestion
    flow.check("preview eu end")
    assert Borrador.objects.count() == 0  # the preview never made a draft

    # Back to the builder (now in Basque) and on to the version's review page.
    page.click(f'.preview-banner a[href="/eu{builder}"]')
    page.wait_for_url(at(f"/eu{builder}"))
    version_page = f"/catalogo/gestion/versiones/{draft.pk}/"
    page.click(f'a[href="/eu{version_page}"]')
    page.wait_for_url(at(f"/eu{version_page}"))
    assert page.evaluate("document.documentElement.lang") == "eu"
    expect(page.locator("h1")).to_contain_text(f"{draft.version} bertsioa")
    flow.check("version page eu (draft)")
    page.fill("#comment-enviar", "Bi urratseko kexa-inprimakia.")
    page.click(f'form[action="/eu{version_page}enviar/"] button[type="submit"]')
    expect(page.locator(".messages__list")).to_contain_text("Bertsioa berrikusteko bidali da.")
    expect(page.locator(f'form[action$="{version_page}enviar/"]')).to_have_count(0)
    draft.refresh_from_db()
    assert draft.status == EstadoFormulario.EN_REVISION
    # The editor cannot approve what she made: no approve form for her.
    expect(page.locator(f'form[action$="{version_page}aprobar/"]')).to_have_count(0)
    flow.check("version page eu (in review)")
    context.close()

    # The head of the unit: the review tray from the staff home, the version, approve, publish.
    head, head_device = jefa
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    flow.page = page
    staff_login(page, live_server.url, head, head_device)
    tray = "/catalogo/gestion/versiones/revision/"
    page.click(f'main a[href="{tray}"]')
    page.wait_for_url(at(tray))
    row = page.locator("table.form-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(catalogo[CODE].title_es)
    flow.check("review tray")
    row.locator(f'a[href="{version_page}"]').click()
    page.wait_for_url(at(version_page))
    expect(page.locator(".form-history")).to_contain_text("Bi urratseko kexa-inprimakia.")
    flow.check("version page (in review, unit head)")
    page.fill("#comment-aprobar", "Correcto.")
    page.click(f'form[action="{version_page}aprobar/"] button[type="submit"]')
    expect(page.locator(".messages__list")).to_contain_text("Versión aprobada")
    flow.check("version page (approved)")
    page.click(f'form[action="{version_page}publicar/"] button[type="submit"]')
    expect(page.locator(".messages__list")).to_contain_text("Versión publicada.")
    expect(page.locator(".form-state--publicado")).to_be_visible()
    flow.check("version page (published)")
    # The tray is empty now.
    page.click('.breadcrumbs a[href="/gestion/"]')
    page.wait_for_url(at("/gestion/"))
    page.click(f'main a[href="{tray}"]')
    page.wait_for_url(at(tray))
    expect(page.locator("main")).to_contain_text("No hay versiones pendientes de su aprobación.")
    context.close()
    assert flow.failures == {}

    draft.refresh_from_db()
    assert draft.status == EstadoFormulario.PUBLICADO
    assert draft.published_by == head
    assert list(draft.historial.order_by("at", "pk").values_list("accion", "by__username")) == [
        ("creada", user.username),
        ("enviada", user.username),
        ("aprobada", head.username),
        ("publicada", head.username),
    ]

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
