"""Grado de avance: computed from the data, snapshots, reported values shown as such."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import yaml

from procedimientos.avance import avance_snapshot_take, compute_avance, plan_import
from procedimientos.demo import PLAN
from procedimientos.models import AccionPlan, AvanceReportado, AvanceSnapshot
from procedimientos.tasks import avance_snapshot_task


def test_catalogue_progress_follows_the_documented_formula(make_proc):
    # The general application (its published form is the level-2 route for everybody).
    make_proc("instancia-general", form=True, is_example=True)
    # weight 3, standardised, level 2 of target 4 -> 0.5
    make_proc(
        "a",
        priority="alto_impacto",
        adaptation_status="normalizado",
        digitisation_level=2,
        target_level=4,
    )
    # weight 1, published, at target -> 1
    make_proc(
        "b",
        form=True,
        priority="normal",
        adaptation_status="publicado",
        digitisation_level=3,
        target_level=3,
    )
    # weight 2, pending -> 0 however digital it is
    make_proc("c", form=True, priority="administrativo", digitisation_level=4, target_level=4)
    # synthetic procedures never count
    make_proc("d", is_example=True, adaptation_status="publicado", digitisation_level=3)
    avance = compute_avance()
    assert avance.catalogue == Decimal("41.67")  # (3*0.5 + 1*1 + 2*0) / 6
    assert (avance.procedures, avance.adapted) == (3, 2)
    assert avance.overall == avance.catalogue  # no plan actions yet


def test_the_figure_moves_when_the_data_changes(make_proc):
    proc = make_proc("a", form=True, digitisation_level=3, target_level=3)
    assert compute_avance().catalogue == Decimal("0.00")
    proc.adaptation_status = "publicado"
    proc.save()
    assert compute_avance().catalogue == Decimal("100.00")


def test_plan_actions_weight_the_overall_figure(make_proc):
    make_proc("a", form=True, adaptation_status="publicado", digitisation_level=3, target_level=3)
    AccionPlan.objects.create(
        code="catalogo", name_es="Catálogo", weight=3, progress_source="catalogo"
    )
    AccionPlan.objects.create(code="registro", name_es="Registro", weight=1, progress=Decimal(20))
    assert compute_avance().overall == Decimal("80.00")  # (3*100 + 1*20) / 4


def test_breakdown_by_department_and_level(make_proc, otra_area):
    make_proc("a", form=True, adaptation_status="publicado", digitisation_level=3, target_level=3)
    make_proc("b", unit=otra_area, digitisation_level=1)
    avance = compute_avance()
    by_dept = {d.key: (d.procedures, d.adapted, d.progress) for d in avance.by_department}
    assert by_dept == {"LA0900004": (1, 1, Decimal("100.00")), "LA0900001": (1, 0, Decimal("0.00"))}
    assert [d.procedures for d in avance.by_level] == [0, 1, 0, 1, 0]


def test_a_daily_snapshot_is_one_row_per_day_and_refreshed(make_proc):
    proc = make_proc("a", form=True, digitisation_level=3, target_level=3)
    avance_snapshot_take(day=date(2026, 1, 5))
    proc.adaptation_status = "publicado"
    proc.save()
    avance_snapshot_take(day=date(2026, 1, 5))
    snap = AvanceSnapshot.objects.get()
    assert snap.overall == Decimal("100.00")
    assert avance_snapshot_task() == "100.00"
    assert AvanceSnapshot.objects.count() == 2


@pytest.fixture
def plan(db):
    plan_import(yaml.safe_load(PLAN.read_text(encoding="utf-8")))


def test_the_plan_data_loads_idempotently(plan):
    assert AccionPlan.objects.count() == 11
    assert AccionPlan.objects.get(code="catalogo-procedimientos").progress_source == "catalogo"
    assert plan_import(yaml.safe_load(PLAN.read_text(encoding="utf-8"))) == {
        "acciones": 0,
        "reportados": 0,
    }
    assert AvanceReportado.objects.get().value == Decimal(44)


def test_the_dashboard_shows_the_figure_the_chart_and_the_reported_value(client, plan, make_proc):
    make_proc("a", adaptation_status="publicado", digitisation_level=3, target_level=3)
    avance_snapshot_take(day=date(2026, 1, 5))
    body = client.get("/catalogo/grado-de-avance/").content.decode()
    figure = compute_avance().overall
    assert f'<strong id="grado-avance">{str(figure).replace(".", ",")}%</strong>' in body
    assert "<svg" in body and "<polyline" in body
    assert (
        "Valor reportado oficialmente: 44,00%" in body
        or "Valor reportado oficialmente: 44.00%" in body
    )
    assert "Reportado" in body
    eu = client.get("/eu/catalogo/grado-de-avance/").content.decode()
    assert "Aurrerapen-maila" in eu


def test_the_csv_export_keeps_reported_and_computed_apart(client, plan, make_proc):
    make_proc("a")
    avance_snapshot_take(day=date(2026, 1, 5))
    response = client.get("/catalogo/grado-de-avance/historico.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["date"], r["kind"]) for r in rows] == [
        ("2020-12-31", "reported"),
        ("2026-01-05", "computed"),
    ]
    assert rows[0]["grado_de_avance"] == "44.00"


def test_the_staff_view_needs_staff(client, plan, funcionario, ciudadana):
    url = "/catalogo/grado-de-avance/gestion/"
    assert client.get(url).status_code == 302
    client.force_login(ciudadana)
    assert client.get(url).status_code == 302
    client.force_login(funcionario)
    response = client.get(url)
    assert response.status_code == 200
    assert "Procedimientos por adaptar" in response.content.decode()


def test_the_chart_escapes_text_and_draws_reported_values_apart():
    from procedimientos.avance import PuntoHistorico
    from procedimientos.chart import render_chart

    svg = render_chart(
        [
            PuntoHistorico(date=date(2020, 12, 31), value=Decimal(44), reported=True),
            PuntoHistorico(date=date(2026, 1, 5), value=Decimal("50.5"), reported=False),
        ],
        title="<script>alert(1)</script>",
        desc="d",
        computed_label="Calculado",
        reported_label="Reportado",
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.count("<path") == 2  # one diamond for the reported value, one in the legend
    assert svg.count("<circle") == 2  # one computed point, one in the legend


def test_the_daily_snapshot_is_scheduled_in_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["procedimientos-avance-snapshot-daily"]
    assert entry["task"] == "procedimientos.tasks.avance_snapshot_task"
    assert entry["schedule"] == 24 * 3600
    assert avance_snapshot_task.name == entry["task"]


def test_the_chart_labels_the_latest_point_and_keeps_the_legend_below_the_axis_labels():
    import re

    from procedimientos.avance import PuntoHistorico
    from procedimientos.chart import render_chart

    svg = render_chart(
        [
            PuntoHistorico(date=date(2026, 1, 4), value=Decimal("40"), reported=False),
            PuntoHistorico(date=date(2026, 1, 5), value=Decimal("50.5"), reported=False),
        ],
        title="t",
        desc="d",
        computed_label="Calculado",
        reported_label="Reportado",
    )
    assert "50,50%" in svg  # the latest point's value, formatted for Spanish
    texts = {m[1]: float(m[0]) for m in re.findall(r'<text[^>]* y="([\d.]+)"[^>]*>([^<]+)<', svg)}
    assert texts["Calculado"] > texts["05/01/2026"] + 11  # legend below the date labels
