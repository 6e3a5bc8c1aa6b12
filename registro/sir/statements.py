"""PostgreSQL statements of the exchange's hot path (issue 18).

What the ORM writes in several round trips, each statement compiled on every call — a change
of state with its event and its audit row; a received exchange with its event, audit row and
files — written here by ONE statement: the same rows with the same values (each field's own
``pre_save`` and ``get_db_prep_save``), the SQL built once per process. Outside a
transaction the statement is its own transaction (the commit travels with it); inside one
(a test, a caller's ``atomic``) it runs in a savepoint, so a refused statement leaves the
caller's transaction usable, as ``atomic`` blocks did.

The rules stay in ``services``: which action, from which states (``TRANSITIONS``), with
which event and audit detail. These functions only write what they are handed.
"""

from __future__ import annotations

import functools

from django.db import connection, transaction

from bilbao_sede.prepared import on_server
from identidad.models import AuditEntry

from ..models import Oficina
from .models import Intercambio, IntercambioEvento, IntercambioFichero


@functools.cache
def _columns(model, *skip: str) -> tuple[list, str, str]:
    """(fields, column list, one typed VALUES row) of ``model`` without ``skip``."""
    fields = [f for f in model._meta.concrete_fields if f.attname not in ("id", *skip)]
    names = ", ".join(_quoted(f) for f in fields)
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")"
    return fields, names, row


def _quoted(field) -> str:
    return connection.ops.quote_name(field.get_attname_column()[1])


def _values(obj, fields: list) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _dependants(source: str, n_ficheros: int) -> list[str]:
    """The event, the audit row (its object id: the exchange's) and the files, inserted for
    the exchange row that CTE ``source`` yields (none when it yields none)."""
    event, event_cols, event_row = _columns(IntercambioEvento, "intercambio_id")
    audit, audit_cols, audit_row = _columns(AuditEntry, "object_id")
    parts = [
        f"e AS (INSERT INTO {IntercambioEvento._meta.db_table} (intercambio_id, {event_cols}) "
        f"SELECT {source}.id, v.* FROM {source} CROSS JOIN (VALUES {event_row}) AS v)",
        f"a AS (INSERT INTO {AuditEntry._meta.db_table} (object_id, {audit_cols}) "
        f"SELECT {source}.id::text, v.* FROM {source} CROSS JOIN (VALUES {audit_row}) AS v)",
    ]
    if n_ficheros:
        _f, cols, row = _columns(IntercambioFichero, "intercambio_id")
        parts.append(
            f"f AS (INSERT INTO {IntercambioFichero._meta.db_table} (intercambio_id, {cols}) "
            f"SELECT {source}.id, v.* FROM {source} CROSS JOIN "
            f"(VALUES {', '.join([row] * n_ficheros)}) AS v)"
        )
    return parts


def _dependant_values(
    evento: IntercambioEvento, audit: AuditEntry, ficheros: list[IntercambioFichero]
) -> list:
    params = _values(evento, _columns(IntercambioEvento, "intercambio_id")[0])
    params += _values(audit, _columns(AuditEntry, "object_id")[0])
    fields = _columns(IntercambioFichero, "intercambio_id")[0]
    for fichero in ficheros:
        params += _values(fichero, fields)
    return params


def _execute(sql: str, params: list):
    if connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(on_server(connection, sql), params)
            return cursor.fetchone()
    sql = on_server(connection, sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class OficinaChangedError(Exception):
    """The registry office the row names is no longer active under that code and name:
    nothing was written (``insert_exchange``'s guard)."""


@functools.cache
def _insert_sql(n_ficheros: int) -> str:
    _fields, cols, row = _columns(Intercambio)
    table, oficinas = Intercambio._meta.db_table, Oficina._meta.db_table
    parts = [
        f"i AS (INSERT INTO {table} ({cols}) SELECT v.* FROM (VALUES {row}) AS v "
        f"WHERE EXISTS (SELECT 1 FROM {oficinas} o WHERE o.id = %s AND o.code = %s "
        "AND o.active AND o.name_es = %s) RETURNING id)",
        *_dependants("i", n_ficheros),
    ]
    return "WITH " + ", ".join(parts) + " SELECT id FROM i"


def insert_exchange(
    row: Intercambio,
    evento: IntercambioEvento,
    audit: AuditEntry,
    ficheros: list[IntercambioFichero],
) -> int:
    """Insert a new exchange with its first event, its audit row and its files; returns
    its id (also set on ``row``). Written only while the registry office it names (``row.
    oficina``, as the caller read it, perhaps a while ago) is still active with that code
    and name: else ``OficinaChangedError`` and nothing was written. ``IntegrityError`` when
    the exchange is known (unique constraint): then nothing was written either."""
    oficina = row.oficina
    if oficina is None:
        raise ValueError("an incoming exchange names the office that receives it")
    params = _values(row, _columns(Intercambio)[0])
    params += [oficina.pk, oficina.code, oficina.name_es]
    params += _dependant_values(evento, audit, ficheros)
    inserted = _execute(_insert_sql(len(ficheros)), params)
    if inserted is None:
        raise OficinaChangedError(oficina.code)
    row.pk = inserted[0]
    row._state.adding = False
    row._state.db = connection.alias
    return row.pk


@functools.cache
def _move_sql(names: tuple[str, ...], increment: tuple[str, ...], release: bool) -> str:
    table = Intercambio._meta.db_table
    fields = {f.attname: f for f in Intercambio._meta.concrete_fields}
    sets = [f"{_quoted(fields[n])} = %s" for n in names]
    for name in increment:
        column = _quoted(fields[name])
        sets.append(f"{column} = {column} + 1")
    # By its key only: the row's direction never changes, and a ``sentido = $n`` here let the
    # prepared statement's generic plan take the (sentido, identificador) index and filter on
    # the key — a walk over every exchange of that direction on every ACK recorded.
    parts = [
        f"u AS (UPDATE {table} SET {', '.join(sets)} "
        "WHERE id = %s AND estado = %s AND pendiente = %s RETURNING id)",
        *_dependants("u", 0),
    ]
    statement = "WITH " + ", ".join(parts)
    if not release:
        return statement + " SELECT count(*) FROM u"
    return f"{statement} SELECT set_config('{MOVED_SETTING}', count(*)::text, false) FROM u"


def _released_sql(statement: str) -> str:
    """The change in its own transaction, committed without waiting for the WAL flush, then
    — when it was written — the delivery lock released (after the COMMIT, so that nobody
    claims the exchange and still reads it as owed), and whether it was written (kept in a
    session setting across the COMMIT), in one round trip. An error stops the string where
    it happens. Not written: the lock stays with its holder, whose general path decides."""
    return (
        f"SET LOCAL synchronous_commit TO OFF; {statement}; "
        f"COMMIT; SELECT current_setting('{MOVED_SETTING}'), "
        f"CASE WHEN current_setting('{MOVED_SETTING}') = '1' "
        "THEN pg_advisory_unlock(%s, %s) ELSE false END"
    )


MOVED_SETTING = "registro_sir.movido"


def move_if(
    row: Intercambio,
    *,
    names: tuple[str, ...],
    increment: tuple[str, ...],
    estado_anterior: str,
    pendiente: str,
    evento: IntercambioEvento,
    audit: AuditEntry,
    release: list[int] | None = None,
) -> tuple[bool, bool]:
    """Write the columns ``names`` of ``row`` (and add one to each column in ``increment``)
    only while the stored exchange is still in state ``estado_anterior`` (the one its event
    records as previous) and owes ``pendiente``, with the event and the audit row of that
    change, in one statement. Returns (whether it was written, whether the lock was
    released).

    ``release``: the key of the session advisory lock held on the exchange (its delivery,
    ``services._claimed``). Outside a transaction the change is then committed WITHOUT
    waiting for the WAL flush — only for a change that the other side makes good if it is
    lost (``services._ack_recorded``) — and the lock is released in the same round trip.
    Inside a transaction the lock is left to its holder."""
    fields = {f.attname: f for f in Intercambio._meta.concrete_fields}
    params = [fields[n].get_db_prep_save(fields[n].pre_save(row, False), connection) for n in names]
    params += [row.pk, estado_anterior, pendiente]
    params += _dependant_values(evento, audit, [])
    if release is None or connection.in_atomic_block:
        return bool(_execute(_move_sql(names, increment, False), params)[0]), False
    sql = _released_sql(on_server(connection, _move_sql(names, increment, True)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *release])
        moved, released = cursor.fetchone()
    return moved == "1", bool(released)
