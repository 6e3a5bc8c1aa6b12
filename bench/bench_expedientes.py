"""Case files at a city's volume (issue 11): the staff tray, the case file page and Mi
carpeta at 10³ and at 10⁶ case files, in one run, through the whole Django stack.

Dataset (``bench/datasets.py``): 100 units (10 areas with 9 services each), 300,000
citizens, case files spread over the units and the citizens (~3 each at 10⁶), each with its
party, one document (ENI metadata, version, membership) and one timeline event; nine in ten
open with a resolution deadline spread over a year. On top, one real case file opened by the
services from a registered entry, the one whose pages are measured.

Pages (test client, middleware, session, view, template; DEBUG off; shared harness
``bench/harness.py``): the tray of a case handler of one service (first page, overdue
filter, unassigned + phase, search by NIF, search by words), the tray of a head of area
(10 units), the staff case file page (audited read), Mi carpeta and the citizen's case file.

Targets: p95 ≤ 50 ms, ≤ 10 queries per page, p95 at 10⁶ within 1.5× of p95 at 10³. The
baseline of each page is the same page at 10³ case files (the same work on a small table);
the RESULT line reports the page with the worst ratio:
``RESULT expedientes_latency_ratio value=<p95 at 10⁶> baseline=<p95 at 10³> ratio=…``.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilbao_sede DEBUG=true \\
     .venv/bin/python bench/bench_expedientes.py
Env: BENCH_ROWS (10⁶), BENCH_SMALL_ROWS (10³), BENCH_CITIZENS (300,000), BENCH_ROUNDS (150),
BENCH_KEEP_DB=1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django  # noqa: E402

setup_django()

from django.test import Client  # noqa: E402

from bench import datasets  # noqa: E402
from bench.harness import (  # noqa: E402
    bench_database,
    is_postgresql,
    scaling_report,
    sql,
    time_page,
)

LARGE = int(os.environ.get("BENCH_ROWS", "1000000"))
SMALL = int(os.environ.get("BENCH_SMALL_ROWS", "1000"))
CITIZENS = int(os.environ.get("BENCH_CITIZENS", str(datasets.EXP_CITIZENS)))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "150"))
CHUNK = 200_000


def grow_to(base: dict, rows: int) -> None:
    have = datasets.expedientes_loaded()
    began = time.perf_counter()
    while have < rows:
        datasets.load_expedientes(base, min(CHUNK, rows - have), citizens=CITIZENS)
        have = datasets.expedientes_loaded()
    sql("VACUUM ANALYZE" if is_postgresql() else "ANALYZE")
    print(f"{have:,} case files loaded in {time.perf_counter() - began:.1f}s", flush=True)


def _pdf() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def actors(base: dict) -> dict:
    """The staff, the citizen and the real case file whose pages are measured."""
    from django.contrib.auth.models import Group

    from expedientes.models import Expediente
    from expedientes.services import expediente_open_from_asiento
    from identidad.models import Interesado, Unidad, User
    from identidad.roles import Role
    from procedimientos.models import Procedimiento
    from registro.constants import Canal, Direccion
    from registro.services import DocumentoNuevo, asiento_register
    from sede.filing.adapters import oficina_sede

    service, area = base["units"][1], base["units"][0]
    handler, _ = User.objects.get_or_create(
        username="bench-tramitador", defaults={"is_staff": True}
    )
    handler.unidades.set([service])
    handler.groups.set([Group.objects.get(name=Role.CASE_HANDLER.value)])
    head, _ = User.objects.get_or_create(username="bench-jefatura", defaults={"is_staff": True})
    head.unidades.set([area])
    head.groups.set([Group.objects.get(name=Role.UNIT_HEAD.value)])
    citizen = User.objects.get(username="bench-c5")
    expediente = Expediente.objects.filter(asiento_origen__isnull=False, unidad_id=service).first()
    if expediente is None:
        asiento = asiento_register(
            direction=Direccion.ENTRADA,
            oficina=oficina_sede(),
            canal=Canal.SEDE,
            interesados=[Interesado.objects.get(user=citizen)],
            resumen="Solicitud de licencia de obra menor en Deusto (bench)",
            unidad_destino=Unidad.objects.get(pk=service),
            procedimiento=Procedimiento.objects.order_by("pk").first(),
            documentos=[DocumentoNuevo(nombre="solicitud.pdf", content=_pdf())],
            registrado_por=citizen,
        )
        expediente = expediente_open_from_asiento(asiento=asiento)
    return {"handler": handler, "head": head, "citizen": citizen, "expediente": expediente}


def pages(who: dict, rows: int) -> list:
    handler, head, citizen = Client(), Client(), Client()
    handler.force_login(who["handler"])
    head.force_login(who["head"])
    citizen.force_login(who["citizen"])
    pk = who["expediente"].pk

    def nif(i: int) -> dict:
        # Citizens with files in the handler's service (g % 100 == 1) at every size.
        g = 1 + 100 * (i % 10)
        return {"q": datasets.nif_of(1 + g % CITIZENS)}

    tray = "/expedientes/bandeja/"
    return [
        time_page(handler, tray, name="tray, first page", rows=rows, rounds=ROUNDS),
        time_page(
            handler, tray, data={"vencidos": "on"}, name="tray, overdue", rows=rows, rounds=ROUNDS
        ),
        time_page(
            handler,
            tray,
            data={"asignacion": "sin_asignar", "fase": "instruccion"},
            name="tray, unassigned + phase",
            rows=rows,
            rounds=ROUNDS,
        ),
        time_page(handler, tray, data=nif, name="tray, search NIF", rows=rows, rounds=ROUNDS),
        time_page(
            handler,
            tray,
            data={"q": "poda deusto"},
            name="tray, search words",
            rows=rows,
            rounds=ROUNDS,
        ),
        time_page(head, tray, name="tray, head of area (10 units)", rows=rows, rounds=ROUNDS),
        time_page(
            handler, f"/expedientes/{pk}/", name="case file (staff)", rows=rows, rounds=ROUNDS
        ),
        time_page(citizen, "/mi-carpeta/", name="Mi carpeta", rows=rows, rounds=ROUNDS),
        time_page(
            citizen,
            f"/mi-carpeta/expedientes/{pk}/",
            name="case file (citizen)",
            rows=rows,
            rounds=ROUNDS,
        ),
    ]


def db_time(who: dict, rows: int) -> None:
    """Informative: the database's share of each page (median of the SQL time of 20
    requests, from the captured queries) and the sede's home page as a calibration of this
    machine's load — on a shared machine the full-stack p95 is dominated by CPU contention."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    handler, citizen = Client(), Client()
    handler.force_login(who["handler"])
    citizen.force_login(who["citizen"])
    pk = who["expediente"].pk
    cases = [
        ("tray, first page", handler, "/expedientes/bandeja/", None),
        ("tray, search words", handler, "/expedientes/bandeja/", {"q": "poda deusto"}),
        ("case file (staff)", handler, f"/expedientes/{pk}/", None),
        ("Mi carpeta", citizen, "/mi-carpeta/", None),
        ("case file (citizen)", citizen, f"/mi-carpeta/expedientes/{pk}/", None),
    ]
    for name, client, url, data in cases:
        values = []
        for _ in range(20):
            with CaptureQueriesContext(connection) as captured:
                client.get(url, data)
            values.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        print(f"  db time  {name:28} rows={rows:>9,}  median={statistics.median(values):6.2f}ms")
    calibration = time_page(Client(), "/", name="calibration: sede home", rows=rows, rounds=50)
    print(calibration.line(), flush=True)


def main() -> None:
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-expedientes-")
    with bench_database("expedientes"):
        if not is_postgresql():
            print("(not PostgreSQL: the figures that matter need DATABASE_URL=postgres://…)")
        datasets.sede_base()
        base = datasets.expedientes_base()
        if datasets.citizens_loaded() < CITIZENS:
            began = time.perf_counter()
            datasets.load_citizens(CITIZENS - datasets.citizens_loaded())
            print(f"{CITIZENS:,} citizens loaded in {time.perf_counter() - began:.1f}s")
        grow_to(base, SMALL)
        who = actors(base)
        small = pages(who, SMALL)
        for timing in small:
            print(timing.line(), flush=True)
        db_time(who, SMALL)
        grow_to(base, LARGE)
        large = pages(who, LARGE)
        for timing in large:
            print(timing.line(), flush=True)
        db_time(who, LARGE)
        scaling_report("expedientes_latency_ratio", small, large)


if __name__ == "__main__":
    main()
