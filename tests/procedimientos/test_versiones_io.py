"""Form versions travel with the catalogue (catalogo_export / catalogo_import): the published
version with its number and its review history; export → wipe → import gives the same forms."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from procedimientos.catalogo_io import catalogo_export, catalogo_import, dump, load_file
from procedimientos.constants import AccionFormulario, EstadoFormulario
from procedimientos.models import FormularioHistorial, FormularioVersion, Guia, Procedimiento
from tests.procedimientos.versiones_support import *  # noqa: F403
from tests.procedimientos.versiones_support import through_review, v1_copy

pytestmark = pytest.mark.django_db


def _wipe() -> None:
    FormularioHistorial.objects.all().delete()
    FormularioVersion.objects.all().delete()
    Guia.objects.all().delete()
    Procedimiento.objects.all().delete()


def _forms() -> dict:
    return {
        v.procedimiento.code: (v.version, v.schema, v.layout)
        for v in FormularioVersion.objects.filter(status=EstadoFormulario.PUBLICADO).select_related(
            "procedimiento"
        )
    }


def test_export_wipe_import_gives_the_same_forms(proc_con_formulario, editora, jefa, tmp_path):
    schema, layout = v1_copy()
    schema["properties"]["asunto"]["title"] = "Asunto de la obra"
    through_review(proc_con_formulario, editor=editora, approver=jefa, schema=schema, layout=layout)
    exported = catalogo_export()
    form = next(p for p in exported["procedimientos"] if p["code"] == "licencia-obra")["form"]
    assert form["version"] == 2
    assert [(h["accion"], h["by"]) for h in form["history"]] == [
        ("creada", "Editora"),
        ("enviada", "Editora"),
        ("aprobada", "Jefa"),
        ("publicada", "Editora"),
    ]
    before = _forms()
    path = tmp_path / "catalogo.json"
    path.write_text(dump(exported, "json"))

    _wipe()
    assert not FormularioVersion.objects.exists()
    call_command("catalogo_import", str(path), "--no-progress")

    assert _forms() == before  # same procedure, same number, same schema and layout
    version = FormularioVersion.objects.get(procedimiento__code="licencia-obra")
    imported = version.historial.get(accion=AccionFormulario.IMPORTADA)
    assert imported.detail["historial_origen"] == form["history"]
    assert catalogo_export() == load_file(path)  # and the same file again


def test_importing_the_same_file_twice_adds_no_version(proc_con_formulario):
    exported = catalogo_export()
    stats = catalogo_import(data=exported)
    assert stats["formularios_created"] == stats["formularios_updated"] == 0
    assert proc_con_formulario.formularios.count() == 1


def test_a_form_changed_in_the_file_is_published_as_a_new_version(proc_con_formulario):
    exported = catalogo_export()
    entry = next(p for p in exported["procedimientos"] if p["code"] == "licencia-obra")
    entry["form"]["schema"]["properties"]["asunto"]["title"] = "Asunto de la licencia"
    entry["form"]["version"] = 5
    catalogo_import(data=exported)
    versions = list(proc_con_formulario.formularios.order_by("version"))
    assert [(v.version, v.status) for v in versions] == [(1, "sustituido"), (5, "publicado")]
    assert versions[0].historial.filter(accion=AccionFormulario.SUSTITUIDA).exists()


def test_a_bad_history_in_the_file_is_reported(proc_con_formulario):
    from procedimientos.catalogo_io import catalogo_validate

    exported = catalogo_export()
    entry = next(p for p in exported["procedimientos"] if p["code"] == "licencia-obra")
    entry["form"]["history"] = [{"accion": "publicada"}]
    errors = catalogo_validate(data=exported)
    assert errors and "licencia-obra" in errors[0]
