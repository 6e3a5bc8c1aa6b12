"""The numbering statements: the counter row (taken last, held briefly) and, on
PostgreSQL, ONE statement that takes the number, the presentation instant and the chain
hash on the counter row and inserts the entry row with them (``pg_number_and_insert``): the
counter lock is held for that statement and the commit, nothing else.

When the registration owns its transaction, the whole of it travels in ONE round trip
(``pg_register_one_trip``): BEGIN, the parties and documents, the numbering statement, the
COMMIT and the entry read back. The server releases the counter row the moment the entry is
written, without waiting for the client to be scheduled again to send the COMMIT — on a busy
machine that wait, not the statement, is what kept the row locked (issue 10) — and the
registration costs one round trip instead of four.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.db.models import Field, Model
from django.db.models import fields as django_fields
from django.db.models.fields.related import ForeignKey

from bilbao_sede.prepared import on_server

from ..models import Asiento, AsientoDocumento, AsientoInteresado, Contador

_NAMED = re.compile(r"%\((\w+)\)s")


@functools.cache
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql``'s ``%(name)s`` parameters as ``%s`` ones, and the names in their order (a
    name written twice is passed twice)."""
    return _NAMED.sub("%s", sql), tuple(_NAMED.findall(sql))


def _prepared(db, sql: str, named: dict) -> tuple[str, list]:
    """(SQL, parameters) to run ``sql`` (named parameters, every one typed by a cast): on
    PostgreSQL the ``EXECUTE`` of the statement prepared once per connection
    (``bilbao_sede.prepared.on_server``), so the server parses and plans the registration's
    statements once, not every time."""
    positional, names = _positional(sql)
    return on_server(db, positional), [named[name] for name in names]


@functools.cache
def _pg_columns(model) -> list:
    """The child model's inserted fields."""
    return [f for f in model._meta.concrete_fields if f.name not in ("id", "asiento")]


@functools.cache
def _pg_children_sql(n_partes: int, n_docs: int) -> str:
    """One statement: the entry's id drawn from its sequence, and its parties and documents
    inserted under it; typed ``%s`` parameters, ``_children_params``."""
    asiento = Asiento._meta.db_table
    sql = [f"WITH i AS (SELECT nextval(pg_get_serial_sequence('{asiento}', 'id')) AS id)"]
    for name, model, count in (
        ("p", AsientoInteresado, n_partes),
        ("d", AsientoDocumento, n_docs),
    ):
        if count:
            cols = _pg_columns(model)
            one = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in cols) + ")"
            rows = [one] * count
            sql.append(
                f", {name} AS (INSERT INTO {model._meta.db_table} "
                f"(asiento_id, {', '.join(f.column for f in cols)}) "
                f"SELECT i.id, v.* FROM i CROSS JOIN (VALUES {', '.join(rows)}) AS v)"
            )
    sql.append(" SELECT id FROM i")
    return "".join(sql)


# --- Column values as Django saves them, without its calls where they change nothing ---
#
# Issue 10: ``field.get_db_prep_save(field.pre_save(row, True), db)`` is 3-5 Python calls
# per column (pre_save, get_prep_value, to_python, the backend's adapter) and a registration
# saves ~40 columns. On PostgreSQL through psycopg2 those calls return the value itself for
# the plain values below (a ``str`` for a text column, an ``int`` for an integer or a
# foreign key, an aware ``datetime``, None); every other value, and every field whose class
# changes any of those steps (a file, ``auto_now``, JSON, a subclass), takes Django's path.
# tests/registro/test_column_savers.py checks the equivalence field by field.

_F = django_fields
# pre_save methods that only read the attribute (the date ones: unless auto_now(_add)).
_READING_PRE_SAVE = (Field.pre_save, _F.DateField.pre_save, _F.DateTimeField.pre_save)
_TEXT_METHODS = (
    (_F.CharField.get_prep_value, _F.CharField.to_python),
    (_F.TextField.get_prep_value, _F.TextField.to_python),
)


def _unchanged(field: Field) -> Callable[[Any], bool] | None:
    """A test of the values that ``field.get_db_prep_save`` returns as they are, or None."""
    cls = type(field)
    if (
        is_psycopg3  # its adapters wrap integers
        or cls.get_db_prep_save is not Field.get_db_prep_save
        or cls.pre_save not in _READING_PRE_SAVE
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    ):
        return None
    prep, db_prep, to_python = cls.get_prep_value, cls.get_db_prep_value, cls.to_python
    if (prep, to_python) in _TEXT_METHODS and db_prep is Field.get_db_prep_value:
        return lambda value: value is None or isinstance(value, str)
    if prep is _F.IntegerField.get_prep_value and db_prep is _F.IntegerField.get_db_prep_value:
        return lambda value: value is None or type(value) is int  # not a bool: int(True) is 1
    if (
        prep is _F.DateTimeField.get_prep_value
        and to_python is _F.DateTimeField.to_python
        and db_prep is _F.DateTimeField.get_db_prep_value
    ):
        # An aware instant (Django makes a naive one aware, with a warning).
        return lambda value: (
            value is None or (type(value) is datetime and value.utcoffset() is not None)
        )
    return None


def _fk_unchanged(field: ForeignKey) -> Callable[[Any], bool] | None:
    """As ``_unchanged``, for a foreign key to an auto-incremented id: an ``int`` or None."""
    target = type(field.target_field)
    if (
        is_psycopg3
        or type(field).get_db_prep_save is not ForeignKey.get_db_prep_save
        or type(field).pre_save is not Field.pre_save
        or not isinstance(field.target_field, _F.AutoFieldMixin)
        or target.get_db_prep_save is not Field.get_db_prep_save
        or target.get_db_prep_value is not _F.AutoFieldMixin.get_db_prep_value
        or target.get_prep_value is not _F.IntegerField.get_prep_value
    ):
        return None
    return lambda value: value is None or type(value) is int


def column_savers(fields: tuple[Field, ...]) -> tuple[Callable[[Model, Any], Any], ...]:
    """For each field, ``save(row, db)``: what ``field.get_db_prep_save(field.pre_save(row,
    True), db)`` returns on PostgreSQL (psycopg2), without Django's calls where they would
    return the value itself."""

    def saver(field: Field) -> Callable[[Model, Any], Any]:
        unchanged = _fk_unchanged(field) if isinstance(field, ForeignKey) else _unchanged(field)

        def django(row, db):
            return field.get_db_prep_save(field.pre_save(row, True), db)

        if unchanged is None:
            return django
        attname = field.attname

        def save(row, db):
            value = getattr(row, attname)
            return value if unchanged(value) else field.get_db_prep_save(value, db)

        return save

    return tuple(saver(f) for f in fields)


@functools.cache
def _child_savers(model) -> tuple[Callable[[Model, Any], Any], ...]:
    return column_savers(tuple(_pg_columns(model)))


def _children_params(partes: list, docs: list) -> list:
    pg = connections[DEFAULT_DB_ALIAS]  # once: ``connection`` is a proxy, each use a look-up
    params: list = []
    for model, rows in ((AsientoInteresado, partes), (AsientoDocumento, docs)):
        savers = _child_savers(model)
        for row in rows:
            params += [save(row, pg) for save in savers]
    return params


def pg_insert_children(partes: list, docs: list) -> int:
    db = connections[DEFAULT_DB_ALIAS]
    sql = on_server(db, _pg_children_sql(len(partes), len(docs)))
    with db.cursor() as cursor:
        cursor.execute(sql, _children_params(partes, docs))
        return cursor.fetchone()[0]


# The chain hash (registro.chain.entry_hash) computed by PostgreSQL, over the counter row's
# previous hash and number, so that it is taken under the row lock in the same statement.
# Timestamps as Python's isoformat(timespec="microseconds") in UTC.
_ISO = "to_char({t} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"


_INSTANT = "GREATEST(%(now)s::timestamptz, k.last_at + interval '1 microsecond')"

_CURRENT_ID = "currval(pg_get_serial_sequence('{table}', 'id'))"


@functools.cache
def _pg_number_sql(one_trip: bool = False) -> tuple[list, str]:
    """(entry fields, SQL) of the numbering statement, with named parameters: ``prefix``
    (the numero's ``2026/E/``), ``effective`` (the effective instant's ISO text, NULL: the
    presentation instant itself), ``digest`` (the content digest), ``now`` (the
    application's clock), ``year``, ``direction``, ``tz`` and ``day`` (the local day the
    calendar was asked about); then ``f_<attname>`` for each of the entry's columns but the
    late ones (``f_effective_at``: the effective instant or NULL)."""
    fields = list(Asiento._meta.concrete_fields)
    counter, entry = Contador._meta.db_table, Asiento._meta.db_table
    late = {
        "seq": "c.last_seq",
        "presented_at": "c.last_at",
        "effective_at": "COALESCE(%(f_effective_at)s::timestamptz, c.last_at)",
        "prev_hash": "c.prev_hash",
        "hash": "c.last_hash",
    }
    values = [late.get(f.attname, f"%(f_{f.attname})s::{f.db_type(connection)}") for f in fields]
    if one_trip:
        values[fields.index(Asiento._meta.pk)] = _CURRENT_ID.format(table=entry)
    # SET (...) = (SELECT ...): the instant is the application's clock read just before
    # the statement, but never earlier than the previous entry's (evaluated on the locked
    # row, after waiting for any other holder): instants follow numbers (REG-4).
    sql = (
        f"WITH c AS (UPDATE {counter} AS k SET (last_seq, prev_hash, last_hash, last_at) = ("
        "SELECT k.last_seq + 1, k.last_hash, encode(sha256(convert_to("
        "k.last_hash || E'\\n' || %(prefix)s::text || lpad((k.last_seq + 1)::text, 8, '0') || "
        f"E'\\n' || {_ISO.format(t='n.t')} || E'\\n' || "
        f"COALESCE(%(effective)s::text, {_ISO.format(t='n.t')}) "
        "|| E'\\n' || %(digest)s::text, 'UTF8')), 'hex'), n.t "
        f"FROM (SELECT {_INSTANT} AS t) AS n) "
        # Nothing numbered (no row) when the instant falls on another local day than the
        # one the calendar was asked about (midnight, or the new year, crossed since): the
        # caller starts again.
        "WHERE k.year = %(year)s::integer AND k.direction = %(direction)s::text "
        f"AND ({_INSTANT} AT TIME ZONE %(tz)s::text)::date = %(day)s::date "
        "RETURNING k.last_seq, k.prev_hash, k.last_hash, k.last_at) "
        f"INSERT INTO {entry} ({', '.join(f.column for f in fields)}) "
        f"SELECT {', '.join(values)} FROM c"
    )
    if not one_trip:
        sql += " RETURNING seq, presented_at, effective_at, prev_hash, hash"
    return fields, sql


@functools.cache
def _pg_read_back_sql() -> str:
    """The entry the one-trip registration just wrote: its id, number, instants, hashes."""
    asiento = Asiento._meta.db_table
    return (
        f"SELECT id, seq, presented_at, effective_at, prev_hash, hash FROM {asiento} "  # noqa: S608
        f"WHERE id = (SELECT {_CURRENT_ID.format(table=asiento)})"  # once: the pk's index
    )


def _pg_one_trip(db, n_partes: int, n_docs: int, children: list, named: dict) -> tuple[str, list]:
    """A whole owned registration in ONE round trip, from autocommit: BEGIN, the parties and
    documents under a new id (before any lock), the numbering statement for that id, COMMIT,
    and the entry's late columns read back. The counter row is locked from the numbering
    statement to the COMMIT, both on the server: no client round trip in between. The three
    statements are prepared once per connection (``on_server``): the text sent is
    ``EXECUTE``s."""
    number, number_params = _prepared(db, _pg_number_sql(one_trip=True)[1], named)
    sql = (
        f"BEGIN; {on_server(db, _pg_children_sql(n_partes, n_docs))}; {number}; "
        f"COMMIT; {on_server(db, _pg_read_back_sql())}"
    )
    return sql, children + number_params


def pg_prepare_asiento(asiento: Asiento) -> list:
    """The entry row's column values, prepared BEFORE the lock is taken."""
    pg = connections[DEFAULT_DB_ALIAS]
    return [save(asiento, pg) for save in _early_savers()]


LATE_FIELDS = ("seq", "presented_at", "effective_at", "prev_hash", "hash")


@functools.cache
def _early_savers() -> tuple[Callable[[Model, Any], Any], ...]:
    """``column_savers`` of the entry's columns but the late ones, in ``_early_names``'s order."""
    fields = _pg_number_sql()[0]
    return column_savers(tuple(f for f in fields if f.attname not in LATE_FIELDS))


@functools.cache
def _early_names() -> tuple[str, ...]:
    """The parameter names of ``pg_prepare_asiento``'s values, in its order."""
    return tuple(f"f_{f.attname}" for f in _pg_number_sql()[0] if f.attname not in LATE_FIELDS)


class NotNumberedError(Exception):
    """The numbering statement numbered nothing: the entry's (year, direction) had no
    counter, or the local day changed since the calendar was asked. Nothing was committed;
    ``forget_counters`` and start again."""


# The counters this process has seen exist, by database: created once per year and
# direction, never deleted but by a test's flush or a rolled-back first entry — then the
# numbering statement numbers nothing, the caller forgets and starts again.
_counters: set[tuple[str, int, str]] = set()


def ensure_counter(year: int, direction: str) -> None:
    """The (year, direction) counter exists (one statement the first time in a process)."""
    from django.db import transaction

    key = (connections[DEFAULT_DB_ALIAS].settings_dict["NAME"], year, direction)
    if key not in _counters:
        Contador.objects.bulk_create(
            [Contador(year=year, direction=direction)], ignore_conflicts=True
        )
        # Remembered once committed: a counter created by a transaction that rolls back
        # must not be believed in by the other threads of this process.
        transaction.on_commit(lambda: _counters.add(key))


def forget_counters() -> None:
    _counters.clear()


def _numbering_params(asiento: Asiento, params: list, *, digest: str, day, effective_at) -> dict:
    """The named parameters of ``_pg_number_sql`` (see there)."""
    from django.conf import settings
    from django.utils import timezone

    from ..chain import _instant

    named = dict(zip(_early_names(), params, strict=True))
    named["f_effective_at"] = effective_at
    named.update(
        {
            "prefix": f"{asiento.year}/{asiento.direction}/",
            "effective": _instant(effective_at) if effective_at is not None else None,
            "digest": digest,
            "now": timezone.now(),
            "year": asiento.year,
            "direction": asiento.direction,
            "tz": settings.TIME_ZONE,
            "day": day,
            "id": asiento.pk,
        }
    )
    return named


def pg_number_and_insert(
    asiento: Asiento,
    params: list,
    *,
    digest: str,
    day,
    effective_at=None,
) -> tuple[int, object, object, str, str]:
    """Under the lock, in ONE statement: the next number of the entry's (year, direction),
    its presentation instant, the chain hash, the counter's new head — and the entry row,
    in the caller's transaction. ``effective_at`` is the effective instant when the calendar
    moves it (REG-2), else None (the presentation instant); ``day`` is the local day the
    calendar was asked about. Returns (seq, presented_at, effective_at, prev_hash, hash).
    Raises ``NotNumberedError`` when nothing was numbered."""
    named = _numbering_params(asiento, params, digest=digest, day=day, effective_at=effective_at)
    db = connections[DEFAULT_DB_ALIAS]
    sql, positional = _prepared(db, _pg_number_sql()[1], named)
    with db.cursor() as cursor:
        cursor.execute(sql, positional)
        row = cursor.fetchone()
    if row is None:
        raise NotNumberedError
    return row


def pg_register_one_trip(
    asiento: Asiento,
    params: list,
    partes: list,
    docs: list,
    *,
    digest: str,
    day,
    effective_at=None,
) -> tuple[int, int, object, object, str, str]:
    """The owned registration's writes in ONE round trip (``_pg_one_trip_sql``); the
    connection must be in autocommit (no transaction open). Returns (id, seq, presented_at,
    effective_at, prev_hash, hash) of the committed entry. On any error nothing is committed
    and the connection is back in autocommit; ``NotNumberedError`` as in
    ``pg_number_and_insert``, ``IntegrityError`` for a repeated idempotency key."""
    from django.db import IntegrityError
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    named = _numbering_params(asiento, params, digest=digest, day=day, effective_at=effective_at)
    children = _children_params(partes, docs)
    db = connections[DEFAULT_DB_ALIAS]  # once: ``connection`` is a proxy, each use a look-up
    try:
        sql, positional = _pg_one_trip(db, len(partes), len(docs), children, named)
        with db.cursor() as cursor:
            cursor.execute(sql, positional)
            row = cursor.fetchone()
    except IntegrityError as exc:
        if getattr(exc.__cause__, "pgcode", None) == "23503":  # foreign_key_violation
            raise NotNumberedError from exc
        raise
    finally:
        raw = db.connection
        if raw is not None and raw.get_transaction_status() != TRANSACTION_STATUS_IDLE:
            # An error before the COMMIT left our BEGIN's transaction open (aborted). In
            # autocommit psycopg2's rollback() sends nothing: say it.
            with raw.cursor() as rollback:
                rollback.execute("ROLLBACK")
    if row is None:
        raise NotNumberedError
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
