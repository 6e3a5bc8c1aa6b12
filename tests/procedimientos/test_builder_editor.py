"""The form builder's edit operations (issue 16): pure functions over (schema, layout). Each
result is judged by the same check the catalogue import uses (``form_definition_errors``)."""

from __future__ import annotations

import copy

import pytest

from procedimientos.forms_schema import form_definition_errors
from procedimientos.formularios import editor, prefill, validadores
from procedimientos.formularios.editor import Campo, EdicionInvalida, check


def campo(key="asunto", kind="text", **kw) -> Campo:
    return Campo(
        key=key,
        kind=kind,
        title_es=kw.pop("es", key.capitalize()),
        title_eu=kw.pop("eu", "Eu"),
        **kw,
    )


def base() -> editor.Def:
    """One step «Datos» with a fieldset «Solicitud»: tipo (choice, required) and motivo."""
    s, lay = editor.empty()
    s, lay = editor.add_step(
        s,
        lay,
        title_es="Datos",
        title_eu="Datuak",
        legend_es="Solicitud",
        legend_eu="Eskaera",
        campo=campo(
            "tipo",
            "choice",
            required=True,
            options=[
                ("fisica", "Persona física", "Pertsona fisikoa"),
                ("juridica", "Empresa", "Enpresa"),
            ],
        ),
    )
    s, lay = editor.add_field(
        s,
        lay,
        fieldset="datos/solicitud",
        campo=campo("motivo", "textarea", es="Motivo", eu="Arrazoia"),
    )
    return s, lay


def valid(definition: editor.Def) -> editor.Def:
    assert form_definition_errors(*definition) == []
    return definition


class TestAddOperations:
    def test_an_empty_form_is_valid_and_has_no_steps(self):
        s, lay = valid(editor.empty())
        assert editor.outline(s, lay) == []

    def test_add_step_creates_step_fieldset_and_field_with_es_eu_labels(self):
        s, lay = valid(base())
        step = lay["steps"][0]
        assert (step["id"], step["title_es"], step["title_eu"]) == ("datos", "Datos", "Datuak")
        assert step["fieldsets"][0]["fields"] == ["/tipo", "/motivo"]
        tipo = s["properties"]["tipo"]
        assert tipo["enum"] == ["fisica", "juridica"]
        assert tipo["x-enum-titles"] == ["Persona física", "Empresa"]
        assert tipo["x-enum-titles-eu"] == ["Pertsona fisikoa", "Enpresa"]
        assert s["required"] == ["tipo"]
        assert s["properties"]["motivo"]["maxLength"] > editor.TEXT_MAX  # a textarea

    @pytest.mark.parametrize(
        ("kind", "expected"),
        [
            ("text", {"type": "string", "maxLength": 200}),
            ("number", {"type": "number"}),
            ("integer", {"type": "integer"}),
            ("date", {"type": "string", "format": "date"}),
            ("email", {"type": "string", "format": "email"}),
            ("boolean", {"type": "boolean"}),
        ],
    )
    def test_each_kind_writes_the_schema_the_engine_reads(self, kind, expected):
        s, lay = valid(
            editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("x", kind))
        )
        node = s["properties"]["x"]
        assert expected.items() <= node.items()
        assert editor.kind_of(node) == kind

    def test_multichoice_is_an_array_of_options(self):
        options = [("a", "A", "A eu"), ("b", "B", "B eu")]
        s, lay = valid(
            editor.add_field(
                *base(),
                fieldset="datos/solicitud",
                campo=campo("m", "multichoice", options=options),
            )
        )
        node = s["properties"]["m"]
        assert node["type"] == "array" and node["items"]["x-enum-titles-eu"] == ["A eu", "B eu"]
        assert editor.kind_of(node) == "multichoice"

    def test_documents_get_an_attachments_step_of_their_own(self):
        s, lay = valid(
            editor.add_field(
                *base(), fieldset="datos/solicitud", campo=campo("docs", "file", required=True)
            )
        )
        assert [st["id"] for st in lay["steps"]] == ["datos", "docs"]
        fs = lay["steps"][1]["fieldsets"][0]
        assert fs["repeat"] == {"path": "/docs", "min": 1}
        assert "contentMediaType" in s["properties"]["docs"]["items"]["properties"]["fichero"]

    def test_add_fieldset_appends_to_the_step(self):
        s, lay = valid(
            editor.add_fieldset(
                *base(),
                step="datos",
                legend_es="Empresa",
                legend_eu="Enpresa",
                campo=campo("razon"),
            )
        )
        assert [fs["id"] for fs in lay["steps"][0]["fieldsets"]] == ["solicitud", "empresa"]

    def test_a_duplicated_or_malformed_key_is_refused_in_plain_words(self):
        with pytest.raises(EdicionInvalida) as exc:
            editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("tipo"))
        assert "Ya hay un campo" in exc.value.messages[0]
        with pytest.raises(EdicionInvalida) as exc:
            editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("Año"))
        assert "minúsculas" in exc.value.messages[0]

    def test_both_labels_are_required(self):
        with pytest.raises(EdicionInvalida) as exc:
            editor.add_field(
                *base(), fieldset="datos/solicitud", campo=Campo("x", "text", "Etiqueta", " ")
            )
        assert "euskera" in exc.value.messages[0]

    def test_a_choice_needs_two_options_with_both_texts(self):
        with pytest.raises(EdicionInvalida):
            editor.add_field(
                *base(),
                fieldset="datos/solicitud",
                campo=campo("c", "choice", options=[("a", "A", "")]),
            )

    def test_operations_never_change_their_inputs(self):
        s, lay = base()
        before = copy.deepcopy((s, lay))
        editor.add_field(s, lay, fieldset="datos/solicitud", campo=campo("otro"))
        editor.delete(s, lay, target="field:datos/solicitud/motivo")
        assert (s, lay) == before


class TestBlocks:
    def test_insert_block_expands_the_registered_block(self):
        s, lay = valid(editor.insert_block(*base(), block_id="iban", key="cuenta", step="datos"))
        assert s["properties"]["cuenta"]["x-block"] == "iban"
        assert "cuenta" in s["required"]
        fs = lay["steps"][0]["fieldsets"][-1]
        assert fs["fields"] == ["/cuenta/iban"] and fs["legend_eu"] == "Banku-kontua"

    def test_insert_block_in_a_new_step(self):
        s, lay = valid(
            editor.insert_block(
                *base(), block_id="iban", key="cuenta", title_es="Pago", title_eu="Ordainketa"
            )
        )
        assert lay["steps"][-1]["title_eu"] == "Ordainketa"

    def test_deleting_the_last_field_of_a_block_removes_the_block(self):
        s, lay = editor.insert_block(*base(), block_id="iban", key="cuenta", step="datos")
        s, lay = valid(editor.delete(s, lay, target="field:datos/cuenta/cuenta/iban"))
        assert "cuenta" not in s["properties"] and "cuenta" not in s["required"]


class TestMoveAndDelete:
    def test_move_field_fieldset_and_step(self):
        s, lay = base()
        s, lay = editor.move(s, lay, target="field:datos/solicitud/motivo", direction="up")
        assert lay["steps"][0]["fieldsets"][0]["fields"] == ["/motivo", "/tipo"]
        s, lay = editor.add_step(
            s,
            lay,
            title_es="Otro",
            title_eu="Beste",
            legend_es="L",
            legend_eu="L",
            campo=campo("z"),
        )
        s, lay = editor.move(s, lay, target="step:otro", direction="up")
        assert [st["id"] for st in lay["steps"]] == ["otro", "datos"]
        s, lay = editor.move(s, lay, target="step:otro", direction="up")  # already first
        assert [st["id"] for st in lay["steps"]] == ["otro", "datos"]

    def test_delete_field_removes_property_and_required(self):
        s, lay = valid(editor.delete(*base(), target="field:datos/solicitud/tipo"))
        assert "tipo" not in s["properties"] and "required" not in s
        assert lay["steps"][0]["fieldsets"][0]["fields"] == ["/motivo"]

    def test_deleting_the_last_field_empties_fieldset_step_and_layout(self):
        s, lay = editor.delete(*base(), target="field:datos/solicitud/tipo")
        s, lay = valid(editor.delete(s, lay, target="field:datos/solicitud/motivo"))
        assert lay == {} and s["properties"] == {}

    def test_a_field_a_condition_depends_on_cannot_be_deleted(self):
        s, lay = editor.add_fieldset(
            *base(), step="datos", legend_es="Empresa", legend_eu="Enpresa", campo=campo("razon")
        )
        s, lay = editor.set_condition(
            s, lay, target="fieldset:datos/empresa", field="/tipo", values=["juridica"]
        )
        with pytest.raises(EdicionInvalida) as exc:
            editor.delete(s, lay, target="field:datos/solicitud/tipo")
        assert "Empresa" in exc.value.messages[0]

    def test_delete_step(self):
        s, lay = valid(editor.delete(*base(), target="step:datos"))
        assert lay == {} and s["properties"] == {}


class TestLabels:
    def test_edit_step_fieldset_and_field_texts(self):
        s, lay = editor.edit_step(
            *base(), step="datos", title_es="Sus datos", title_eu="Zure datuak"
        )
        s, lay = editor.edit_fieldset(
            s,
            lay,
            fieldset="datos/solicitud",
            legend_es="A",
            legend_eu="B",
            help_es="Ayuda",
            help_eu="Laguntza",
        )
        s, lay = valid(
            editor.edit_field(
                s,
                lay,
                pointer="/motivo",
                title_es="Motivo",
                title_eu="Arrazoia",
                help_es="Explique",
                help_eu="Azaldu",
                required=True,
            )
        )
        assert lay["steps"][0]["title_eu"] == "Zure datuak"
        assert lay["steps"][0]["fieldsets"][0]["help_eu"] == "Laguntza"
        motivo = s["properties"]["motivo"]
        assert (motivo["description"], motivo["x-description-eu"]) == ("Explique", "Azaldu")
        assert s["required"] == ["tipo", "motivo"]

    def test_edit_field_options(self):
        s, lay = valid(
            editor.edit_field(
                *base(),
                pointer="/tipo",
                title_es="Tipo",
                title_eu="Mota",
                required=True,
                options=[("a", "A", "A"), ("b", "B", "B"), ("c", "C", "C")],
            )
        )
        assert s["properties"]["tipo"]["enum"] == ["a", "b", "c"]


class TestConditions:
    def test_condition_equals_and_in_typed_by_the_controlling_field(self):
        s, lay = editor.add_field(
            *base(), fieldset="datos/solicitud", campo=campo("acepta", "boolean")
        )
        s, lay = editor.add_fieldset(
            s, lay, step="datos", legend_es="Empresa", legend_eu="Enpresa", campo=campo("razon")
        )
        s2, lay2 = valid(
            editor.set_condition(
                s, lay, target="fieldset:datos/empresa", field="/acepta", values=["sí"]
            )
        )
        assert lay2["steps"][0]["fieldsets"][1]["condition"] == {"field": "/acepta", "equals": True}
        s2, lay2 = valid(
            editor.set_condition(
                s,
                lay,
                target="fieldset:datos/empresa",
                field="/tipo",
                values=["fisica", "juridica"],
            )
        )
        assert lay2["steps"][0]["fieldsets"][1]["condition"]["in"] == ["fisica", "juridica"]
        s2, lay2 = valid(editor.set_condition(s2, lay2, target="fieldset:datos/empresa"))
        assert "condition" not in lay2["steps"][0]["fieldsets"][1]

    def test_a_value_that_is_not_an_option_is_refused(self):
        s, lay = editor.add_fieldset(
            *base(), step="datos", legend_es="E", legend_eu="E", campo=campo("r")
        )
        with pytest.raises(EdicionInvalida) as exc:
            editor.set_condition(s, lay, target="fieldset:datos/e", field="/tipo", values=["otra"])
        assert "fisica" in exc.value.messages[0]

    def test_a_fieldset_cannot_depend_on_its_own_field(self):
        with pytest.raises(EdicionInvalida):
            editor.set_condition(
                *base(), target="fieldset:datos/solicitud", field="/tipo", values=["fisica"]
            )

    def test_required_if_writes_all_of_if_then(self):
        s, lay = editor.add_field(
            *base(), fieldset="datos/solicitud", campo=campo("razon", required=True)
        )
        s, lay = valid(
            editor.set_required_if(s, lay, pointer="/razon", field="/tipo", values=["juridica"])
        )
        assert "razon" not in s["required"]
        assert s["allOf"] == [
            {
                "if": {"properties": {"tipo": {"const": "juridica"}}, "required": ["tipo"]},
                "then": {"required": ["razon"]},
            }
        ]
        assert editor.required_if(s, "/razon") == ("/tipo", ["juridica"])
        s, lay = valid(editor.set_required_if(s, lay, pointer="/razon"))
        assert "allOf" not in s


class TestValidatorsAndPrefill:
    def test_a_registered_validator_writes_its_keyword(self):
        s, lay = editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("nif"))
        s, lay = valid(editor.set_validator(s, lay, validator="nif", pointer="/nif"))
        assert s["properties"]["nif"]["format"] == "nif"
        assert "nif" in editor.validators_on(s["properties"]["nif"])
        s, lay = editor.remove_validator(s, lay, validator="nif", pointer="/nif")
        assert "format" not in s["properties"]["nif"]
        assert "nif" not in editor.validators_on(s["properties"]["nif"])

    def test_a_validator_for_another_kind_is_refused(self):
        s, lay = editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("n", "integer"))
        with pytest.raises(EdicionInvalida):
            editor.set_validator(s, lay, validator="nif", pointer="/n")

    def test_parameters_are_written_as_their_keywords(self, monkeypatch):
        rango = validadores.Validador(
            id="rango",
            label_es="Rango",
            label_eu="Tartea",
            keyword="minimum",
            kinds=("number",),
            params=("minimum", "maximum"),
        )
        monkeypatch.setitem(validadores.VALIDADORES, "rango", rango)
        s, lay = editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("n", "integer"))
        s, lay = valid(
            editor.set_validator(
                s, lay, validator="rango", pointer="/n", params={"minimum": "1", "maximum": "9"}
            )
        )
        assert (s["properties"]["n"]["minimum"], s["properties"]["n"]["maximum"]) == (1, 9)

    def test_prefill_names_a_registered_source(self, monkeypatch):
        class Fuente:
            id, label_es, label_eu = "identificacion", "Identificación", "Identifikazioa"

            def keys(self):
                return {"nif": ("NIF", "IFZ")}

            def values(self, **kw):
                return {}

        monkeypatch.setitem(prefill.FUENTES, "identificacion", Fuente())
        s, lay = editor.add_field(*base(), fieldset="datos/solicitud", campo=campo("nif"))
        s, lay = valid(
            editor.set_prefill(
                s, lay, pointer="/nif", source="identificacion", key="nif", editable=False
            )
        )
        assert s["properties"]["nif"]["x-prefill"] == {
            "source": "identificacion",
            "key": "nif",
            "editable": False,
        }
        with pytest.raises(EdicionInvalida):
            editor.set_prefill(s, lay, pointer="/nif", source="identificacion", key="domicilio")


class TestCheck:
    def test_errors_of_the_definition_in_plain_spanish(self):
        s, lay = base()
        lay["steps"][0]["fieldsets"][0]["fields"].append("/nada")
        errors = check(s, lay)
        assert errors == [
            "El apartado «solicitud» (paso «datos») muestra el campo /nada, que no existe en el "
            "formulario."
        ]

    def test_errors_in_basque(self):
        from django.utils import translation

        s, lay = base()
        lay["steps"][0]["fieldsets"][0]["condition"] = {"field": "/nada", "equals": 1}
        with translation.override("eu"):
            errors = check(s, lay)
        assert errors and "/nada" in errors[0] and "baldintza" in errors[0].lower()
