"""Pages at a city's volume (issue 10): the same pages at 10³ and at 10⁶ filings, one run.

Through the whole Django stack (test client, middleware, sessions, view, template; DEBUG
off) on PostgreSQL, with the shared harness (``bench/harness.py``) and the sede dataset
(``bench/datasets.py``: citizens with 10 filings each — draft, registry entry with its
party, submission — one in 50 with a general power granted to the next):

- Mi carpeta of a citizen with 10 filings, and of a representative (own filings + those of
  the person who empowered them);
- the registry entries' admin changelist: first page, search by a party's NIF, by words of
  the summary (full-text), and a filter (the entry's unit);
- the registry book (``/registro/libro/``), first page and by NIF.

Targets: p95 ≤ 50 ms, ≤ 10 queries per page, and each page's p95 at 10⁶ rows within 1.5×
of its p95 at 10³. The baseline of each page is the same page at 10³ rows (the same work on a
small table — what "stays fast" means), measured in the same run in alternating blocks of
``BENCH_BLOCK`` requests against two databases (10³ and 10⁶ rows), so that the load of a
shared machine weighs on both alike; the RESULT line reports the page with the worst ratio:
``RESULT paginas_latency_ratio value=<p95 at 10⁶> baseline=<p95 at 10³> ratio=…``.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilbao_sede DEBUG=true \\
     .venv/bin/python bench/bench_paginas.py
Env: BENCH_ROWS (10⁶), BENCH_SMALL_ROWS (10³), BENCH_ROUNDS (150), BENCH_BLOCK (25),
BENCH_KEEP_DB=1 (keeps the 10⁶ database for the next run and for bench_carga.py).
"""

from __future__ import annotations

import os
import sys
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
    merge_timings,
    scaling_report,
    side_database,
    switch_database,
    time_page,
)

LARGE = int(os.environ.get("BENCH_ROWS", "1000000"))
SMALL = int(os.environ.get("BENCH_SMALL_ROWS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "150"))
BLOCK = int(os.environ.get("BENCH_BLOCK", "25"))
PER_CITIZEN = 10


def grow_to(base, rows: int) -> None:
    began = time.perf_counter()
    have = datasets.grow_filings(base, rows, per_citizen=PER_CITIZEN)
    print(f"{have:,} filings loaded in {time.perf_counter() - began:.1f}s", flush=True)


def pages(base, rows: int, rounds: int, warmup: int = 10) -> list:
    from django.contrib.auth import get_user_model

    from registro.models import Asiento

    users = get_user_model().objects
    citizen, representative = Client(), Client()
    citizen.force_login(users.get(username="bench-c5"))
    representative.force_login(users.get(username="bench-c2"))
    staff = Client()
    staff.force_login(users.get(pk=base.staff_id))
    admin_url = f"/admin/{Asiento._meta.app_label}/{Asiento._meta.model_name}/"

    def nif(i: int) -> str:
        return datasets.nif_of(1 + (i * 37) % 100)  # citizens present at every size

    return [
        time_page(
            citizen,
            "/mi-carpeta/",
            name="Mi carpeta (citizen)",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
        time_page(
            representative,
            "/mi-carpeta/",
            name="Mi carpeta (representative)",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
            contains="Etxeberria 1<",
        ),
        time_page(
            staff,
            admin_url,
            name="admin entries, first page",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
        time_page(
            staff,
            admin_url,
            data=lambda i: {"q": nif(i)},
            name="admin entries, NIF search",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
        time_page(
            staff,
            admin_url,
            data={"q": "licencia obra"},
            name="admin entries, full-text search",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
        time_page(
            staff,
            admin_url,
            data={"unidad__id__exact": base.unidad_id},
            name="admin entries, unit filter",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
        time_page(
            staff, "/registro/libro/", name="registry book", rows=rows, rounds=rounds, warmup=warmup
        ),
        time_page(
            staff,
            "/registro/libro/",
            data=lambda i: {"nif": nif(i)},
            name="registry book, NIF",
            rows=rows,
            rounds=rounds,
            warmup=warmup,
        ),
    ]


def main() -> None:
    with bench_database("paginas"):
        if not is_postgresql():
            print("(not PostgreSQL: one database grown from the small to the large size)")
            base = datasets.sede_base()
            grow_to(base, SMALL)
            small = pages(base, SMALL, ROUNDS)
            grow_to(base, LARGE)
            large = pages(base, LARGE, ROUNDS)
        else:
            small, large = interleaved()
        for timing in small + large:
            print(timing.line(), flush=True)
        scaling_report("paginas_latency_ratio", small, large)


def interleaved() -> tuple[list, list]:
    """The large database is the bench database (kept with BENCH_KEEP_DB=1, so a second
    run skips the loading); the small one sits beside it. Blocks of BLOCK rounds alternate
    between them, so a busy machine slows both sides alike."""
    from django.db import connection

    large_db = connection.settings_dict["NAME"]
    with side_database(f"{large_db}_small") as small_db:
        switch_database(small_db)
        small_base = datasets.sede_base()
        grow_to(small_base, SMALL)
        switch_database(large_db)
        large_base = datasets.sede_base()
        grow_to(large_base, LARGE)
        sides = [(small_db, small_base, SMALL, []), (large_db, large_base, LARGE, [])]
        for block in range(max(1, ROUNDS // BLOCK)):
            for name, base, rows, collected in sides:
                switch_database(name)
                collected.append(pages(base, rows, BLOCK, warmup=2 if block else 10))
        switch_database(large_db)
    merged = []
    for _name, _base, _rows, collected in sides:
        merged.append([merge_timings(list(parts)) for parts in zip(*collected, strict=True)])
    return merged[0], merged[1]


if __name__ == "__main__":
    main()
