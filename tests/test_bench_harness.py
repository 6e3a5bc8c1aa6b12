"""The shared bench harness (bench/harness.py) loads rows the way the benchmarks and the
query-plan tests rely on, on SQLite and PostgreSQL alike, and prints the guide's RESULT line."""

from __future__ import annotations

import pytest

from bench import datasets
from bench.harness import PageTiming, copy_rows, generate, result_line, scaling_report
from identidad.models import Interesado, User
from sede.models import Presentacion

pytestmark = pytest.mark.django_db


def test_generate_fills_defaults_and_expressions():
    generate(User, 25, start=1, username="'h-' || g", password="'!'", nif="'N' || g")
    users = User.objects.filter(username__startswith="h-").order_by("pk")
    assert users.count() == 25
    first = users.first()
    assert first.username == "h-1" and first.nif == "N1"
    assert first.is_active and not first.is_staff and first.date_joined is not None


def test_generate_refuses_a_required_column_without_expression():
    with pytest.raises(ValueError, match="nif"):
        generate(Interesado, 1, tipo="'fisica'")


def test_copy_rows_loads_python_rows():
    count = copy_rows(
        Interesado,
        [
            "tipo",
            "nif",
            "nombre",
            "apellido1",
            "apellido2",
            "razon_social",
            "email",
            "telefono",
            "direccion",
            "codigo_postal",
            "municipio",
            "created_at",
        ],
        [
            ("fisica", f"{n}X", "Ane", "Zubiri", "", "", "", "", "", "", "", "2026-01-01T10:00Z")
            for n in range(3)
        ],
    )
    assert count == 3 and Interesado.objects.filter(nombre="Ane").count() == 3


def test_the_sede_dataset_links_filings_to_their_entries_and_people():
    base = datasets.sede_base()
    datasets.load_filings(base, citizens=3, per_citizen=4)
    datasets.load_filings(base, citizens=2, per_citizen=4)  # grows after the first load
    assert Presentacion.objects.count() == 20
    p = Presentacion.objects.select_related("asiento", "interesado", "user").get(asiento__seq=5)
    assert p.user.username == "bench-c2" and p.interesado.nif == datasets.nif_of(2)
    assert p.asiento.partes.get().nif == datasets.nif_of(2)
    assert p.borrador.idempotency_key == p.asiento.idempotency_key
    power = p.interesado.apoderamientos_otorgados.first() or None
    assert power is None  # citizen 2 grants nothing; citizen 1 grants citizen 2
    first = Interesado.objects.get(nif=datasets.nif_of(1))
    assert first.apoderamientos_otorgados.get().apoderado.nif == datasets.nif_of(2)


def test_the_result_line_follows_the_guide(capsys):
    small = [PageTiming("page", 1000, [10.0, 12.0, 11.0], 5, 200)]
    large = [PageTiming("page", 10**6, [11.0, 13.0, 12.0], 5, 200)]
    line = scaling_report("paginas_latency_ratio", small, large)
    assert line.startswith("RESULT paginas_latency_ratio value=13.00 baseline=12.00 ratio=1.08")
    assert "max_queries=5" in line and "missed=0" in line
    assert result_line("x", 2.0, 4.0) == "RESULT x value=2.00 baseline=4.00 ratio=0.50"
