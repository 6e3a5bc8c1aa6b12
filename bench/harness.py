"""The shared benchmark harness: bulk-load realistic rows, time pages through the full stack.

Every list in the sede must stay fast after ten years of filings (issue 10). A benchmark of a
page built on this module:

1. opens a throwaway database with :func:`bench_database` (PostgreSQL when ``DATABASE_URL``
   points at it; its name is ``<NAME>_bench_<label>``, so with ``DATABASE_URL=.../bs_scale``
   it is ``bs_scale_bench_paginas``; ``BENCH_KEEP_DB=1`` keeps it for the next run);
2. loads rows in bulk with :func:`generate` (``INSERT … SELECT … FROM generate_series``,
   hundreds of thousands of rows per second, no Python loop) or :func:`copy_rows` (``COPY``
   from rows built in Python), then :func:`analyze`;
3. times pages with :func:`time_page`: Django's test client through every middleware, URL
   resolution, the view and the template, with ``DEBUG`` off; it reports p50/p95/p99 and the
   number of queries per request (counted on a separate request, so counting costs nothing
   in the timings);
4. grows the same tables (e.g. from 10³ to 10⁶ rows) and times the same pages again;
5. ends with ONE line from :func:`result_line`: ``RESULT <name> value=<x> baseline=<y>
   ratio=<x/y>`` (plus p50/p95) — the guide's format.

Loading, e.g. 10⁶ registry entries numbered 1..10⁶, one every 30 seconds of 2020::

    generate(
        Asiento, 1_000_000,
        year="2020", direction="'E'", seq="g",
        presented_at="timestamptz '2020-01-01 08:00+01' + g * interval '30 seconds'",
        ...
    )

Each keyword is a column (the field's ``attname``) and an SQL expression of the series
variable ``g``; every other column gets its field's default (a literal, ``now()`` for
``auto_now`` fields, a fresh UUID for ``UUIDField(default=uuid4)``). ``source=`` replaces the
series with any ``FROM`` clause (a join of rows loaded before, to link them). Per-app datasets
(registry entries, filings, …) live in ``bench/datasets.py`` so the tests' query-plan checks
(``tests/support/query_plans.py``) load the same shapes on a few thousand rows.

Run any benchmark with the project's settings: ``DATABASE_URL=postgres://… DEBUG=true
.venv/bin/python bench/bench_paginas.py``. See ``bench/README.md``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(settings_module: str = "bilbao_sede.settings.test") -> None:
    """Make the project importable and configure Django (call once, before any model)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


# --- The database -----------------------------------------------------------------------


@contextlib.contextmanager
def bench_database(label: str, *, debug: bool = False) -> Iterator[None]:
    """A throwaway, migrated database named ``<NAME>_bench_<label>``; DEBUG off inside.

    ``BENCH_KEEP_DB=1`` keeps it afterwards and reuses it (``keepdb``): a benchmark then
    finds the rows it loaded last time and may skip loading (see :func:`table_rows`)."""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    db = settings.DATABASES["default"]
    keep = os.environ.get("BENCH_KEEP_DB", "") == "1"
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = ""  # in memory
    else:
        db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_{label}"
    from django.template import Template

    production_render = Template._render
    setup_test_environment(debug=debug)
    # The test environment instruments every template render (a signal, and the test client
    # keeps a copy of each context): production does not, and on a page of many small
    # templates that cost more than the page. Pages are timed with the real renderer.
    Template._render = production_render
    old = setup_databases(verbosity=0, interactive=False, keepdb=keep, serialized_aliases=set())
    settings.DEBUG = debug
    try:
        yield
    finally:
        connections.close_all()
        teardown_databases(old, verbosity=0, keepdb=keep)
        teardown_test_environment()


def switch_database(name: str) -> None:
    """Point the default connection at another database of the same server (reconnects on
    the next query). Used to interleave measurements at two sizes, see
    :func:`side_database`."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


@contextlib.contextmanager
def side_database(name: str) -> Iterator[str]:
    """A second, migrated PostgreSQL database ``name`` beside the bench database, dropped at
    the end. Switch between them with :func:`switch_database` to measure the same pages at
    two sizes in alternating blocks, so that the machine's load (other processes) weighs
    on both sides alike."""
    from django.core.management import call_command
    from django.db import connection

    main = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        switch_database(name)
        call_command("migrate", verbosity=0, interactive=False)
        switch_database(main)
        yield name
    finally:
        switch_database(main)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def merge_timings(parts: list[PageTiming]) -> PageTiming:
    """One PageTiming from blocks of the same page (timings pooled, the most queries)."""
    first = parts[0]
    timings = [t for part in parts for t in part.timings]
    return PageTiming(first.name, first.rows, timings, max(p.queries for p in parts), first.status)


def is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def table_rows(model) -> int:
    """Rows in ``model``'s table (an exact count: for the loading phase only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def analyze(*models) -> None:
    """Refresh the planner's statistics (of ``models``' tables, or of everything)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if not models:
            cursor.execute("ANALYZE")
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def sql(statement: str, params: Sequence | None = None) -> int:
    """Run one statement; the number of rows it touched."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


# --- Bulk loading -----------------------------------------------------------------------


def _literal(value) -> str:
    """A constant as SQL (defaults only: numbers, text, booleans, NULL, JSON)."""
    import json

    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return "'" + str(value).replace("'", "''") + "'"


def _default_sql(model_field, postgresql: bool) -> str | None:
    """The SQL of a field's default, or None when the column may be left out."""
    from django.db import models

    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return "now()" if postgresql else "CURRENT_TIMESTAMP"
    if isinstance(model_field, models.UUIDField) and model_field.default is uuid.uuid4:
        return "gen_random_uuid()" if postgresql else "lower(hex(randomblob(16)))"
    if model_field.has_default():
        default = model_field.get_default()
        if isinstance(model_field, models.JSONField):
            return _literal(default) + ("::jsonb" if postgresql else "")
        return _literal(default)
    if model_field.null:
        return None
    text = models.CharField | models.TextField | models.FileField
    if isinstance(model_field, text) and model_field.blank:
        return "''"
    return None


def generate(
    model,
    count: int = 0,
    *,
    start: int = 1,
    source: str | None = None,
    **columns: str,
) -> int:
    """Insert rows into ``model``'s table in one ``INSERT … SELECT``; the rows inserted.

    ``columns`` maps attnames (``user_id``, not ``user``) to SQL expressions of the series
    variable ``g`` (``start`` … ``start + count - 1``) or of ``source``'s aliases. Columns not
    given take their field's default; a required column without one is an error."""
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    meta = model._meta
    names, exprs = [], []
    for model_field in meta.concrete_fields:
        column = model_field.column
        if model_field.attname in columns or column in columns:
            expr = columns.pop(model_field.attname, None) or columns.pop(column)
        elif model_field.primary_key:
            continue
        else:
            expr = _default_sql(model_field, postgresql)
            if expr is None:
                if model_field.null:
                    continue
                raise ValueError(f"{meta.label}.{model_field.attname} needs an expression")
        names.append(connection.ops.quote_name(column))
        exprs.append(expr)
    if columns:
        raise ValueError(f"{meta.label} has no columns {sorted(columns)}")
    if source is None:
        end = start + count - 1
        if postgresql:
            source = f"generate_series({start}, {end}) AS g"
        else:
            # SQLite: a recursive CTE plays generate_series (bounded by the recursion depth
            # setting only, not by SQLITE_MAX_VARIABLE_NUMBER).
            prefix = (
                f"WITH RECURSIVE series(g) AS (SELECT {start} UNION ALL "
                f"SELECT g + 1 FROM series WHERE g < {end}) "
            )
            source = "series"
            statement = (
                f"{prefix}INSERT INTO {meta.db_table} ({', '.join(names)}) "  # noqa: S608
                f"SELECT {', '.join(exprs)} FROM {source}"
            )
            return _execute(statement)
    statement = (
        f"INSERT INTO {meta.db_table} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM {source}"
    )
    return _execute(statement)


def _execute(statement: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)  # no params: '%' in expressions is SQL's modulo
        return cursor.rowcount


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Load rows built in Python: ``COPY … FROM STDIN`` on PostgreSQL, batched inserts on
    SQLite. ``columns`` are column names; values are written as text (None → NULL)."""
    from django.db import connection

    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow(["\\N" if v is None else v for v in row])
                count += 1
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
            )
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch = list(rows)
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608
                batch,
            )
            count = len(batch)
    return count


# --- Timing pages -----------------------------------------------------------------------


def pct(values: Sequence[float], p: float) -> float:
    """The ``p`` quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


@dataclass
class PageTiming:
    name: str
    rows: int
    timings: list[float] = field(repr=False)
    queries: int
    status: int

    @property
    def p50(self) -> float:
        return pct(self.timings, 0.50)

    @property
    def p95(self) -> float:
        return pct(self.timings, 0.95)

    @property
    def p99(self) -> float:
        return pct(self.timings, 0.99)

    @property
    def mean(self) -> float:
        return statistics.mean(self.timings)

    def line(self) -> str:
        return (
            f"  {self.name:34} rows={self.rows:>9,}  p50={self.p50:7.2f}ms  "
            f"p95={self.p95:7.2f}ms  p99={self.p99:7.2f}ms  queries={self.queries}"
        )


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def count_queries(fn: Callable[[], object]) -> tuple[object, list[str]]:
    """Run ``fn`` once and return (its result, the SQL statements it ran — transaction
    control such as BEGIN/COMMIT/SAVEPOINT left out: they are not queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = fn()
    statements = [q["sql"] for q in captured.captured_queries]
    return result, [s for s in statements if not s.upper().startswith(TRANSACTION_CONTROL)]


def time_page(
    client,
    url: str | Callable[[int], str],
    *,
    name: str,
    rows: int,
    data: dict | Callable[[int], dict] | None = None,
    rounds: int = 200,
    warmup: int = 10,
    expect: int = 200,
    contains: str | None = None,
) -> PageTiming:
    """GET ``url`` ``rounds`` times through the test client; timings in milliseconds.

    ``url`` and ``data`` may be functions of the round number (to vary the search). Each
    response must have status ``expect`` (and contain ``contains``): a page that fails fast
    is not a fast page."""

    def request(i: int):
        target = url(i) if callable(url) else url
        params = data(i) if callable(data) else data
        response = client.get(target, params)
        if response.status_code != expect:
            raise AssertionError(f"{name}: {target} answered {response.status_code}")
        if contains is not None and contains not in response.content.decode():
            raise AssertionError(f"{name}: {target} does not show {contains!r}")
        return response

    for i in range(warmup):
        request(i)
    response, queries = count_queries(lambda: request(0))
    timings = []
    for i in range(rounds):
        began = time.perf_counter()
        request(i)
        timings.append((time.perf_counter() - began) * 1000)
    return PageTiming(name, rows, timings, len(queries), response.status_code)


# --- Reporting --------------------------------------------------------------------------


def result_line(name: str, value: float, baseline: float, **extra) -> str:
    """``RESULT <name> value=<x> baseline=<y> ratio=<x/y> k=v …`` (printed and returned)."""
    ratio = value / baseline if baseline else float("inf")
    parts = [f"RESULT {name}", f"value={value:.2f}", f"baseline={baseline:.2f}"]
    parts.append(f"ratio={ratio:.2f}")
    for key, val in extra.items():
        parts.append(f"{key}={val:.2f}" if isinstance(val, float) else f"{key}={val}")
    line = " ".join(parts)
    print(line, flush=True)
    return line


@dataclass
class Targets:
    p95_ms: float = 50.0
    queries: int = 10
    ratio: float = 1.5


def scaling_report(
    name: str, small: list[PageTiming], large: list[PageTiming], targets: Targets | None = None
) -> str:
    """Compare each page at the small and the large size, print the table and the verdict,
    end with the RESULT line: value = the worst p95 at the large size, baseline = the same
    page's p95 at the small size (the fair baseline: the same work on a small table)."""
    targets = targets or Targets()
    by_name = {t.name: t for t in small}
    print(f"\n{'page':36}{'p95 small':>11}{'p95 large':>11}{'ratio':>8}{'queries':>9}  verdict")
    worst = None
    failures = []
    for big in large:
        little = by_name[big.name]
        ratio = big.p95 / little.p95
        ok = big.p95 <= targets.p95_ms and big.queries <= targets.queries
        ok = ok and ratio <= targets.ratio
        if not ok:
            failures.append(big.name)
        print(
            f"  {big.name:34}{little.p95:9.2f}ms{big.p95:9.2f}ms{ratio:8.2f}"
            f"{big.queries:>9}  {'ok' if ok else 'MISSED'}"
        )
        if worst is None or ratio > worst[2]:
            worst = (big, little, ratio)
    big, little, _ratio = worst
    print(
        f"targets: p95 <= {targets.p95_ms:g} ms, <= {targets.queries} queries, "
        f"large/small p95 <= {targets.ratio:g}; missed: {', '.join(failures) or 'none'}"
    )
    return result_line(
        name,
        big.p95,
        little.p95,
        page=big.name.replace(" ", "_"),
        p50=big.p50,
        p95=big.p95,
        max_p95=max(t.p95 for t in large),
        max_queries=max(t.queries for t in large),
        rows_small=small[0].rows,
        rows_large=large[0].rows,
        missed=len(failures),
    )
