"""``bilbao_sede.prepared.Prepared``: a queryset compiled once returns what the queryset
itself returns (select_related, annotations, converters), for every call's values."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.db.transaction import TransactionManagementError

from bilbao_sede.prepared import Prepared, from_json_row
from identidad.constants import TipoUnidad
from identidad.models import AuditEntry, Interesado, Unidad
from identidad.services import audit_record

pytestmark = pytest.mark.django_db


def _state(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_same_instances_as_the_queryset_for_each_calls_values():
    parent = Unidad.objects.create(
        dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD
    )
    units = [
        Unidad.objects.create(
            dir3=f"LA000{n}", name_es=f"Área {n}", kind=TipoUnidad.AREA, parent=parent
        )
        for n in range(3)
    ]

    def queryset(pk):
        return (
            Unidad.objects.select_related("parent")
            .annotate(label=Concat("dir3", Value(" "), "name_es"))
            .filter(pk=pk)
        )

    prepared = Prepared(queryset)
    for unit in [*units, parent]:
        got, expected = prepared(unit.pk), list(queryset(unit.pk))
        assert len(got) == len(expected) == 1
        assert _state(got[0]) == _state(expected[0])
        assert got[0].label == expected[0].label == f"{unit.dir3} {unit.name_es}"
        # select_related: the parent came with the row, no query for it
        parent_got = got[0].parent if got[0].parent_id else None
        assert (parent_got and _state(parent_got)) == (
            expected[0].parent and _state(expected[0].parent)
        )
    assert prepared(-1) == []


def test_text_values_and_json_columns_are_converted_as_the_orm_does():
    audit_record(actor=None, action="x.y", object_type="t", object_id="1", detail={"a": [1, 2]})
    prepared = Prepared(lambda action: AuditEntry.objects.filter(action=action))
    (entry,) = prepared("x.y")
    assert entry.detail == {"a": [1, 2]}
    assert prepared("x.z") == []


def test_a_queryset_whose_sql_depends_on_its_values_is_refused():
    Unidad.objects.create(dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD)
    prepared = Prepared(lambda text: Unidad.objects.filter(name_es__contains=text))
    with pytest.raises(ValueError, match="not one parameter"):
        prepared("Ayunta")


def test_select_for_update_needs_a_transaction_every_time():
    unit = Unidad.objects.create(dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD)
    prepared = Prepared(lambda pk: Unidad.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        assert [u.pk for u in prepared(unit.pk)] == [unit.pk]


@pytest.mark.django_db(transaction=True)
def test_select_for_update_outside_a_transaction_is_refused():
    unit = Unidad.objects.create(dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD)
    prepared = Prepared(lambda pk: Unidad.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        prepared(unit.pk)  # compiled inside one
    with pytest.raises(TransactionManagementError):
        prepared(unit.pk)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_statement_is_prepared_once_per_connection(settings):
    from django.db import connection

    from bilbao_sede.prepared import on_server

    if connection.vendor != "postgresql":
        assert on_server(connection, "SELECT %s") == "SELECT %s"
        return
    sql = "SELECT %s::int + 1, '%%'"

    def prepared_here() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%::int + 1%"],
            )
            return cursor.fetchone()[0]

    execute = on_server(connection, sql)
    assert execute.startswith("EXECUTE bs_") and execute.endswith("(%s)")
    with connection.cursor() as cursor:
        cursor.execute(execute, [41])
        assert cursor.fetchone() == (42, "%")
    assert on_server(connection, sql) == execute and prepared_here() == 1  # not again
    connection.close()  # a new connection prepares it again
    with connection.cursor() as cursor:
        cursor.execute(on_server(connection, sql), [1])
        assert cursor.fetchone() == (2, "%")
    settings.DATABASE_PGBOUNCER = True  # no session statements behind PgBouncer
    assert on_server(connection, sql) == sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row_to_json is PostgreSQL's")
def test_rows_read_as_json_are_the_instances_the_orm_loads():
    """``from_json_row``: a row that came as ``row_to_json`` (a child table's rows in the
    same statement) is the instance a query would have built — timestamps, JSON, nulls."""
    audit_record(actor=None, action="x.y", object_type="t", object_id="7", detail={"a": [1, "ñ"]})
    interesado = Interesado.objects.create(nif="12345678Z", nombre="Miren", apellido1="E")
    for model, pk in ((AuditEntry, AuditEntry.objects.get().pk), (Interesado, interesado.pk)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT row_to_json(t) FROM {model._meta.db_table} t WHERE id = %s", [pk]
            )
            (data,) = cursor.fetchone()
        got, expected = from_json_row(model, data), model.objects.get(pk=pk)
        assert _state(got) == _state(expected)
        assert got._state.adding is False and got._state.db == "default"


def test_a_model_with_a_field_json_cannot_carry_is_refused():
    from expedientes.models import IndiceElectronico

    with pytest.raises(ValueError, match="BinaryField"):
        from_json_row(IndiceElectronico, {})


def test_source_of_shows_an_execute_as_the_sql_it_runs():
    from bilbao_sede.prepared import _statement, source_of

    name, _prepare, execute = _statement("SELECT %s::int AS answer")
    shown = source_of(execute.replace("%s", "42"))
    assert shown == f"/* {name} */ SELECT %s::int AS answer /* with */(42)"
    assert source_of("SELECT 1") == "SELECT 1"
