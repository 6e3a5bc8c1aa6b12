"""Benchmark of the registry: registrations/s through ``asiento_register`` against the bare
pattern, and the registry book's search latency, on a database holding 10⁶ entries.

Registration (issue 10 item 7): CLIENTS processes (8) register entries concurrently, each an
entry with one interesado and one (distinct) PDF document, through the real service
(validation, document hashing and storage, hash chain, gapless counter) AND the real
publish of the receipt task to the broker (Redis, ``CELERY_BROKER_URL``, on a private queue
no worker reads — the receipts stay pending, as the outbox intends). The baseline, with the
same number of processes, is the bare pattern at PostgreSQL's limit for one hot row:
``UPDATE counter ... RETURNING`` + one ``INSERT``, via psycopg2, one transaction each. Runs
are interleaved (baseline, service; ROUNDS times, 3 by default) and the MEDIAN of the
per-round ratios is reported.

The database is the one DATABASE_URL names (not a throwaway test database): it is migrated,
and BENCH_ROWS entries (default 1,000,000) of an earlier year, each with one party, are
bulk-loaded with ``generate_series`` the first time and kept for later runs, so the
registrations go into tables and indexes already holding 10⁶ rows. The book's queries
(first page, by NIF, by date range, by unit, by number, next page) are timed against them.

RESULT lines (DEVELOPERS' naming rule: lower-is-better names say so):
  RESULT registro_register value=<entries/s> baseline=<bare/s> ratio=<median ratio>
  RESULT registro_book_search_latency value=<mean ms> baseline=<mean ms> ratio=... p50 p95

Run (PostgreSQL and Redis; a database of your own, it is filled):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bs_hotpath_bench \
  CELERY_BROKER_URL=redis://127.0.0.1:6379/2 DEBUG=true .venv/bin/python bench/bench_registro.py
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
PER_CLIENT = int(os.environ.get("BENCH_PER_CLIENT", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RUN = f"{os.getpid()}-{int(time.time())}"
QUEUE = f"bench-registro-{RUN}"
SEARCH_ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "200"))


def pdf_bytes(tag: str) -> bytes:
    """A small valid one-page PDF, distinct per ``tag`` (the upload policy checks PDFs)."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = f"Solicitud {tag}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _fixtures() -> dict:
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad, User
    from identidad.services import interesado_get_or_create
    from registro.constants import TipoOficina
    from registro.models import Oficina

    council, _ = Unidad.objects.get_or_create(
        dir3="L01480209", defaults={"name_es": "Ayuntamiento", "kind": TipoUnidad.ENTIDAD}
    )
    urbanismo, _ = Unidad.objects.get_or_create(
        dir3="LA0001234", defaults={"name_es": "Urbanismo", "kind": TipoUnidad.AREA}
    )
    oficina, _ = Oficina.objects.get_or_create(
        code="O00099999",
        defaults={"name_es": "Sede", "kind": TipoOficina.SEDE, "unidad": council},
    )
    interesado = interesado_get_or_create(nif="12345678Z", nombre="Miren", apellido1="Etxeberria")
    from django.contrib.auth.models import Group

    from identidad.roles import Role

    staff = User.objects.filter(username="bench-staff").first() or User.objects.create_user(
        "bench-staff", is_staff=True
    )
    # Being staff grants nothing: the head of registry reads the whole book.
    staff.groups.add(Group.objects.get_or_create(name=Role.REGISTRY_HEAD.value)[0])
    return {
        "oficina": oficina.pk,
        "unidad": urbanismo.pk,
        "council": council.pk,
        "interesado": interesado.pk,
        "staff": staff.pk,
    }


# --- Registration throughput ------------------------------------------------------------


def _service_client(index: int, ids: dict, barrier, results) -> None:
    connections.close_all()  # a forked process opens its own connection (and broker pool)
    import registro.services as services
    from identidad.models import Interesado, Unidad
    from registro.models import Oficina

    oficina = Oficina.objects.get(pk=ids["oficina"])
    unidad = Unidad.objects.get(pk=ids["unidad"])
    interesado = Interesado.objects.get(pk=ids["interesado"])
    tag = f"{RUN}-{ids['round']}-{index}"
    documents = [pdf_bytes(f"{tag}-{i}") for i in range(PER_CLIENT + 1)]

    def register(i: int) -> None:
        services.asiento_register(
            direction="E",
            oficina=oficina,
            canal="sede",
            interesados=[interesado],
            unidad_destino=unidad,
            resumen="Solicitud de licencia de obra menor",
            documentos=[services.DocumentoNuevo(nombre="solicitud.pdf", content=documents[i])],
            idioma="es",
            idempotency_key=f"bench-{tag}-{i}",
        )  # on commit: the receipt task is published to Redis (the real publish)

    register(PER_CLIENT)  # warm-up, untimed: lazy imports, the broker connection
    barrier.wait()
    began = time.perf_counter()
    for i in range(PER_CLIENT):
        register(i)
    results.put(time.perf_counter() - began)
    connections.close_all()


def _bare_client(index: int, dsn: dict, barrier, results) -> None:
    import psycopg2

    conn = psycopg2.connect(**dsn)
    cur = conn.cursor()
    barrier.wait()
    began = time.perf_counter()
    for i in range(PER_CLIENT):
        cur.execute("UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n")
        (n,) = cur.fetchone()
        cur.execute(
            "INSERT INTO bench_rows (n, summary, created_at) VALUES (%s, %s, now())",
            [n, f"Solicitud {index}-{i}"],
        )
        conn.commit()
    results.put(time.perf_counter() - began)
    conn.close()


def _run_clients(target, args_for) -> float:
    """Start CLIENTS processes, release them together, return entries per second."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(CLIENTS + 1)
    results = ctx.Queue()
    connections.close_all()
    procs = [
        ctx.Process(target=target, args=(i, args_for, barrier, results)) for i in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    began = time.perf_counter()
    for _ in procs:
        results.get(timeout=600)
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a client failed (exit {p.exitcode})")
    return CLIENTS * PER_CLIENT / elapsed


def _dsn() -> dict:
    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }


def throughput_postgresql(ids: dict) -> tuple[float, float, float, list[tuple[float, float]]]:
    """Interleaved rounds: (median service/s, median bare/s, median ratio, every round)."""
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_counter, bench_rows")
        cur.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL)")
        cur.execute("INSERT INTO bench_counter VALUES (1, 0)")
        cur.execute(
            "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, n bigint NOT NULL UNIQUE, "
            "summary varchar(240) NOT NULL, created_at timestamptz NOT NULL)"
        )
    rounds = []
    for r in range(ROUNDS):
        baseline = _run_clients(_bare_client, _dsn())
        value = _run_clients(_service_client, {**ids, "round": r})
        rounds.append((value, baseline))
        print(f"  round {r + 1}: service {value:7.1f}/s  bare {baseline:7.1f}/s")
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_counter, bench_rows")
    return (
        statistics.median(v for v, _b in rounds),
        statistics.median(b for _v, b in rounds),
        statistics.median(v / b for v, b in rounds),
        rounds,
    )


def published_receipts() -> int:
    """How many receipt tasks the service runs published to the bench's private queue."""
    from bilbao_sede.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(QUEUE)


def purge_queue() -> None:
    from bilbao_sede.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(QUEUE)


def throughput_single(ids: dict) -> tuple[float, float]:
    """SQLite (no concurrent writers): one client, same loop in this process."""
    import registro.services as services
    from identidad.models import Interesado, Unidad
    from registro.models import Oficina

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL)")
        cur.execute("INSERT INTO bench_counter VALUES (1, 0)")
        cur.execute(
            "CREATE TABLE bench_rows (id integer PRIMARY KEY, n bigint UNIQUE, summary text)"
        )
    n_total = PER_CLIENT * 2
    began = time.perf_counter()
    for i in range(n_total):
        with connection.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n")
            (n,) = cur.fetchone()
            cur.execute("INSERT INTO bench_rows (n, summary) VALUES (%s, %s)", [n, f"S {i}"])
            cur.execute("COMMIT")
    baseline = n_total / (time.perf_counter() - began)
    from registro.services import receipts

    receipts.justificante_enqueue = lambda *, asiento_id: True
    oficina = Oficina.objects.get(pk=ids["oficina"])
    unidad = Unidad.objects.get(pk=ids["unidad"])
    interesado = Interesado.objects.get(pk=ids["interesado"])
    began = time.perf_counter()
    for i in range(n_total):
        services.asiento_register(
            direction="E",
            oficina=oficina,
            canal="sede",
            interesados=[interesado],
            unidad_destino=unidad,
            resumen="Solicitud",
            documentos=[services.DocumentoNuevo(nombre="s.pdf", content=pdf_bytes(str(i)))],
            idioma="es",
        )
    return n_total / (time.perf_counter() - began), baseline


# --- Registry book search ---------------------------------------------------------------


def load_book(rows: int, ids: dict) -> float:
    """Bulk-load ``rows`` entries (year 2020) with one party each, straight in SQL (kept:
    a later run finds them there and loads nothing)."""
    from registro.models import Asiento, AsientoInteresado

    a, p = Asiento._meta.db_table, AsientoInteresado._meta.db_table
    began = time.perf_counter()
    if Asiento.objects.filter(year=2020).count() >= rows:
        return 0.0
    with connection.cursor() as cur:  # a partial earlier load: start again
        cur.execute(f"DELETE FROM {p} WHERE asiento_id IN (SELECT id FROM {a} WHERE year = 2020)")  # noqa: S608
        cur.execute(f"DELETE FROM {a} WHERE year = 2020")  # noqa: S608
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"""INSERT INTO {a} (year, direction, seq, presented_at, effective_at, oficina_id,
                    canal, unidad_destino_id, unidad_id, resumen, expone, solicita,
                    documentacion_fisica, representacion, idioma, estado,
                    justificante_attempts, justificante_error, justificante_csv, prev_hash, hash)
                SELECT 2020, 'E', g,
                    timestamptz '2020-01-01 08:00+01' + g * interval '30 seconds',
                    timestamptz '2020-01-01 08:00+01' + g * interval '30 seconds',
                    %s, 'sede', CASE WHEN g %% 3 = 0 THEN %s ELSE %s END,
                    CASE WHEN g %% 3 = 0 THEN %s ELSE %s END,
                    'Solicitud ' || g, '', '', '3', '{{}}'::jsonb, 'es', 'sellado', 1, '', '',
                    '', ''
                FROM generate_series(1, %s) AS g""",  # noqa: S608
                [
                    ids["oficina"],
                    ids["council"],
                    ids["unidad"],
                    ids["council"],
                    ids["unidad"],
                    rows,
                ],
            )
            cur.execute(
                f"""INSERT INTO {p} (asiento_id, interesado_id, rol, orden, nif, nombre)
                SELECT id, %s, 'interesado', 0, lpad((seq %% 50000)::text, 8, '0') || 'T', 'Bench'
                FROM {a} WHERE year = 2020""",  # noqa: S608
                [ids["interesado"]],
            )
            cur.execute(f"ANALYZE {a}")
            cur.execute(f"ANALYZE {p}")
        else:
            cur.execute(
                f"""WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s)
                INSERT INTO {a} (year, direction, seq, presented_at, effective_at, oficina_id,
                    canal, unidad_destino_id, unidad_id, resumen, expone, solicita,
                    documentacion_fisica, representacion, idioma, estado,
                    justificante_attempts, justificante_error, justificante_csv, prev_hash, hash)
                SELECT 2020, 'E', n, datetime('2020-01-01 07:00', '+' || (n * 30) || ' seconds'),
                    datetime('2020-01-01 07:00', '+' || (n * 30) || ' seconds'), %s, 'sede',
                    CASE WHEN n %% 3 = 0 THEN %s ELSE %s END,
                    CASE WHEN n %% 3 = 0 THEN %s ELSE %s END, 'Solicitud ' || n, '', '', '3',
                    '{{}}', 'es', 'sellado', 1, '', '', '', '' FROM g""",  # noqa: S608
                [
                    rows,
                    ids["oficina"],
                    ids["council"],
                    ids["unidad"],
                    ids["council"],
                    ids["unidad"],
                ],
            )
            cur.execute(
                f"""INSERT INTO {p} (asiento_id, interesado_id, rol, orden, nif, nombre)
                SELECT id, %s, 'interesado', 0, substr('00000000' || (seq %% 50000), -8) || 'T',
                'Bench' FROM {a} WHERE year = 2020""",  # noqa: S608
                [ids["interesado"]],
            )
            cur.execute("ANALYZE")
    return time.perf_counter() - began


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def search_latency(ids: dict, rows: int) -> dict[str, list[float]]:
    from datetime import date, timedelta

    from identidad.models import User
    from registro.selectors import BookFilters, registry_book

    staff = User.objects.get(pk=ids["staff"])
    first = registry_book(user=staff, filters=BookFilters())
    days = max(2, rows * 30 // 86400)  # the loaded entries are 30 s apart from 2020-01-01
    start = date(2020, 1, 1)

    def day(i: int) -> date:
        return start + timedelta(days=i % (days - 1))

    cases = {
        "first page": lambda i: (BookFilters(), ""),
        "next page": lambda i: (BookFilters(), first.next_cursor or ""),
        "by NIF": lambda i: (BookFilters(nif=f"{(i * 7919) % 50000:08}T"), ""),
        "by date range": lambda i: (BookFilters(desde=day(i), hasta=day(i) + timedelta(1)), ""),
        "by unit": lambda i: (BookFilters(unidad=ids["council"]), ""),
        "by number": lambda i: (BookFilters(numero=f"2020/E/{1 + (i * 104729) % rows}"), ""),
        "unit + dates": lambda i: (
            BookFilters(unidad=ids["unidad"], desde=day(i), hasta=day(i) + timedelta(3)),
            "",
        ),
    }
    timings: dict[str, list[float]] = {}
    for name, make in cases.items():
        filters, cursor = make(1)
        assert registry_book(user=staff, filters=filters, cursor=cursor).rows, name
        values = []
        for i in range(SEARCH_ROUNDS):
            filters, cursor = make(i)
            began = time.perf_counter()
            page = registry_book(user=staff, filters=filters, cursor=cursor)
            for row in page.rows:
                list(row.partes.all())
            values.append((time.perf_counter() - began) * 1000)
        timings[name] = values
    return timings


def bare_page_latency() -> list[float]:
    """The floor: one page of entries by primary key in plain SQL, no filters, no parties."""
    from registro.models import Asiento

    sql = f"SELECT * FROM {Asiento._meta.db_table} ORDER BY id DESC LIMIT 50"  # noqa: S608
    values = []
    with connection.cursor() as cursor:
        for _ in range(SEARCH_ROUNDS):
            began = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            values.append((time.perf_counter() - began) * 1000)
    return values


def main() -> None:
    from django.core.management import call_command

    media = tempfile.mkdtemp(prefix="bench-registro-")
    settings.MEDIA_ROOT = media
    # As in production: DEBUG off while measuring (DEBUG=true only lets the settings load
    # without a SECRET_KEY; on, every query would also be logged in memory).
    settings.DEBUG = False
    postgres = connection.vendor == "postgresql"
    if not postgres:
        _main_sqlite()
        return
    from bilbao_sede.celery import app

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        raise SystemExit("Set CELERY_BROKER_URL: the service is measured with the real publish.")
    # The real publish, to a private queue no worker reads (the receipts stay pending).
    app.conf.update(task_always_eager=False, broker_url=broker, task_default_queue=QUEUE)
    print(f"database {settings.DATABASES['default']['NAME']}: migrating")
    call_command("migrate", verbosity=0)
    ids = _fixtures()
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    loaded = load_book(rows, ids) if rows else 0.0
    from registro.models import Asiento

    total = Asiento.objects.count()
    print(f"entries in the database before the run: {total:,} (loaded now in {loaded:.0f}s)")
    connections.close_all()
    try:
        value, baseline, ratio, _rounds = throughput_postgresql(ids)
        published = published_receipts()
    finally:
        purge_queue()
    from registro.verify import verify_chain

    year = timezone.localdate().year
    assert verify_chain(year, "E") is None, "the benchmark's entries must verify"
    expected = ROUNDS * CLIENTS * (PER_CLIENT + 1)  # with each client's warm-up
    assert published == expected, f"published {published} receipt tasks, expected {expected}"
    print(f"registrations through asiento_register ({CLIENTS} processes, real publish): ")
    print(f"  median {value:,.0f}/s; {published:,} receipt tasks published to Redis")
    print(f"baseline, bare UPDATE ... RETURNING + INSERT: median {baseline:,.0f}/s")
    print(
        f"RESULT registro_register value={value:.1f} baseline={baseline:.1f} "
        f"ratio={ratio:.2f} rounds={ROUNDS} rows={total}"
    )
    if rows:
        _book(ids, rows)


def _book(ids: dict, rows: int) -> None:
    connections.close_all()
    timings = search_latency(ids, rows)
    for name, values in timings.items():
        print(f"  {name:14} p50={pct(values, 0.5):7.2f}ms  p95={pct(values, 0.95):7.2f}ms")
    everything = [v for values in timings.values() for v in values]
    bare = bare_page_latency()
    value, baseline = statistics.mean(everything), statistics.mean(bare)
    print(f"  baseline: one bare page by primary key  p50={pct(bare, 0.5):7.2f}ms")
    print(
        f"RESULT registro_book_search_latency value={value:.2f}ms baseline={baseline:.2f}ms "
        f"ratio={value / baseline:.2f} p50={pct(everything, 0.5):.2f}ms "
        f"p95={pct(everything, 0.95):.2f}ms rows={rows}"
    )


def _main_sqlite() -> None:
    """Without PostgreSQL: one client on a throwaway SQLite database, a smaller book."""
    print("(not PostgreSQL: one client, SQLite; set DATABASE_URL for the real figure)")
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        ids = _fixtures()
        value, baseline = throughput_single(ids)
        print(
            f"RESULT registro_register value={value:.1f} baseline={baseline:.1f} "
            f"ratio={value / baseline:.2f}"
        )
        rows = int(os.environ.get("BENCH_ROWS", "100000"))
        if rows:
            load_book(rows, ids)
            _book(ids, rows)
    finally:
        connections.close_all()
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
