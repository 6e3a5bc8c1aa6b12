"""Query-plan checks: a list that will not scale fails a test long before it meets 10⁶ rows.

PostgreSQL only (elsewhere the checks skip: SQLite's planner says nothing about
PostgreSQL's). A test loads a few thousand realistic rows (``bench/datasets.py``), refreshes
the statistics (:func:`analyze`) and asks PostgreSQL how it would run the list's main query:

    from tests.support.query_plans import assert_page_uses_indexes, assert_uses_index

    assert_uses_index(presentaciones_page_queryset, table="sede_presentacion")
    assert_page_uses_indexes(client, "/mi-carpeta/", tables=["sede_presentacion"])

:func:`assert_uses_index` EXPLAINs a queryset (or SQL with params) and fails when any of
``table`` is read by a sequential scan, or not read through an index at all.
:func:`assert_page_uses_indexes` GETs a page, captures every SELECT the request ran that
reads one of ``tables`` and checks each of them the same way (the page's list, its count,
its access rule…). The failure message shows the query and the plan.

A sequential scan is what makes a page's time grow with the table (an ``OR`` with a
correlated ``EXISTS``, ``icontains`` over a join, a ``COUNT`` of everything, ordering on a
column without an index). With a few thousand rows PostgreSQL already prefers an index for a
query that will scale, and a sequential scan for one that will not, once it has statistics.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest
from django.db import connections
from django.db.models import QuerySet

from bilbao_sede.pagination import ADMIN_COUNT_CAP


def require_postgresql(using: str = "default") -> None:
    if connections[using].vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL (set DATABASE_URL)")


def analyze(*tables: str, using: str = "default") -> None:
    """Refresh the planner's statistics (inside the test's transaction is fine)."""
    with connections[using].cursor() as cursor:
        for table in tables or ("",):
            cursor.execute(f"ANALYZE {table}")


def explain(
    query: QuerySet | str,
    params: Sequence | None = None,
    *,
    using: str = "default",
    analyze: bool = False,
):
    """PostgreSQL's plan of ``query`` (a queryset, or SQL with ``params``) as JSON; with
    ``analyze`` the query is run and the plan carries the rows each node really read."""
    if isinstance(query, QuerySet):
        query, params = query.query.sql_with_params()
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connections[using].cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) " + query, params)
        plan = cursor.fetchone()[0]
    return json.loads(plan) if isinstance(plan, str) else plan


def plan_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def _nodes(plan) -> list[dict]:
    return list(plan_nodes(plan[0]["Plan"]))


def _rows_read(node: dict) -> int:
    """Rows a scan node looked at: those it returned and those its filters threw away."""
    loops = node.get("Actual Loops", 1) or 1
    kept = node.get("Actual Rows", 0) * loops
    removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return int(kept + removed * loops)


def _describe(sql: str, plan) -> str:
    lines = []
    for node in _nodes(plan):
        relation = node.get("Relation Name", "")
        index = node.get("Index Name", "")
        read = f" (read {_rows_read(node)} rows)" if relation and "Actual Rows" in node else ""
        lines.append(f"  {node['Node Type']} {relation} {index}".rstrip() + read)
    return f"{sql}\nplan:\n" + "\n".join(lines)


def _table_rows(table: str, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return max(int(row[0]) if row else 0, 0)


# Reads that do not grow with the table: a capped admin count (ADMIN_COUNT_CAP + 1 rows).
BOUNDED_READ = ADMIN_COUNT_CAP + 1


def check_plan(
    query: QuerySet | str,
    *,
    tables: Sequence[str],
    params: Sequence | None = None,
    using: str = "default",
    max_share: float = 0.05,
    max_rows: int | None = None,
) -> list[str]:
    """The problems of ``query`` with the big ``tables``; empty when it will scale.

    On a few thousand rows a sequential scan is often the cheapest plan even for a query
    that scales (a handful of index probes cost more than reading 40 pages), so the planner
    is asked with sequential scans discouraged (``enable_seqscan = off``): a Seq Scan that
    remains means no index can serve the query. The query is then run (``EXPLAIN
    ANALYZE``): a node that reads more than ``max_share`` of a big table (a full index scan
    with a filter, a count of everything) grows with the table too — unless it reads no
    more than ``max_rows`` (default ``BOUNDED_READ``: a capped count, a few pages), a bound
    that does not grow with the table."""
    from django.db import transaction

    connection = connections[using]
    text = query if isinstance(query, str) else str(query.query)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = explain(query, params, using=using, analyze=True)
        cursor.execute("SET LOCAL enable_seqscan = on")
    problems = []
    nodes = _nodes(plan)
    for table in tables:
        reads = [n for n in nodes if n.get("Relation Name") == table]
        if any(n["Node Type"] == "Seq Scan" for n in reads):
            problems.append(f"sequential scan of {table}:\n{_describe(text, plan)}")
            continue
        limit = max(BOUNDED_READ if max_rows is None else max_rows, 0)
        limit = max(limit, int(_table_rows(table, using) * max_share))
        for node in reads:
            if _rows_read(node) > limit:
                problems.append(
                    f"{table}: {_rows_read(node)} rows read (more than {limit}, "
                    f"{max_share:.0%} of the table):\n{_describe(text, plan)}"
                )
    return problems


def assert_uses_index(
    query: QuerySet | str,
    *,
    table: str | Sequence[str],
    params: Sequence | None = None,
    using: str = "default",
) -> None:
    """Fail when ``query`` reads ``table`` (or any of several) by a sequential scan, or reads
    a large share of it (see :func:`check_plan`)."""
    require_postgresql(using)
    tables = [table] if isinstance(table, str) else list(table)
    problems = check_plan(query, tables=tables, params=params, using=using)
    assert not problems, "\n\n".join(problems)


def page_queries(client, url: str, *, data: dict | None = None, using: str = "default"):
    """(response, SQL of every SELECT the GET ran)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[using]) as captured:
        response = client.get(url, data)
    sqls = [q["sql"] for q in captured.captured_queries]
    selects = [sql for sql in sqls if sql.lstrip().upper().startswith("SELECT")]
    return response, selects


def assert_page_uses_indexes(
    client,
    url: str,
    *,
    tables: Sequence[str],
    data: dict | None = None,
    using: str = "default",
    expect: int = 200,
    min_queries: int = 1,
):
    """GET ``url`` and check the plan of every SELECT that reads one of ``tables``; at
    least ``min_queries`` of them must exist (the check would be empty otherwise).
    Returns the response."""
    require_postgresql(using)
    response, selects = page_queries(client, url, data=data, using=using)
    assert response.status_code == expect, (url, response.status_code)
    checked, problems = 0, []
    for sql in selects:
        quoted = [t for t in tables if f'"{t}"' in sql or f" {t} " in sql]
        if not quoted:
            continue
        checked += 1
        problems += check_plan(sql, tables=quoted, using=using)
    assert checked >= min_queries, f"{url} ran no query on {tables}: {selects}"
    assert not problems, f"{url}:\n" + "\n\n".join(problems)
    return response


# --- Volume ---------------------------------------------------------------------------

# × 10 filings: 10,000 entries, filings, parties and drafts — ten times BOUNDED_READ, so a
# read of the whole table or of a large share of it stands out from a bounded one.
VOLUME_CITIZENS = 1000


@pytest.fixture
def sede_volume(db):
    """A few thousand filings through the sede (``bench/datasets.py``), statistics fresh;
    PostgreSQL only. Returns the ``SedeDataset`` (ids of the office, units, procedure…)."""
    require_postgresql()
    from bench import datasets

    base = datasets.sede_base()
    datasets.load_filings(base, citizens=VOLUME_CITIZENS)
    analyze()
    return base
