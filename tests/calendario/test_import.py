"""``manage.py calendario_import`` and ``load_demo`` (TIME-7: the calendar is data)."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from calendario.constants import Ambito
from calendario.demo import BUNDLED_CSV, load_demo
from calendario.models import DiaInhabil

SHARED_CSV = Path(__file__).resolve().parents[3] / "shared" / "reference" / "holidays.csv"

HEADER = "date,name,scope,source,notes\n"
GOOD_ROWS = (
    "2026-04-02,Jueves Santo / Ostegun Santua,euskadi,Decreto 82/2025,\n"
    "2026-08-21,Viernes de Aste Nagusia (Semana Grande),bilbao,Onda Cero,"
    '"UNCONFIRMED: press only"\n'
)


def run_import(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("calendario_import", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_csv(tmp_path) -> Path:
    path = tmp_path / "holidays.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_time7_import_reads_names_scope_and_marks_the_unconfirmed_day(good_csv):
    out, _ = run_import(good_csv)
    assert "2 created, 0 updated, 0 unchanged" in out
    assert "2026-08-21" in out and "UNVERIFIED" in out
    jueves = DiaInhabil.objects.get(date=date(2026, 4, 2))
    assert (jueves.name_es, jueves.name_eu, jueves.scope) == (
        "Jueves Santo",
        "Ostegun Santua",
        Ambito.EUSKADI,
    )
    assert jueves.verified is True
    bilbao = DiaInhabil.objects.get(date=date(2026, 8, 21))
    assert bilbao.name_eu == ""  # no Basque name in the file: none invented
    assert bilbao.verified is False
    assert bilbao.scope == Ambito.BILBAO


@pytest.mark.django_db
def test_import_is_idempotent_and_updates_changed_rows(good_csv, tmp_path):
    run_import(good_csv)
    out, _ = run_import(good_csv)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert DiaInhabil.objects.count() == 2

    changed = tmp_path / "changed.csv"
    changed.write_text(
        "date,name,scope,source,notes,verified\n"
        "2026-08-21,Viernes de Aste Nagusia / Aste Nagusiko ostirala,bilbao,BOPV,,yes\n",
        encoding="utf-8",
    )
    out, _ = run_import(changed)
    assert "0 created, 1 updated, 0 unchanged" in out
    bilbao = DiaInhabil.objects.get(date=date(2026, 8, 21))
    assert (bilbao.name_eu, bilbao.verified, bilbao.source) == (
        "Aste Nagusiko ostirala",
        True,
        "BOPV",
    )
    assert DiaInhabil.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-02-30,Día,state,BOE,", "la fecha «2026-02-30» no es válida (formato AAAA-MM-DD)"),
        ("30/03/2026,Día,state,BOE,", "la fecha «30/03/2026» no es válida (formato AAAA-MM-DD)"),
        ("2026-03-30,,state,BOE,", "falta el nombre"),
        (
            "2026-03-30,Día,galaxy,BOE,",
            "el ámbito «galaxy» no es válido (use uno de: state, euskadi, bizkaia, bilbao)",
        ),
        ("2026-03-30,Día,state,,", "falta la fuente"),
        ("2026-04-02,Otra vez,state,BOE,", "la fecha 2026-04-02 ya aparece en la línea 2"),
    ],
)
@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD_ROWS + row + "\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("calendario_import", str(path), stdout=StringIO(), stderr=err)
    assert f"Línea 4: {message}." in err.getvalue()
    assert DiaInhabil.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "nope,Día,state,BOE,\n2026-01-01,,moon,,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="4 error"):
        call_command("calendario_import", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Línea 2:")
    assert [line.split(":")[0] for line in lines[1:]] == ["Línea 3"] * 3


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("fecha,nombre\n2026-01-01,Año Nuevo\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("calendario_import", str(path), stdout=StringIO(), stderr=err)
    assert "Faltan columnas obligatorias: date, scope, source, name." in err.getvalue()


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("calendario_import", str(tmp_path / "nope.csv"))


@pytest.mark.django_db
def test_the_bundled_2026_calendar_imports_with_bilbao_unconfirmed():
    run_import(BUNDLED_CSV)
    assert DiaInhabil.objects.filter(date__year=2026).count() == 15
    assert list(DiaInhabil.objects.filter(verified=False).values_list("date", flat=True)) == [
        date(2026, 8, 21)
    ]
    assert not DiaInhabil.objects.filter(name_eu="").exists()


@pytest.mark.skipif(not SHARED_CSV.is_file(), reason="shared/reference is not on this machine")
@pytest.mark.django_db
def test_the_shared_reference_file_imports_with_bilbao_unconfirmed():
    out, _ = run_import(SHARED_CSV)
    assert "15 created" in out
    assert list(DiaInhabil.objects.filter(verified=False).values_list("date", flat=True)) == [
        date(2026, 8, 21)
    ]


@pytest.mark.django_db
def test_load_demo_uses_the_shared_file_when_present_and_is_idempotent(settings, tmp_path):
    settings.SHARED_REFERENCE_DIR = tmp_path
    (tmp_path / "holidays.csv").write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    load_demo()
    load_demo()
    assert DiaInhabil.objects.count() == 2


@pytest.mark.django_db
def test_load_demo_falls_back_to_the_bundled_calendar(settings, tmp_path):
    settings.SHARED_REFERENCE_DIR = tmp_path / "missing"
    load_demo()
    load_demo()
    assert DiaInhabil.objects.count() == 15
    assert DiaInhabil.objects.get(date=date(2026, 8, 21)).verified is False
