"""``registro.sir.statements.move_if`` outside a transaction (as a delivery runs it): the
ACK's record, its commit and the release of the delivery lock in one round trip — and
nothing written, the lock kept, when the exchange is no longer as it was claimed."""

from __future__ import annotations

import pytest
from django.db import connection

from identidad.models import AuditEntry
from registro.models import Intercambio, IntercambioEvento
from registro.sir import services, statements
from registro.sir.constants import EstadoIntercambio, Pendiente, Sentido, TipoMensaje

pytestmark = pytest.mark.django_db(transaction=True)
E = EstadoIntercambio
KEY = [services.ADVISORY_NAMESPACE, 987_654]


def _lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", KEY)
        return cursor.fetchone()[0]


def _unlock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", KEY)
        return cursor.fetchone()[0]


def _ack(row: Intercambio) -> tuple[bool, bool]:
    estado_anterior = row.estado
    evento, audit = services._transition(
        row, "ack", mensaje=TipoMensaje.ACK, pendiente="", codigo_error="", detalle="x"
    )
    return statements.move_if(
        row,
        names=("estado", "pendiente", "codigo_error", "ultimo_error", "updated_at"),
        increment=("intentos",),
        estado_anterior=estado_anterior,
        pendiente=Pendiente.FICHERO,
        evento=evento,
        audit=audit,
        release=KEY,
    )


def _row(**kwargs) -> Intercambio:
    return Intercambio.objects.create(
        **{
            "sentido": Sentido.SALIDA,
            "identificador": "O00099999_26_00000001",
            "entidad_destino": "O00001234",
            **kwargs,
        }
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statement")
def test_the_ack_is_recorded_committed_and_the_lock_released():
    row = _row(estado=E.PENDIENTE, pendiente=Pendiente.FICHERO)
    assert _lock()
    assert _ack(row) == (True, True)
    assert not _unlock()  # already released
    row.refresh_from_db()
    assert (row.estado, row.pendiente, row.intentos) == (E.ENVIADO, "", 1)
    assert IntercambioEvento.objects.get(intercambio=row).accion == "ack"
    assert AuditEntry.objects.get(action="registro.sir.ack").object_id == str(row.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statement")
def test_an_exchange_moved_meanwhile_is_not_written_and_keeps_its_lock():
    row = _row(estado=E.PENDIENTE, pendiente=Pendiente.FICHERO)
    Intercambio.objects.filter(pk=row.pk).update(estado=E.CONFIRMADO, pendiente="")
    assert _lock()
    assert _ack(row) == (False, False)
    assert _unlock()  # still held: its holder decides and releases it
    stored = Intercambio.objects.get(pk=row.pk)
    assert (stored.estado, stored.intentos) == (E.CONFIRMADO, 0)
    assert not IntercambioEvento.objects.exists()
    assert not AuditEntry.objects.filter(action="registro.sir.ack").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statement")
def test_the_ack_statement_finds_the_exchange_by_its_key_in_a_generic_plan():
    """A prepared statement soon runs a generic plan (its values unknown to the planner):
    the ACK's UPDATE must find the exchange by its primary key there, not walk the
    (direction, identifier) index over every exchange sent and filter on the key."""
    from bilbao_sede.prepared import on_server

    for n in range(1, 41):
        _row(estado=E.ENVIADO, identificador=f"O00099999_26_{n:08}")
    row = _row(estado=E.PENDIENTE, pendiente=Pendiente.FICHERO, identificador="O00099999_26_1")
    evento, audit = services._transition(row, "ack", mensaje=TipoMensaje.ACK, pendiente="")
    names = ("estado", "pendiente", "codigo_error", "ultimo_error", "updated_at")
    fields = {f.attname: f for f in Intercambio._meta.concrete_fields}
    params = [fields[n].get_db_prep_save(getattr(row, n), connection) for n in names]
    params += [row.pk, E.PENDIENTE, Pendiente.FICHERO]
    params += statements._dependant_values(evento, audit, [])
    sql = on_server(connection, statements._move_sql(names, ("intentos",), False))
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        finally:
            cursor.execute("RESET plan_cache_mode")
    update = plan.split("Update on registro_intercambio", 1)[1].split("CTE", 1)[0]
    assert "registro_intercambio_pkey" in update, plan
