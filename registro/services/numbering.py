"""The numbering statements: the counter row (taken last, held briefly) and, on
PostgreSQL, ONE statement that takes the number, the presentation instant and the chain
hash on the counter row and inserts the entry row with them (``pg_number_and_insert``): the
counter lock is held for that statement and the commit, nothing else.
"""

from __future__ import annotations

import functools

from django.db import connection

from ..models import Asiento, AsientoDocumento, AsientoInteresado, Contador


@functools.cache
def _pg_columns(model) -> tuple[list, str]:
    """The child model's inserted fields and one typed VALUES row for them."""
    from django.db import connections

    pg = connections["default"]
    cols = [f for f in model._meta.concrete_fields if f.name not in ("id", "asiento")]
    return cols, "(" + ", ".join(f"%s::{f.db_type(pg)}" for f in cols) + ")"


@functools.cache
def _pg_children_sql(n_partes: int, n_docs: int) -> str:
    asiento = Asiento._meta.db_table
    sql = [f"WITH i AS (SELECT nextval(pg_get_serial_sequence('{asiento}', 'id')) AS id)"]
    for name, model, count in (
        ("p", AsientoInteresado, n_partes),
        ("d", AsientoDocumento, n_docs),
    ):
        if count:
            cols, one = _pg_columns(model)
            sql.append(
                f", {name} AS (INSERT INTO {model._meta.db_table} "
                f"(asiento_id, {', '.join(f.column for f in cols)}) "
                f"SELECT i.id, v.* FROM i CROSS JOIN (VALUES {', '.join([one] * count)}) AS v)"
            )
    sql.append(" SELECT id FROM i")
    return "".join(sql)


def pg_insert_children(partes: list, docs: list) -> int:
    params: list = []
    for model, rows in ((AsientoInteresado, partes), (AsientoDocumento, docs)):
        cols = _pg_columns(model)[0]
        for row in rows:
            params += [f.get_db_prep_save(f.pre_save(row, True), connection) for f in cols]
    with connection.cursor() as cursor:
        cursor.execute(_pg_children_sql(len(partes), len(docs)), params)
        return cursor.fetchone()[0]


# The chain hash (registro.chain.entry_hash) computed by PostgreSQL, over the counter row's
# previous hash and number, so that it is taken under the row lock in the same statement.
# Timestamps as Python's isoformat(timespec="microseconds") in UTC.
_ISO = "to_char({t} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"


@functools.cache
def _pg_number_sql() -> tuple[list, str]:
    """(entry fields, SQL) of the numbering statement. Parameters: the numero prefix
    (``2026/E/``), the effective instant's ISO text (NULL: the presentation instant
    itself), the content digest, the application's clock, the year, the direction; then
    the entry's column values (the late ones left out; the effective instant or NULL)."""
    fields = list(Asiento._meta.concrete_fields)
    counter, entry = Contador._meta.db_table, Asiento._meta.db_table
    late = {
        "seq": "c.last_seq",
        "presented_at": "c.last_at",
        "effective_at": "COALESCE(%s::timestamptz, c.last_at)",
        "prev_hash": "c.prev_hash",
        "hash": "c.last_hash",
    }
    values = [late.get(f.attname, "%s") for f in fields]
    # SET (...) = (SELECT ...): the instant is the application's clock read just before
    # the statement, but never earlier than the previous entry's (evaluated on the locked
    # row, after waiting for any other holder): instants follow numbers (REG-4).
    sql = (
        f"WITH c AS (UPDATE {counter} AS k SET (last_seq, prev_hash, last_hash, last_at) = ("
        "SELECT k.last_seq + 1, k.last_hash, encode(sha256(convert_to("
        "k.last_hash || E'\\n' || %s || lpad((k.last_seq + 1)::text, 8, '0') || E'\\n' || "
        f"{_ISO.format(t='n.t')} || E'\\n' || COALESCE(%s, {_ISO.format(t='n.t')}) "
        "|| E'\\n' || %s, 'UTF8')), 'hex'), n.t "
        "FROM (SELECT GREATEST(%s::timestamptz, k.last_at + interval '1 microsecond') AS t) "
        "AS n) "
        "WHERE k.year = %s AND k.direction = %s "
        "RETURNING k.last_seq, k.prev_hash, k.last_hash, k.last_at) "
        f"INSERT INTO {entry} ({', '.join(f.column for f in fields)}) "
        f"SELECT {', '.join(values)} FROM c "
        "RETURNING seq, presented_at, effective_at, prev_hash, hash"
    )
    return fields, sql


def pg_prepare_asiento(asiento: Asiento) -> list:
    """The entry row's column values, prepared BEFORE the lock is taken."""
    fields, _sql = _pg_number_sql()
    return [
        f.get_db_prep_save(f.pre_save(asiento, True), connection)
        for f in fields
        if f.attname not in LATE_FIELDS
    ]


LATE_FIELDS = ("seq", "presented_at", "effective_at", "prev_hash", "hash")


def pg_number_and_insert(
    asiento: Asiento, params: list, *, digest: str, effective_at=None
) -> tuple[int, object, object, str, str]:
    """Under the lock, in ONE statement: the next number of the entry's (year, direction),
    its presentation instant, the chain hash, the counter's new head — and the entry row.
    ``effective_at`` is the effective instant when the calendar moves it (REG-2), else None
    (the presentation instant). Returns (seq, presented_at, effective_at, prev_hash, hash).
    """
    from ..chain import _instant

    fields, sql = _pg_number_sql()
    prefix = f"{asiento.year}/{asiento.direction}/"
    effective_iso = _instant(effective_at) if effective_at is not None else None
    from django.utils import timezone

    head = [prefix, effective_iso, digest, timezone.now(), asiento.year, asiento.direction]
    row_params: list = []
    values = iter(params)
    for f in fields:
        if f.attname == "effective_at":
            row_params.append(effective_at)
        elif f.attname not in LATE_FIELDS:
            row_params.append(next(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, head + row_params)
        row = cursor.fetchone()
        if row is None:  # first entry of the year in this direction
            Contador.objects.bulk_create(
                [Contador(year=asiento.year, direction=asiento.direction)], ignore_conflicts=True
            )
            cursor.execute(sql, head + row_params)
            row = cursor.fetchone()
    return row


def take_number(year: int, direction: str) -> tuple[int, int, str]:
    """Increment the (year, direction) counter and lock its row until the commit."""
    table = Contador._meta.db_table
    sql = (
        f"UPDATE {table} SET last_seq = last_seq + 1 "  # noqa: S608 - table name is ours
        "WHERE year = %s AND direction = %s RETURNING id, last_seq, last_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, direction])
        row = cursor.fetchone()
        if row is None:  # first entry of the year in this direction
            Contador.objects.bulk_create(
                [Contador(year=year, direction=direction)], ignore_conflicts=True
            )
            cursor.execute(sql, [year, direction])
            row = cursor.fetchone()
    return row[0], row[1], row[2]


def finish(*, contador_id: int, asiento: Asiento) -> None:
    """Store the number and hash on the entry and the new chain head on the counter."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contador._meta.db_table} SET last_hash = %s WHERE id = %s",  # noqa: S608
            [asiento.hash, contador_id],
        )
        cursor.execute(
            f"UPDATE {Asiento._meta.db_table} SET seq = %s, presented_at = %s, "  # noqa: S608
            "effective_at = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [
                asiento.seq,
                asiento.presented_at,
                asiento.effective_at,
                asiento.prev_hash,
                asiento.hash,
                asiento.pk,
            ],
        )
