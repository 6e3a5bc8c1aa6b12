"""A new form version and the citizens' drafts in progress (issue 16, item 2), with real drafts.

- A compatible version is published and the drafts move to it, answers intact, and are filed.
- A version that would break drafts (removed field with answers, narrowed options, a new
  required answer) is refused with the list of what breaks — or, when the publisher chooses,
  published migrating the drafts: answers kept aside, the citizen told what to answer again.
- A submission keeps the version it was made with (REG-4: the entry records what was filed).
"""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from identidad.constants import NivelGarantia
from identidad.roles import Role
from procedimientos.constants import EstadoFormulario
from procedimientos.formularios import versiones
from procedimientos.formularios.versiones import PublicacionBloqueada
from procedimientos.services import formulario_update_draft
from registro.models import Asiento
from sede.models import Borrador
from sede.services import borrador_save, borrador_submit
from tests.personas import staff_member
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import login
from tests.sede.test_submit import complete_instancia, new_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def instancia(catalogo):
    """The instancia general (identification only, so the test files without signing)."""
    proc = catalogo["instancia-general"]
    proc.signature_required = False
    proc.save()
    return proc


@pytest.fixture
def equipo(instancia):
    editora = staff_member("editora", Role.CATALOGUE_EDITOR)
    jefa = staff_member("jefa", Role.UNIT_HEAD, units=[instancia.unit])
    return editora, jefa


def approved_version(proc, equipo, change):
    """Version 2 made from the published one, changed by ``change(schema, layout)``, sent to
    review and approved: ready to publish."""
    editora, jefa = equipo
    draft = versiones.version_new_draft(procedimiento=proc, by=editora)
    schema, layout = copy.deepcopy(draft.schema), copy.deepcopy(draft.layout)
    change(schema, layout)
    formulario_update_draft(formulario=draft, schema=schema, layout=layout)
    versiones.version_send_to_review(version=draft, by=editora)
    return versiones.version_approve(version=draft, by=jefa)


def compatible(schema, layout):
    schema["properties"]["asunto"]["title"] = "Asunto de su solicitud"
    schema["properties"]["telefono"] = {"type": "string", "title": "Teléfono de contacto"}
    layout["steps"][1]["fieldsets"][0]["fields"].append("/telefono")


def breaking(schema, layout):
    """Removes «Unidad u órgano al que se dirige» and asks for a new required reference."""
    del schema["properties"]["unidad_destino"]
    schema["properties"]["referencia"] = {
        "type": "string",
        "minLength": 3,
        "title": "Referencia del expediente",
        "x-title-eu": "Espedientearen erreferentzia",
    }
    schema["required"].append("referencia")
    fields = layout["steps"][1]["fieldsets"][0]["fields"]
    fields[fields.index("/unidad_destino")] = "/referencia"


def _submit(borrador, user):
    return borrador_submit(
        borrador=borrador, user=user, language="es", session_level=NivelGarantia.SUSTANCIAL
    )


class TestACompatibleVersion:
    def test_it_is_published_and_the_drafts_continue_on_it(self, instancia, equipo, ciudadana):
        v1 = instancia.formularios.get(status="publicado")
        borrador = complete_instancia(new_draft(ciudadana, instancia))
        answers = copy.deepcopy(borrador.data)
        v2 = approved_version(instancia, equipo, compatible)

        versiones.version_publish(version=v2, by=equipo[0])

        borrador.refresh_from_db()
        assert borrador.formulario == v2 and borrador.data == answers
        assert borrador.migracion == {}
        published = v2.historial.get(accion="publicada")
        assert published.detail["efectos"]["sede.borradores"] == {"movidos": 1, "migrados": 0}
        presentacion = _submit(borrador, ciudadana)
        assert presentacion.asiento.formulario == v2
        v1.refresh_from_db()
        assert v1.status == EstadoFormulario.SUSTITUIDO

    def test_drafts_of_other_procedures_on_the_instancia_general_move_too(
        self, instancia, catalogo, equipo, ciudadana
    ):
        from sede.selectors import procedimiento_for_filing
        from sede.services import borrador_start

        quejas = catalogo["quejas-sugerencias"]
        _proc, form = procedimiento_for_filing(quejas.code)
        assert form.procedimiento == instancia  # online with the instancia general's form
        borrador = borrador_start(user=ciudadana, procedimiento=quejas, formulario=form)
        v2 = approved_version(instancia, equipo, compatible)
        versiones.version_publish(version=v2, by=equipo[0])
        borrador.refresh_from_db()
        assert (borrador.procedimiento, borrador.formulario) == (quejas, v2)


class TestABreakingVersion:
    def test_publication_is_refused_with_the_list_of_what_breaks(
        self, instancia, equipo, ciudadana, otra_ciudadana
    ):
        v1 = instancia.formularios.get(status="publicado")
        first = complete_instancia(new_draft(ciudadana, instancia))
        first.data["unidad_destino"] = instancia.unit.dir3
        first.save()
        second = complete_instancia(new_draft(otra_ciudadana, instancia), nif="11111111H")
        v2 = approved_version(instancia, equipo, breaking)

        with pytest.raises(PublicacionBloqueada) as exc:
            versiones.version_publish(version=v2, by=equipo[0])

        text = " ".join(exc.value.messages)
        assert "Unidad u órgano al que se dirige (campo retirado con datos): 1 borrador" in text
        assert "Referencia del expediente (nuevo dato obligatorio): 2 borrador" in text
        v2.refresh_from_db()
        assert v2.status == EstadoFormulario.APROBADO  # nothing changed
        for borrador in (first, second):
            borrador.refresh_from_db()
            assert borrador.formulario == v1
        assert first.data["unidad_destino"] == instancia.unit.dir3
        assert instancia.formularios.get(status="publicado") == v1

    def test_the_version_page_shows_the_impact_before_publishing(
        self, instancia, equipo, ciudadana, client
    ):
        complete_instancia(new_draft(ciudadana, instancia))
        v2 = approved_version(instancia, equipo, breaking)
        client.force_login(equipo[0])
        page = client.get(reverse("procedimientos:formulario_version", args=[v2.pk]))
        html = page.content.decode()
        assert "Esta versión rompería 1 borrador" in html
        assert "Referencia del expediente" in html and "nuevo dato obligatorio" in html
        assert 'name="migrar"' in html
        refused = client.post(
            reverse("procedimientos:formulario_version_accion", args=[v2.pk, "publicar"]),
            follow=True,
        )
        assert "rompería borradores en curso" in refused.content.decode()
        v2.refresh_from_db()
        assert v2.status == EstadoFormulario.APROBADO

    def test_or_it_is_published_migrating_the_drafts(self, instancia, equipo, ciudadana, client):
        borrador = complete_instancia(new_draft(ciudadana, instancia))
        borrador.data["unidad_destino"] = instancia.unit.dir3
        borrador.save()
        v2 = approved_version(instancia, equipo, breaking)

        client.force_login(equipo[0])
        client.post(
            reverse("procedimientos:formulario_version_accion", args=[v2.pk, "publicar"]),
            {"migrar": "1"},
        )

        v2.refresh_from_db()
        assert v2.status == EstadoFormulario.PUBLICADO
        borrador.refresh_from_db()
        assert borrador.formulario == v2
        assert "unidad_destino" not in borrador.data
        assert borrador.data["asunto"] == "Licencia de vado"  # the rest is kept
        kept = {r["pointer"]: r for r in borrador.migracion["roturas"]}
        assert kept["/unidad_destino"]["value"] == instancia.unit.dir3
        assert kept["/referencia"]["kind"] == "obligatorio"
        assert (borrador.migracion["from_version"], borrador.migracion["to_version"]) == (1, 2)

        # The citizen sees which answers the new version needs, in es and in eu.
        citizen = login(Client(), ciudadana)
        step = reverse("sede:filing_step", args=[borrador.public_id, "solicitud"])
        html = citizen.get(step).content.decode()
        assert "El formulario de este trámite ha cambiado" in html
        assert "Referencia del expediente" in html and "dato nuevo obligatorio" in html
        assert f"Su respuesta anterior era «{instancia.unit.dir3}»" in html
        from tests.sede.test_accessibility import accessibility_problems, parse

        assert accessibility_problems(parse(html)) == []
        html_eu = citizen.get("/eu" + step).content.decode()
        assert "Izapide honen formularioa aldatu egin da" in html_eu
        assert "Espedientearen erreferentzia" in html_eu  # the field's Basque label
        from django.utils import translation

        translation.activate("es")

        with pytest.raises(Exception) as refused:  # the new required answer is missing
            _submit(borrador, ciudadana)
        assert "corregir" in str(refused.value)
        borrador_save(borrador=borrador, data={**borrador.data, "referencia": "EXP-1"}, step_id="x")
        html = citizen.get(step).content.decode()
        assert "(ya respondido)" in html
        presentacion = _submit(borrador, ciudadana)
        assert presentacion.asiento.formulario == v2


class TestSubmissionsKeepTheirVersion:
    def test_a_filing_keeps_the_version_it_was_made_with(self, instancia, equipo, ciudadana):
        """A submitted application is not a draft: a new version (even a breaking one) neither
        moves it nor is blocked by it; its entry still names the version filed (REG-4)."""
        v1 = instancia.formularios.get(status="publicado")
        borrador = complete_instancia(new_draft(ciudadana, instancia))
        borrador.data["unidad_destino"] = instancia.unit.dir3
        borrador.save()
        presentacion = _submit(borrador, ciudadana)
        v2 = approved_version(instancia, equipo, breaking)

        versiones.version_publish(version=v2, by=equipo[0])  # nothing in progress: no refusal

        borrador.refresh_from_db()
        assert borrador.formulario == v1
        assert borrador.data["unidad_destino"] == instancia.unit.dir3
        assert Asiento.objects.get(pk=presentacion.asiento_id).formulario == v1
        v1.refresh_from_db()
        assert v1.status == EstadoFormulario.SUSTITUIDO and v1.is_final


class TestTheCatalogueImport:
    def test_an_imported_form_that_breaks_drafts_is_refused_unless_migrating(
        self, instancia, ciudadana
    ):
        from procedimientos.catalogo_io import (
            CatalogoImportError,
            catalogo_export,
            catalogo_import,
        )

        borrador = complete_instancia(new_draft(ciudadana, instancia))
        data = catalogo_export()
        entry = next(p for p in data["procedimientos"] if p["code"] == "instancia-general")
        breaking(entry["form"]["schema"], entry["form"]["layout"])
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert any("Referencia del expediente" in line for line in exc.value.errors)
        assert instancia.formularios.count() == 1

        catalogo_import(data=data, migrar_borradores=True)
        borrador.refresh_from_db()
        assert borrador.formulario.version == 2
        assert borrador.migracion["roturas"][0]["pointer"] == "/referencia"


def test_an_unknown_publisher_cannot_sneak_past_the_review(instancia, ciudadana):
    """The staff service refuses a draft; only the import/demo path skips the review."""
    v1 = instancia.formularios.get(status="publicado")
    with pytest.raises(ValidationError):
        versiones.version_publish(version=v1, by=ciudadana)
    assert Borrador.objects.count() == 0
