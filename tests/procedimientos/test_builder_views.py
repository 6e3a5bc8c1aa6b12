"""The form builder's pages (issue 16): catalogue editors create a draft version and edit it with
one POST per operation, without JavaScript; every save is judged and nothing invalid is stored;
a published version is never edited; everyone else gets a 404."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from identidad.roles import Role
from procedimientos.constants import EstadoFormulario
from procedimientos.models import FormularioVersion
from tests.personas import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editora():
    return staff_member("editora", Role.CATALOGUE_EDITOR)


@pytest.fixture
def proc(make_proc):
    return make_proc("licencia-obra", form=True)


@pytest.fixture
def as_editor(client, editora):
    client.force_login(editora)
    return client


@pytest.fixture
def draft(proc):
    from procedimientos.formularios.services import formulario_draft_new

    return formulario_draft_new(procedimiento=proc, copy_latest=True)


def edit_url(formulario) -> str:
    return reverse("procedimientos:builder_edit", args=[formulario.pk])


def post(client, formulario, op, prefix=None, **fields):
    data = {"op": op}
    if prefix:
        data["prefix"] = prefix
        data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    else:
        data.update(fields)
    return client.post(edit_url(formulario), data)


def reload(formulario) -> FormularioVersion:
    return FormularioVersion.objects.get(pk=formulario.pk)


NEW_FIELD = {
    "where": "fs:solicitud/datos",
    "kind": "choice",
    "key": "tipo",
    "title_es": "Tipo de obra",
    "title_eu": "Obra mota",
    "required": "on",
    "options": "menor | Obra menor | Obra txikia\nmayor | Obra mayor | Obra handia",
}


class TestAccess:
    def test_the_staff_home_offers_the_builder_to_catalogue_editors(self, as_editor):
        response = as_editor.get(reverse("gestion:home"))
        assert reverse("procedimientos:builder_list") in response.content.decode()

    def test_editors_list_procedures_and_their_versions(self, as_editor, proc):
        response = as_editor.get(reverse("procedimientos:builder_list"), {"q": "obra"})
        assert response.status_code == 200
        assert "Licencia de obra menor" in response.content.decode()

    @pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.UNIT_HEAD, Role.REGISTRY_CLERK])
    def test_other_staff_get_404_everywhere(self, client, draft, role):
        client.force_login(staff_member("otro", role))
        for url in (
            reverse("procedimientos:builder_list"),
            edit_url(draft),
            reverse("procedimientos:builder_json", args=[draft.pk]),
        ):
            assert client.get(url).status_code == 404
        response = post(client, draft, "add_field", prefix="nuevo", **NEW_FIELD)
        assert response.status_code == 404
        assert reload(draft).schema == draft.schema

    def test_anonymous_is_sent_to_log_in(self, client, draft):
        response = client.get(edit_url(draft))
        assert response.status_code == 302 and "/acceso/" in response["Location"]


class TestDrafts:
    def test_a_new_draft_copies_the_latest_version(self, as_editor, proc):
        published = proc.formularios.get()
        response = as_editor.post(
            reverse("procedimientos:builder_new", args=[proc.code]), {"base": "latest"}
        )
        new = proc.formularios.order_by("-version").first()
        assert response.status_code == 302 and response["Location"] == edit_url(new)
        assert new.version == 2 and new.status == EstadoFormulario.BORRADOR
        assert (new.schema, new.layout) == (published.schema, published.layout)

    def test_a_new_empty_draft(self, as_editor, proc):
        as_editor.post(reverse("procedimientos:builder_new", args=[proc.code]), {"base": "empty"})
        new = proc.formularios.order_by("-version").first()
        assert new.schema["properties"] == {} and new.layout == {}
        page = as_editor.get(edit_url(new)).content.decode()
        assert "El formulario está vacío" in page

    def test_a_published_version_cannot_be_edited(self, as_editor, proc):
        published = proc.formularios.get()
        page = as_editor.get(edit_url(published)).content.decode()
        assert "no se puede cambiar" in page
        assert 'name="op" value="add_field"' not in page  # no edit forms offered
        response = post(as_editor, published, "add_field", prefix="nuevo", **NEW_FIELD)
        assert response.status_code == 200
        assert "no se puede cambiar" in response.content.decode()
        assert reload(published).schema == published.schema
        response = as_editor.post(
            reverse("procedimientos:builder_json", args=[published.pk]),
            {"schema_json": "{}", "layout_json": ""},
        )
        assert reload(published).schema == published.schema


class TestOperations:
    def test_add_a_field_to_a_fieldset(self, as_editor, draft):
        response = post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)
        assert response.status_code == 302
        saved = reload(draft)
        assert saved.schema["properties"]["tipo"]["x-enum-titles-eu"] == [
            "Obra txikia",
            "Obra handia",
        ]
        assert "/tipo" in saved.layout["steps"][0]["fieldsets"][0]["fields"]
        page = as_editor.get(response["Location"]).content.decode()
        assert "Cambios guardados" in page and "Obra mota" in page

    def test_each_saved_edit_is_audited(self, as_editor, draft, editora):
        """ENS-1: who changed which form version, with which operation."""
        from identidad.models import AuditEntry

        post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)
        post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)  # refused: not audited
        entries = AuditEntry.objects.filter(action="procedimientos.formulario.edit")
        assert [(e.actor_id, e.object_id, e.detail) for e in entries] == [
            (editora.pk, str(draft.pk), {"operation": "add_field"})
        ]

    def test_add_a_field_in_a_new_step(self, as_editor, draft):
        fields = {
            **NEW_FIELD,
            "where": "new",
            "new_title_es": "Obra",
            "new_title_eu": "Obra",
            "new_legend_es": "Datos de la obra",
            "new_legend_eu": "Obraren datuak",
        }
        assert post(as_editor, draft, "add_field", prefix="nuevo", **fields).status_code == 302
        assert [s["id"] for s in reload(draft).layout["steps"]] == ["solicitud", "obra"]

    def test_an_invalid_edit_shows_errors_and_saves_nothing(self, as_editor, draft):
        fields = {**NEW_FIELD, "key": "asunto", "title_eu": ""}
        response = post(as_editor, draft, "add_field", prefix="nuevo", **fields)
        assert response.status_code == 200
        page = response.content.decode()
        assert "No se ha guardado nada" in page
        assert 'href="#id_nuevo-title_eu"' in page  # the summary links to the field
        assert reload(draft).schema == draft.schema
        response = post(
            as_editor, draft, "add_field", prefix="nuevo", **{**NEW_FIELD, "key": "asunto"}
        )
        assert "Ya hay un campo con el nombre interno «asunto»" in response.content.decode()
        assert reload(draft).schema == draft.schema

    def test_errors_in_basque(self, as_editor, draft):
        url = reverse("procedimientos:builder_edit", args=[draft.pk])
        response = as_editor.post(
            "/eu" + url,
            {
                "op": "add_field",
                "prefix": "nuevo",
                **{f"nuevo-{k}": v for k, v in {**NEW_FIELD, "key": "asunto"}.items()},
            },
        )
        assert "«asunto» barne-izena duen eremu bat" in response.content.decode()

    def test_edit_step_labels_and_move_and_delete(self, as_editor, draft):
        post(
            as_editor,
            draft,
            "edit_step",
            prefix="s-solicitud",
            target="step:solicitud",
            title_es="Su solicitud",
            title_eu="Zure eskaera",
        )
        assert reload(draft).layout["steps"][0]["title_eu"] == "Zure eskaera"
        post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)
        post(as_editor, draft, "move", target="field:solicitud/datos/tipo", direction="up")
        assert reload(draft).layout["steps"][0]["fieldsets"][0]["fields"] == ["/tipo", "/asunto"]
        post(as_editor, draft, "delete", target="field:solicitud/datos/asunto")
        saved = reload(draft)
        assert "asunto" not in saved.schema["properties"]
        assert saved.layout["steps"][0]["fieldsets"][0]["fields"] == ["/tipo"]

    def test_conditional_fieldset_and_required_if(self, as_editor, draft):
        post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)
        post(
            as_editor,
            draft,
            "add_field",
            prefix="nuevo",
            where="step:solicitud",
            kind="text",
            key="licencia_previa",
            title_es="Licencia previa",
            title_eu="Aurreko lizentzia",
            new_legend_es="Obra mayor",
            new_legend_eu="Obra handia",
        )
        fs = reload(draft).layout["steps"][0]["fieldsets"][1]
        target = f"fieldset:solicitud/{fs['id']}"
        response = post(
            as_editor,
            draft,
            "set_condition",
            prefix="fc",
            target=target,
            field="/tipo",
            values="mayor",
        )
        assert response.status_code == 302
        assert reload(draft).layout["steps"][0]["fieldsets"][1]["condition"] == {
            "field": "/tipo",
            "equals": "mayor",
        }
        response = post(
            as_editor,
            draft,
            "set_required_if",
            prefix="oblig",
            target="/licencia_previa",
            field="/tipo",
            values="mayor",
        )
        assert response.status_code == 302
        assert reload(draft).schema["allOf"][0]["then"] == {"required": ["licencia_previa"]}
        # A value that is not an option: refused, in plain words, nothing saved.
        before = reload(draft).layout
        response = post(
            as_editor,
            draft,
            "set_condition",
            prefix="fc",
            target=target,
            field="/tipo",
            values="enorme",
        )
        assert "no es una de las opciones" in response.content.decode()
        assert reload(draft).layout == before

    def test_edit_field_panel_texts_and_validator(self, as_editor, draft):
        page = as_editor.get(
            edit_url(draft), {"campo": "field:solicitud/datos/asunto"}
        ).content.decode()
        assert 'id="campo-title"' in page and "DNI, NIE o NIF" in page
        response = post(
            as_editor,
            draft,
            "edit_field",
            prefix="campo",
            target="/asunto",
            title_es="Asunto de la solicitud",
            title_eu="Eskaeraren gaia",
            help_es="Breve",
            help_eu="Laburra",
        )
        assert response.status_code == 302
        asunto = reload(draft).schema["properties"]["asunto"]
        assert (asunto["title"], asunto["x-description-eu"]) == (
            "Asunto de la solicitud",
            "Laburra",
        )
        post(
            as_editor,
            draft,
            "validator",
            prefix="v-nif",
            target="/asunto",
            validator="nif",
            action="add",
        )
        assert reload(draft).schema["properties"]["asunto"]["format"] == "nif"
        post(
            as_editor,
            draft,
            "validator",
            prefix="v-nif",
            target="/asunto",
            validator="nif",
            action="remove",
        )
        assert "format" not in reload(draft).schema["properties"]["asunto"]

    def test_insert_a_block(self, as_editor, draft):
        response = post(
            as_editor,
            draft,
            "insert_block",
            prefix="bloque",
            block="iban",
            key="cuenta",
            step="solicitud",
        )
        assert response.status_code == 302
        assert reload(draft).schema["properties"]["cuenta"]["x-block"] == "iban"


class TestRawJson:
    def test_view_and_save_valid_json(self, as_editor, draft):
        url = reverse("procedimientos:builder_json", args=[draft.pk])
        assert "&quot;asunto&quot;" in as_editor.get(url).content.decode()
        schema = {**draft.schema, "title": "Nuevo"}
        response = as_editor.post(
            url, {"schema_json": json.dumps(schema), "layout_json": json.dumps(draft.layout)}
        )
        assert response.status_code == 302
        assert reload(draft).schema["title"] == "Nuevo"

    def test_invalid_json_and_invalid_definitions_are_not_saved(self, as_editor, draft):
        url = reverse("procedimientos:builder_json", args=[draft.pk])
        response = as_editor.post(url, {"schema_json": "{no", "layout_json": ""})
        assert "No es JSON válido" in response.content.decode()
        layout = {
            "steps": [
                {
                    **draft.layout["steps"][0],
                    "fieldsets": [
                        {**draft.layout["steps"][0]["fieldsets"][0], "fields": ["/nada"]}
                    ],
                }
            ]
        }
        response = as_editor.post(
            url, {"schema_json": json.dumps(draft.schema), "layout_json": json.dumps(layout)}
        )
        assert "muestra el campo /nada, que no existe" in response.content.decode()
        assert reload(draft).layout == draft.layout


class TestFormRules:
    def test_a_cross_field_rule_is_written_into_x_rules(self, as_editor, draft):
        """The registry's own "after" rule, between two dates of the form."""
        fieldset = draft.layout["steps"][0]["fieldsets"][0]
        for key, title in (("inicio", "Fecha de inicio"), ("fin", "Fecha de fin")):
            draft.schema["properties"][key] = {"type": "string", "format": "date", "title": title}
            fieldset["fields"].append(f"/{key}")
        draft.save()
        page = as_editor.get(edit_url(draft)).content.decode()
        assert "Reglas entre campos" in page
        response = post(
            as_editor,
            draft,
            "validator",
            prefix="r-after",
            target="",
            validator="after",
            action="add",
            param_field="/fin",
            param_other="/inicio",
        )
        assert response.status_code == 302
        [rule] = reload(draft).schema["x-rules"]
        assert (rule["rule"], rule["field"], rule["other"]) == ("after", "/fin", "/inicio")

        # A rule between fields of the wrong type is refused and nothing is saved.
        response = post(
            as_editor,
            draft,
            "validator",
            prefix="r-greater",
            target="",
            validator="greater",
            action="add",
            param_field="/fin",
            param_other="/inicio",
        )
        assert response.status_code == 200
        assert len(reload(draft).schema["x-rules"]) == 1

        post(
            as_editor,
            draft,
            "validator",
            prefix="r-after",
            target="",
            validator="after",
            action="remove",
        )
        assert "x-rules" not in reload(draft).schema


def test_a_refused_delete_links_to_the_item(as_editor, draft):
    post(as_editor, draft, "add_field", prefix="nuevo", **NEW_FIELD)
    post(
        as_editor, draft, "set_condition", prefix="sc", target="step:solicitud", field="", values=""
    )
    post(
        as_editor,
        draft,
        "add_field",
        prefix="nuevo",
        where="new",
        new_title_es="Obra mayor",
        new_title_eu="Obra handia",
        new_legend_es="Proyecto",
        new_legend_eu="Proiektua",
        kind="text",
        key="proyecto",
        title_es="Proyecto",
        title_eu="Proiektua",
    )
    post(
        as_editor,
        draft,
        "set_condition",
        prefix="sc",
        target="step:obra-mayor",
        field="/tipo",
        values="mayor",
    )
    response = post(as_editor, draft, "delete", target="field:solicitud/datos/tipo")
    page = response.content.decode()
    assert "No se puede quitar el campo /tipo" in page
    assert 'href="#fila-fieldsolicituddatostipo"' in page
    assert "tipo" in reload(draft).schema["properties"]
