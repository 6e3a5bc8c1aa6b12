"""What changes between two form versions: the human-readable diff (labels in es and eu, steps
and fieldsets, validation) and what a new version breaks in answers already given."""

from __future__ import annotations

import copy

from procedimientos.formularios.cambios import (
    NO_VALIDO,
    OBLIGATORIO,
    RETIRADO,
    diff_formularios,
    migrar_datos,
    roturas,
)
from tests.procedimientos.versiones_support import LAYOUT_V1, SCHEMA_V1


def v1():
    return copy.deepcopy(SCHEMA_V1), copy.deepcopy(LAYOUT_V1)


def _by_pointer(changes):
    return {c.pointer: c for c in changes}


class TestDiff:
    def test_identical_versions_have_no_difference(self):
        schema, layout = v1()
        diff = diff_formularios(schema, layout, *v1())
        assert diff.vacio and not diff.incompatibles

    def test_fields_added_removed_and_changed_with_their_labels(self):
        old_schema, old_layout = v1()
        schema, layout = v1()
        del schema["properties"]["telefono"]
        schema["properties"]["email"] = {"type": "string", "title": "Correo", "x-title-eu": "Posta"}
        schema["properties"]["nif"] = {"type": "string", "title": "NIF", "x-title-eu": "IFZ"}
        schema["required"].append("nif")
        schema["properties"]["tipo"]["enum"] = ["menor", "mayor"]
        schema["properties"]["tipo"]["x-title-eu"] = "Obraren mota"
        schema["properties"]["asunto"]["maxLength"] = 100
        fields = layout["steps"][0]["fieldsets"][0]["fields"]
        fields[fields.index("/telefono")] = "/email"
        fields.append("/nif")

        diff = diff_formularios(old_schema, old_layout, schema, layout)

        nuevos = _by_pointer(diff.campos_nuevos)
        assert nuevos["/email"].label_es == "Correo" and not nuevos["/email"].incompatible
        assert nuevos["/nif"].incompatible  # required, no default
        assert "obligatorio" in nuevos["/nif"].detalles[0]
        retirado = _by_pointer(diff.campos_retirados)["/telefono"]
        assert (retirado.label_es, retirado.label_eu, retirado.incompatible) == (
            "Teléfono",
            "Telefonoa",
            True,
        )
        modificados = _by_pointer(diff.campos_modificados)
        tipo = " ".join(modificados["/tipo"].detalles)
        assert "valores retirados «derribo»" in tipo
        assert "Etiqueta en euskera: «Obra mota» → «Obraren mota»" in tipo
        assert modificados["/tipo"].incompatible
        asunto = " ".join(modificados["/asunto"].detalles)
        assert "maxLength" in asunto and "200 → 100" in asunto
        assert modificados["/asunto"].incompatible  # a narrower limit
        datos = _by_pointer(diff.estructura)["datos"]
        assert any("/email" in d and "entran" in d for d in datos.detalles)
        assert any('+    "email": {' in line for line in diff.json_schema)

    def test_widening_a_limit_or_adding_an_option_is_compatible(self):
        old_schema, layout = v1()
        schema, _ = v1()
        schema["properties"]["asunto"]["maxLength"] = 500
        schema["properties"]["tipo"]["enum"].append("reforma")
        diff = diff_formularios(old_schema, layout, schema, layout)
        assert diff.campos_modificados and not diff.incompatibles

    def test_steps_fieldsets_and_form_rules(self):
        old_schema, old_layout = v1()
        schema, layout = v1()
        layout["steps"][0]["fieldsets"][0]["fields"].remove("/telefono")
        layout["steps"].append(
            {
                "id": "contacto",
                "title_es": "Contacto",
                "title_eu": "Harremana",
                "fieldsets": [
                    {
                        "id": "tel",
                        "legend_es": "Teléfono",
                        "legend_eu": "Telefonoa",
                        "fields": ["/telefono"],
                        "condition": {"field": "/tipo", "equals": "mayor"},
                    }
                ],
            }
        )
        schema["x-rules"] = [
            {"rule": "after", "field": "/fin", "other": "/inicio", "message_es": "Fin tras inicio"}
        ]
        diff = diff_formularios(old_schema, old_layout, schema, layout)
        estructura = _by_pointer(diff.estructura)
        assert estructura["contacto"].detalles == ("Paso nuevo",)
        assert estructura["contacto"].label_eu == "Harremana"
        assert "Grupo de campos nuevo" in estructura["tel"].detalles[0]
        assert [c.detalles for c in diff.reglas] == [("Regla nueva",)]
        assert "Fin tras inicio" in diff.reglas[0].label_es
        assert diff.json_layout and not diff.campos_nuevos


class TestWhatANewVersionBreaks:
    def test_compatible_changes_break_nothing(self):
        old, _ = v1()
        new, _ = v1()
        new["properties"]["asunto"]["title"] = "Asunto de la obra"
        new["properties"]["email"] = {"type": "string"}
        new["properties"]["zona"] = {"type": "string", "default": "centro"}
        new["required"].append("zona")  # required, with a default: filled in
        assert roturas({"asunto": "Tejado", "tipo": "menor"}, old, new) == []

    def test_a_gap_that_was_already_there_is_not_a_break(self):
        old, _ = v1()
        new, _ = v1()
        new["properties"]["email"] = {"type": "string"}
        assert roturas({"asunto": "Tejado"}, old, new) == []  # "tipo" was already missing

    def test_removed_narrowed_and_new_required(self):
        old, _ = v1()
        new, _ = v1()
        del new["properties"]["telefono"]
        new["properties"]["tipo"]["enum"] = ["menor", "mayor"]
        new["properties"]["nif"] = {"type": "string", "title": "NIF", "x-title-eu": "IFZ"}
        new["required"].append("nif")
        data = {"asunto": "Derribo del garaje", "tipo": "derribo", "telefono": "944000000"}
        found = {(r.kind, r.pointer): r for r in roturas(data, old, new)}
        assert set(found) == {
            (RETIRADO, "/telefono"),
            (NO_VALIDO, "/tipo"),
            (OBLIGATORIO, "/nif"),
        }
        assert found[(RETIRADO, "/telefono")].value == "944000000"
        assert found[(NO_VALIDO, "/tipo")].value == "derribo"
        assert found[(OBLIGATORIO, "/nif")].label_eu == "IFZ"

    def test_inside_repeatable_groups(self):
        group = {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["nombre"],
                "properties": {"nombre": {"type": "string"}, "edad": {"type": "integer"}},
            },
        }
        old = {"type": "object", "properties": {"miembros": copy.deepcopy(group)}}
        new = {"type": "object", "properties": {"miembros": copy.deepcopy(group)}}
        new["properties"]["miembros"]["items"]["properties"]["edad"]["maximum"] = 120
        new["properties"]["miembros"]["items"]["required"].append("dni")
        new["properties"]["miembros"]["items"]["properties"]["dni"] = {"type": "string"}
        data = {"miembros": [{"nombre": "Ane", "edad": 40}, {"nombre": "Jon", "edad": 130}]}
        found = {(r.kind, r.pointer) for r in roturas(data, old, new)}
        assert found == {
            (NO_VALIDO, "/miembros/1/edad"),
            (OBLIGATORIO, "/miembros/0/dni"),
            (OBLIGATORIO, "/miembros/1/dni"),
        }

    def test_migrating_keeps_what_fits_and_moves_the_rest_aside(self):
        old, _ = v1()
        new, _ = v1()
        del new["properties"]["telefono"]
        new["properties"]["tipo"]["enum"] = ["menor", "mayor"]
        new["properties"]["zona"] = {"type": "string", "default": "centro"}
        new["required"].append("zona")
        data = {"asunto": "Derribo", "tipo": "derribo", "telefono": "944000000"}
        migrated, breaks = migrar_datos(data, old, new)
        assert migrated == {"asunto": "Derribo", "zona": "centro"}
        assert {(r.pointer, r.value) for r in breaks} == {
            ("/telefono", "944000000"),
            ("/tipo", "derribo"),
        }
        assert data["telefono"] == "944000000"  # the input is not touched
