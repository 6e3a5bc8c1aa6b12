"""CPU of one page through the whole stack (test client, DEBUG off, production renderer):
mean over N requests and a cProfile of them. For exploring issue 10's admin pages.

Run: DATABASE_URL=postgres://… BENCH_KEEP_DB=1 .venv/bin/python bench/profile_admin.py URL [QUERY]
Env: PROFILE_N (50), PROFILE_TOP (40), PROFILE_ROWS (1000), PROFILE_USER (bench-staff).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django  # noqa: E402

setup_django()

from django.apps import apps  # noqa: E402
from django.test import Client  # noqa: E402

from bench import datasets  # noqa: E402
from bench.harness import bench_database, count_queries  # noqa: E402


def main() -> None:
    url = sys.argv[1]
    data = dict(parse_qsl(sys.argv[2])) if len(sys.argv) > 2 else None
    n = int(os.environ.get("PROFILE_N", "50"))
    with bench_database("profile"):
        base = datasets.sede_base()
        datasets.grow_filings(base, int(os.environ.get("PROFILE_ROWS", "1000")), per_citizen=10)
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(
            get_user_model().objects.get(username=os.environ.get("PROFILE_USER", "bench-staff"))
        )
        data = {k: (str(base.unidad_id) if v == "UNIT" else v) for k, v in (data or {}).items()}
        for _ in range(10):
            assert client.get(url, data).status_code == 200
        _resp, queries = count_queries(lambda: client.get(url, data))
        print(f"{url} {data}: {len(queries)} queries")
        variants = {"as is": lambda: None}
        if os.environ.get("PROFILE_AB"):  # A/B: a class attribute of an admin set back
            from django.contrib import admin

            label, attr, value = os.environ["PROFILE_AB"].split(":")
            model_admin = admin.site._registry[apps.get_model(label)]
            old = getattr(model_admin, attr)
            new = None if value == "None" else int(value) if value.isdigit() else value
            variants = {
                "as is": lambda: setattr(model_admin, attr, old),
                f"{attr}={value}": lambda: setattr(model_admin, attr, new),
            }
        cpu = {name: [] for name in variants}
        for _block in range(5):
            for name, switch in variants.items():
                switch()
                client.get(url, data)
                began = time.process_time()
                for _ in range(max(1, n // 5)):
                    client.get(url, data)
                cpu[name].append((time.process_time() - began) / max(1, n // 5) * 1000)
        for name, values in cpu.items():
            values.sort()
            print(
                f"  {name:30} CPU per request: median of blocks {values[2]:.1f} ms, "
                f"min {values[0]:.1f} ms"
            )
        next(iter(variants.values()))()
        if os.environ.get("PROFILE_TEMPLATES"):
            template_times(client, url, data, n)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            client.get(url, data)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("PROFILE_TOP", "40")))
        if os.environ.get("PROFILE_SQL"):
            for q in queries:
                print(q)


def template_times(client, url, data, n) -> None:
    """Inclusive CPU per request of each template (and of each inclusion tag's template)."""
    from collections import defaultdict

    from django.template.base import Template

    spent: dict = defaultdict(float)
    original = Template.render

    def timed(self, context):
        began = time.process_time()
        try:
            return original(self, context)
        finally:
            spent[self.origin.template_name if self.origin else "?"] += time.process_time() - began

    Template.render = timed
    try:
        for _ in range(n):
            client.get(url, data)
    finally:
        Template.render = original
    for name, total in sorted(spent.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {total / n * 1000:7.2f} ms  {name}")


if __name__ == "__main__":
    main()
