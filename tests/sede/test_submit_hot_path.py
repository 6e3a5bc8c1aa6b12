"""Issue 10 item 3: on the web filing path the registry's counter row is locked only for the
counter update and the entry insert. The submission row, the draft's new state and the
audit row are written earlier in the same transaction, so nothing else waits behind the
registry's one serial point, and a failure anywhere leaves nothing half-written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bilbao_sede.prepared import source_of
from identidad.models import AuditChainHead, AuditEntry
from registro.models import Asiento, Contador
from sede.constants import EstadoBorrador
from sede.models import Presentacion
from sede.services import borrador_submit
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import complete_instancia, new_draft
from tests.sede.test_submit import sin_firma as sin_firma  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SAVEPOINT_OPS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _under_the_counter_lock(statements: list[str]) -> list[str]:
    """The statements from the counter's UPDATE to the end of the transaction (a prepared
    statement's EXECUTE read as the SQL it runs; its PREPARE, sent before, runs nothing)."""
    counter = Contador._meta.db_table
    statements = [source_of(sql) for sql in statements if not sql.startswith("PREPARE ")]
    first = next(i for i, sql in enumerate(statements) if f"UPDATE {counter}" in sql)
    return [sql for sql in statements[first:] if not sql.startswith(SAVEPOINT_OPS)]


def test_only_the_counter_and_the_entry_are_written_under_the_counter_lock(
    sin_firma, ciudadana, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from expedientes.models import Expediente

    # The year's counter exists (it is created once, by the year's first entry).
    Contador.objects.create(year=timezone.localdate().year, direction="E")
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    with django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as queries:  # the filing's transaction
            presentacion = borrador_submit(
                borrador=borrador, user=ciudadana, language="es", session_level=2
            )
        assert not Expediente.objects.exists()
    # ...and the case file, opened after the commit (design.md step 6).
    assert Expediente.objects.get().asiento_origen_id == presentacion.asiento_id
    locked = _under_the_counter_lock([q["sql"] for q in queries.captured_queries])
    asiento_table = Asiento._meta.db_table
    assert not any("expedientes_" in sql for sql in locked), locked
    others = [
        sql
        for sql in locked[1:]
        if asiento_table not in sql.split("(")[0] and Contador._meta.db_table not in sql
    ]
    assert others == [], others
    if connection.vendor == "postgresql":  # one statement: number, head and entry row
        assert len(locked) == 1 and "INSERT INTO" in locked[0], locked
    for table in (
        Presentacion._meta.db_table,
        AuditEntry._meta.db_table,
        AuditChainHead._meta.db_table,
    ):
        assert not any(table in sql for sql in locked)

    # ...and everything was written, in the same transaction, with the entry's number.
    presentacion.refresh_from_db()
    assert presentacion.asiento.numero.endswith("/E/00000001")
    assert presentacion.borrador.estado == EstadoBorrador.PRESENTADO
    audit = AuditEntry.objects.get(action="sede.presentacion.submit")
    assert audit.object_id == str(presentacion.pk)
    assert audit.detail["asiento_id"] == presentacion.asiento_id


def test_a_failure_after_the_bookkeeping_leaves_nothing_half_written(
    sin_firma, ciudadana, monkeypatch
):
    """The number is taken last: when it fails, the submission, the draft's state and the
    audit row written before it roll back with the entry; the draft is kept as it was."""
    from registro.services import registration

    def counter_unavailable(*args, **kwargs):
        raise RuntimeError("counter unavailable")

    monkeypatch.setattr(registration, "take_number", counter_unavailable)  # SQLite
    monkeypatch.setattr(registration, "pg_number_and_insert", counter_unavailable)  # PostgreSQL
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    with pytest.raises(RuntimeError):
        borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)
    borrador.refresh_from_db()
    assert borrador.estado == EstadoBorrador.BORRADOR
    assert not Presentacion.objects.exists()
    assert not Asiento.objects.exists()
    assert not AuditEntry.objects.filter(action="sede.presentacion.submit").exists()
