"""Benchmark of the catalogue search on the 500-procedure synthetic catalogue.

Measures the public catalogue's read path (search words + a filter, count + one page of
20, exactly what the list page runs) against a baseline measured in the same run: the plain
unfiltered query of one page (count + 20 rows). Also prints the full HTML page latency.
Uses a throwaway test database (SQLite in memory with the test settings; PostgreSQL when
DATABASE_URL points at it).
Run: DEBUG=true .venv/bin/python bench/bench_catalogo.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

from procedimientos.catalogo_io import catalogo_import  # noqa: E402
from procedimientos.generator import catalogo_generate  # noqa: E402
from procedimientos.models import Procedimiento  # noqa: E402
from procedimientos.selectors import CatalogoFiltro, procedimiento_public_list  # noqa: E402

COUNT = 500
ROUNDS = 300
QUERIES = [
    CatalogoFiltro(q="licencia"),
    CatalogoFiltro(q="ayuda economica"),
    CatalogoFiltro(q="ÁYUDA ECONÓMICA", level=3),
    CatalogoFiltro(q="diru-laguntza"),
    CatalogoFiltro(q="vado", audience="ciudadania"),
    CatalogoFiltro(q="deusto"),
    CatalogoFiltro(q="zergen erreklamazioa"),
    CatalogoFiltro(q="certificado", unit="LA0999999"),
]


def _page(qs) -> int:
    return qs.count() + len(list(qs[:20]))


def measure(fn) -> list[float]:
    timings = []
    for i in range(ROUNDS):
        began = time.perf_counter()
        fn(i)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> None:
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        began = time.perf_counter()
        catalogo_import(data=catalogo_generate(count=COUNT))
        print(
            f"loaded {Procedimiento.objects.count()} procedures in "
            f"{time.perf_counter() - began:.1f}s ({settings.DATABASES['default']['ENGINE']})"
        )
        baseline_qs = Procedimiento.objects.order_by("title_es")
        for _ in range(20):  # warm-up
            _page(baseline_qs)
            _page(procedimiento_public_list(QUERIES[0]))
        base = measure(lambda i: _page(baseline_qs))
        search = measure(lambda i: _page(procedimiento_public_list(QUERIES[i % len(QUERIES)])))
        client = Client()
        pages = measure(lambda i: client.get("/catalogo/", {"q": "licencia", "page": i % 3 + 1}))
        print(
            f"html page /catalogo/?q=licencia: p50={pct(pages, 0.5):.2f}ms "
            f"p95={pct(pages, 0.95):.2f}ms"
        )
        value, baseline = statistics.mean(search), statistics.mean(base)
        print(
            f"RESULT catalogo_search_latency value={value:.3f} baseline={baseline:.3f} "
            f"ratio={value / baseline:.2f} p50={pct(search, 0.5):.3f} p95={pct(search, 0.95):.3f}"
        )
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
