"""Catalogue as data: validation errors name entry and field, all or nothing, idempotent."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from identidad.models import Unidad
from procedimientos.catalogo_io import (
    CatalogoImportError,
    catalogo_export,
    catalogo_import,
    dump,
    load_file,
)
from procedimientos.models import FormularioVersion, Guia, Procedimiento


def _minimal(**proc) -> dict:
    entry = {
        "code": "vado",
        "title_es": "Licencia de vado",
        "materia": "movilidad",
        "unit": "L01480209",
    }
    entry.update(proc)
    return {
        "format": "bilbao-sede-catalogo/1",
        "materias": [{"slug": "movilidad", "name_es": "Movilidad", "name_eu": "Mugikortasuna"}],
        "unidades": [{"dir3": "L01480209", "name_es": "Ayuntamiento de Bilbao", "kind": "entidad"}],
        "procedimientos": [entry],
    }


@pytest.mark.django_db
class TestCatalogoImportValidation:
    def test_errors_name_the_entry_and_the_field(self):
        data = _minimal(audience="turistas")
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert any("procedimiento 'vado' (#1), field audience" in e for e in exc.value.errors)

    def test_nothing_is_written_when_any_entry_is_invalid(self):
        data = _minimal()
        bad = dict(data["procedimientos"][0], code="otro", unit="LA0000000")
        data["procedimientos"].append(bad)
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert "procedimiento 'otro' (#2), field unit: unknown DIR3 code 'LA0000000'" in (
            exc.value.errors
        )
        assert Procedimiento.objects.count() == 0
        assert not Unidad.objects.filter(dir3="L01480209").exists()

    def test_a_term_over_six_months_needs_a_law(self):
        """CAT-1: ≤6 months unless a law says otherwise (Ley 39/2015 art. 21.2)."""
        data = _minimal(max_term={"value": 8, "unit": "meses"})
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert any("field max_term" in e for e in exc.value.errors)
        data["procedimientos"][0]["max_term"]["exception_basis"] = "Ley X, art. 1"
        catalogo_import(data=data)
        assert Procedimiento.objects.get(code="vado").max_term_value == 8

    def test_an_invalid_form_schema_is_reported_with_its_entry(self):
        data = _minimal(form={"schema": {"type": "objeto"}, "layout": {}})
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert any(e.startswith("procedimiento 'vado' (#1), field form") for e in exc.value.errors)

    def test_a_malformed_dir3_code_is_rejected(self):
        data = _minimal(unit="bilbao")
        data["unidades"].append({"dir3": "bilbao", "name_es": "X", "kind": "area"})
        with pytest.raises(CatalogoImportError) as exc:
            catalogo_import(data=data)
        assert any("unidad 'bilbao' (#2), field dir3" in e for e in exc.value.errors)

    def test_the_command_prints_the_errors_and_fails(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(_minimal(silence_effect="quizas")))
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("catalogo_import", str(path), "--no-progress")
        assert Procedimiento.objects.count() == 0


@pytest.mark.django_db
class TestCatalogoImport:
    def test_cat1_default_term_is_three_months(self):
        """CAT-1: a procedure without a term gets 3 months (Ley 39/2015 art. 21.3)."""
        catalogo_import(data=_minimal())
        proc = Procedimiento.objects.get(code="vado")
        assert (proc.max_term_value, proc.max_term_unit) == (3, "meses")

    def test_importing_twice_changes_nothing(self, starter_data):
        first = catalogo_import(data=starter_data)
        assert first["procedimientos_created"] == len(starter_data["procedimientos"])
        before = {p.code: p.updated_at for p in Procedimiento.objects.all()}
        counts = (
            Procedimiento.objects.count(),
            Guia.objects.count(),
            FormularioVersion.objects.count(),
        )
        second = catalogo_import(data=starter_data)
        assert all(v == 0 for v in second.values()), second
        assert {p.code: p.updated_at for p in Procedimiento.objects.all()} == before
        assert counts == (
            Procedimiento.objects.count(),
            Guia.objects.count(),
            FormularioVersion.objects.count(),
        )

    def test_export_then_import_round_trips_unchanged(self, starter, tmp_path):
        exported = catalogo_export()
        path = tmp_path / "catalogo.yaml"
        path.write_text(dump(exported))
        stats = catalogo_import(data=load_file(path))
        assert all(v == 0 for v in stats.values()), stats
        assert catalogo_export() == exported

    def test_an_edit_in_the_file_updates_the_row(self, starter, starter_data):
        starter_data["procedimientos"][0]["title_es"] = "Título cambiado"
        stats = catalogo_import(data=starter_data)
        assert stats["procedimientos_updated"] == 1
        code = starter_data["procedimientos"][0]["code"]
        proc = Procedimiento.objects.get(code=code)
        assert proc.title_es == "Título cambiado"
        assert "titulo cambiado" in proc.search_text

    def test_a_changed_form_becomes_a_new_published_version(self, starter, starter_data):
        entry = next(p for p in starter_data["procedimientos"] if p["code"] == "aes")
        entry["form"]["schema"]["properties"]["observaciones"] = {"type": "string"}
        catalogo_import(data=starter_data)
        versions = FormularioVersion.objects.filter(procedimiento__code="aes").order_by("version")
        assert [(v.version, v.status) for v in versions] == [(1, "sustituido"), (2, "publicado")]

    def test_json_export_and_import_via_the_commands(self, starter, tmp_path):
        path = tmp_path / "catalogo.json"
        call_command("catalogo_export", "-o", str(path))
        data = json.loads(path.read_text())
        assert len(data["procedimientos"]) == Procedimiento.objects.count()
        call_command("catalogo_import", str(path), "--no-progress")
        assert catalogo_export() == data

    def test_generate_makes_a_synthetic_catalogue_marked_as_examples(self):
        call_command("catalogo_generate", "--count", "30")
        assert Procedimiento.objects.filter(is_example=True).count() == 30
        assert Unidad.objects.filter(is_example=False, dir3__startswith="LA0999").count() == 0


@pytest.mark.django_db
def test_load_demo_imports_the_starter_catalogue_and_is_idempotent():
    from procedimientos.demo import load_demo
    from procedimientos.models import AccionPlan, AvanceSnapshot

    load_demo()
    counts = (Procedimiento.objects.count(), AccionPlan.objects.count())
    load_demo()
    assert counts == (Procedimiento.objects.count(), AccionPlan.objects.count())
    assert counts[0] >= 60
    assert AvanceSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_unit_created_elsewhere_round_trips_too(make_proc):
    """Units made by identidad (no provenance row) export with default provenance."""
    make_proc("vado")
    exported = catalogo_export()
    assert catalogo_import(data=exported)["procedimientos_updated"] == 0
    assert catalogo_export() == exported


@pytest.mark.django_db
def test_check_validates_without_writing(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_minimal()))
    call_command("catalogo_import", str(good), "--check")
    assert "is valid" in capsys.readouterr().out
    assert Procedimiento.objects.count() == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: bilbao-sede-catalogo/1\nprocedimientos: [{code: X}]\n")
    with pytest.raises(CommandError):
        call_command("catalogo_import", str(bad), "--check")
    assert "procedimiento 'X' (#1)" in capsys.readouterr().err
