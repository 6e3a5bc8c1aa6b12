"""Querysets compiled to SQL once per process (issue 18).

On a hot path most of what a query costs is Django compiling it: a ``select_related`` over
four tables spends about a millisecond of Python naming, quoting and choosing converters for
its ~100 columns on every execution, for a statement the server runs in a tenth of that.
:class:`Prepared` compiles a queryset once per database connection and then runs that SQL
with each call's values, building the same instances (``select_related`` and annotations
included) with Django's own machinery (``from_db``, the field converters, the related
populators) — what iterating the queryset would have returned.

Only for querysets whose SQL does not depend on the values: equality look-ups, raw SQL
parameters, ``__in`` with a fixed number of values. The queryset is built once with marker
values; compiling checks that each marker is a parameter of the SQL exactly once, so a
queryset that transforms its values (``__contains`` escapes them, ``None`` becomes
``IS NULL``) is refused when it is first run, not silently wrong.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

_M = TypeVar("_M", bound=Model)

# Parameter markers: values no caller passes (the queryset is built once with them).
MARKERS = tuple(-(2**62) - i for i in range(16))

# The statements prepared on each PostgreSQL connection (by the driver's connection object:
# a new connection prepares them again).
_ON_SERVER: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[s%]")
# The SQL each statement name was prepared from (``source_of``).
_SOURCES: dict[str, str] = {}
_EXECUTE = re.compile(r"EXECUTE (bs_[0-9a-f]{24})\b")


def on_server(connection, sql: str) -> str:
    """``sql`` (with Django's ``%s`` placeholders) as the ``EXECUTE`` of a statement that
    PostgreSQL parsed and planned once for this connection (``PREPARE``, sent the first time):
    the server then skips parsing and, after a few runs, planning — for a join of four
    tables, planning cost more than running it. The same ``sql`` elsewhere (another
    database, or behind PgBouncer in transaction pooling, where a session's prepared
    statements are not there for the next transaction)."""
    from django.conf import settings

    if connection.vendor != "postgresql" or getattr(settings, "DATABASE_PGBOUNCER", False):
        return sql
    name, prepare, execute = _statement(sql)
    connection.ensure_connection()
    raw = connection.connection
    prepared = _ON_SERVER.get(raw)
    if prepared is None:
        prepared = _ON_SERVER[raw] = set()
    if name not in prepared:
        with connection.cursor() as cursor:
            cursor.execute(prepare)
        prepared.add(name)  # a session's prepared statement outlives a rollback
    return execute


@functools.lru_cache(maxsize=256)
def _statement(sql: str) -> tuple[str, str, str]:
    """(name, PREPARE, EXECUTE with ``%s`` placeholders) of ``sql``."""
    name = "bs_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
    numbers = itertools.count(1)
    text = _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%", sql)
    count = next(numbers) - 1
    execute = f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    _SOURCES[name] = sql
    return name, f"PREPARE {name} AS {text}", execute


def source_of(sql: str) -> str:
    """``sql`` as captured (``CaptureQueriesContext``, logs) with each ``EXECUTE`` of a
    statement prepared here shown as the SQL it runs (its parameters as placeholders)."""

    def shown(match: re.Match) -> str:
        name = match.group(1)
        return f"/* {name} */ {_SOURCES.get(name, '?')} /* with */"

    return _EXECUTE.sub(shown, sql)


@dataclass
class _Compiled:
    sql: str
    params: list
    slots: list[int]  # where each marker sits in ``params``
    converters: list  # [(column, (converters, expression))]
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list
    annotations: list[tuple[str, int]]
    for_update: bool


class Prepared:
    """``Prepared(lambda a, b: Model.objects.filter(x=a, y=b))(1, 2)`` returns the list of
    instances that ``Model.objects.filter(x=1, y=2)`` would. Values are integers, or text
    for a text column (the marker's text is then the parameter)."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._arity = build.__code__.co_argcount
        self._model: type[Model] | None = None
        self._for_write = False
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def _queryset(self) -> QuerySet:
        queryset = self._build(*MARKERS[: self._arity])
        self._model, self._for_write = queryset.model, getattr(queryset, "_for_write", False)
        return queryset

    def _db(self) -> str:
        model = self._model or self._queryset().model
        route = router.db_for_write if self._for_write else router.db_for_read
        return route(model) or DEFAULT_DB_ALIAS

    def _compile(self, connection, db: str) -> _Compiled:
        queryset = self._queryset()
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = []
        for marker in MARKERS[: self._arity]:
            found = [i for i, value in enumerate(params) if value in (marker, str(marker))]
            if len(found) != 1:
                raise ValueError(f"{queryset.model.__name__}: a value is not one parameter")
            slots.append(found[0])
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        columns = [s[0] for s in select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            converters=list(compiler.get_converters(columns).items()),
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[f[0].target.attname for f in select[start:end]],
            populators=get_related_populators(klass_info, select, db),  # type: ignore[call-arg]
            annotations=list(compiler.annotation_col_map.items()),
            for_update=bool(queryset.query.select_for_update),
        )

    def __call__(self, *values: int | str) -> list:
        db = self._db()
        connection = connections[db]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection, db)
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        sql = on_server(connection, compiled.sql)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        objects = []
        model, start, end, init_list = (
            compiled.model,
            compiled.start,
            compiled.end,
            compiled.init_list,
        )
        for row in rows:
            if compiled.converters:
                row = list(row)
                for pos, (converters, expression) in compiled.converters:
                    value = row[pos]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[pos] = value
            obj = model.from_db(db, init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, pos in compiled.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects


# --- Rows of another table in the same statement ------------------------------------------
#
# A statement returns one shape of row; the rows of a child table can come with it as a JSON
# array (``json_agg(row_to_json(t))`` in a subquery, e.g. ``registro.selectors``) and are
# turned here into the instances a query of that table would have built: one round trip
# instead of one per table.

# Fields whose JSON value is text (or a number) to parse: row_to_json writes timestamps,
# dates, times, decimals, uuids and intervals as strings. The other fields arrive as loaded.
_PARSED = frozenset(
    {
        "DateTimeField",
        "DateField",
        "TimeField",
        "DecimalField",
        "UUIDField",
        "DurationField",
        "FloatField",
    }
)
_PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "BooleanField",
        "CharField",
        "FileField",
        "ForeignKey",
        "OneToOneField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "TextField",
        "URLField",
        "JSONField",
        "GenericIPAddressField",
    }
)


@functools.cache
def _json_plan(model: type[Model]) -> tuple[list[str], list[tuple[Any, Any]]]:
    """(attnames, [(column, field to parse or None)]) of ``model``'s concrete fields; refuses
    a field whose database value needs a converter of its own (binary, a custom field)."""
    attnames, plan = [], []
    for field in model._meta.concrete_fields:
        kind = field.get_internal_type()
        custom = hasattr(field, "from_db_value") and not (
            kind == "JSONField" and getattr(field, "decoder", None) is None
        )
        if custom or (kind not in _PARSED and kind not in _PLAIN):
            raise ValueError(f"{model.__name__}.{field.name}: {kind} cannot be read from JSON")
        attnames.append(field.attname)
        plan.append((field.column, field if kind in _PARSED else None))
    return attnames, plan


def from_json_row(model: type[_M], data: dict, db: str = DEFAULT_DB_ALIAS) -> _M:
    """The instance of ``model`` that loading ``data`` — PostgreSQL's ``row_to_json`` of one
    of its rows — would have built (``from_db``, each value as the driver would give it)."""
    attnames, plan = _json_plan(model)
    values = []
    for column, field in plan:
        value = data[column]
        if field is not None and value is not None:
            value = field.to_python(value)
        values.append(value)
    return model.from_db(db, attnames, values)
