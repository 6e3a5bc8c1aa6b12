"""The numbering statements: the counter row (taken last, held briefly) and, on
PostgreSQL, the lean path that writes the entry row once, under the lock, with the chain head.
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


@functools.cache
def _pg_asiento_sql() -> tuple[list, str]:
    fields = list(Asiento._meta.concrete_fields)
    sql = (
        f"WITH head AS (UPDATE {Contador._meta.db_table} SET last_hash = %s WHERE id = %s) "
        f"INSERT INTO {Asiento._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return fields, sql


LATE_FIELDS = ("seq", "presented_at", "effective_at", "prev_hash", "hash")


def pg_prepare_asiento(asiento: Asiento) -> list:
    """The INSERT parameters of the entry row, prepared BEFORE the lock is taken; the five
    values only known under the lock are filled in by :func:`pg_insert_asiento`."""
    fields, _sql = _pg_asiento_sql()
    return [None, None] + [
        f.get_db_prep_save(f.pre_save(asiento, True), connection) for f in fields
    ]


@functools.cache
def _late_positions() -> tuple[int, ...]:
    fields, _sql = _pg_asiento_sql()
    names = [f.attname for f in fields]
    return tuple(2 + names.index(name) for name in LATE_FIELDS)


def pg_insert_asiento(asiento: Asiento, contador_id: int, params: list) -> None:
    """Under the lock: the entry row and the new chain head, in one statement."""
    _fields, sql = _pg_asiento_sql()
    params[0], params[1] = asiento.hash, contador_id
    for position, name in zip(_late_positions(), LATE_FIELDS, strict=True):
        params[position] = getattr(asiento, name)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
