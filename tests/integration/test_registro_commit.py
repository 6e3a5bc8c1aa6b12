"""The registration that owns its transaction sends the COMMIT with the numbering statement
(issue 10: the counter row is released by the server, not when the client is scheduled
again). Its rare paths on PostgreSQL: no counter yet, and midnight crossed between
preparing and numbering — nothing half-written, no number lost (REG-4)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from registro.models import Asiento, AsientoDocumento, AsientoInteresado, Contador
from registro.services import numbering
from tests.registro.conftest import (  # noqa: F401 - fixtures used below
    oficina_sede,
    urbanismo,
)
from tests.registro.conftest import register as register  # noqa: F401

pytestmark = pytest.mark.integration

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def owned(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the in-band COMMIT is PostgreSQL's (set DATABASE_URL)")
    assert not connection.in_atomic_block  # asiento_register opens the transaction
    monkeypatch.setattr(
        "registro.services.receipts.justificante_enqueue", lambda *, asiento_id: True
    )


def _no_orphans() -> None:
    entries = set(Asiento.objects.values_list("pk", flat=True))
    assert set(AsientoInteresado.objects.values_list("asiento_id", flat=True)) <= entries
    assert set(AsientoDocumento.objects.values_list("asiento_id", flat=True)) <= entries


def test_reg4_a_counter_this_process_believed_in_is_gone_the_entry_is_numbered_1(owned, register):
    first = register()
    assert first.numero.endswith("/00000001")
    # The counter disappears (a restore, a test flush) while the process still knows it.
    Asiento.objects.all().delete()
    Contador.objects.all().delete()
    assert numbering._counters, "the process remembers the counter it created"

    again = register()

    assert again.numero.endswith("/00000001")
    assert Contador.objects.get(year=again.year, direction="E").last_seq == 1
    assert Asiento.objects.count() == 1
    _no_orphans()


def test_reg4_midnight_crossed_before_numbering_starts_again_under_the_new_year(
    owned, register, monkeypatch
):
    from django.utils import timezone

    instants = iter(
        [
            datetime(2026, 12, 31, 23, 59, 59, 999000, tzinfo=MADRID),  # prepared
            datetime(2027, 1, 1, 0, 0, 0, 1000, tzinfo=MADRID),  # numbered: a new year
            datetime(2027, 1, 1, 0, 0, 0, 2000, tzinfo=MADRID),  # second attempt prepared
            datetime(2027, 1, 1, 0, 0, 0, 3000, tzinfo=MADRID),  # second attempt numbered
        ]
    )
    monkeypatch.setattr(timezone, "now", lambda: next(instants))

    asiento = register()

    assert asiento.numero == "2027/E/00000001"
    assert asiento.presented_at == datetime(2027, 1, 1, 0, 0, 0, 3000, tzinfo=MADRID)
    # The first attempt wrote nothing: no 2026 number taken, no orphaned party or document.
    assert not Contador.objects.filter(year=2026, last_seq__gt=0).exists()
    assert list(Asiento.objects.values_list("year", "seq")) == [(2027, 1)]
    _no_orphans()


def test_reg4_the_same_key_twice_in_owned_transactions_is_one_entry(owned, register):
    a = register(idempotency_key="doble-clic")
    b = register(idempotency_key="doble-clic")
    assert a.pk == b.pk
    assert Asiento.objects.count() == 1
    _no_orphans()


def test_reg4_an_owned_registration_is_one_round_trip_and_leaves_autocommit(owned, register):
    from django.test.utils import CaptureQueriesContext

    register()  # the counter of the year exists and this process knows it
    with CaptureQueriesContext(connection) as queries:
        asiento = register()
    assert len(queries) == 1, [q["sql"][:60] for q in queries.captured_queries]
    assert queries[0]["sql"].startswith("BEGIN; ") and "; COMMIT; " in queries[0]["sql"]
    assert asiento.numero.endswith("/00000002")
    stored = Asiento.objects.get(pk=asiento.pk)
    assert (stored.seq, stored.hash, stored.presented_at) == (2, asiento.hash, asiento.presented_at)
    assert [p.asiento_id for p in stored.partes.all()] == [asiento.pk]
    assert connection.get_autocommit() and not connection.in_atomic_block


def test_reg4_a_refused_one_trip_rolls_back_and_the_connection_goes_on(owned, register):
    from django.db import IntegrityError

    first = register(idempotency_key="una-vez")
    args, kwargs = _one_trip_args(first)
    # The repeated key fails inside the batch, after its BEGIN: nothing is kept, and the
    # connection is not left in the aborted transaction.
    with pytest.raises(IntegrityError):
        numbering.pg_register_one_trip(*args, **kwargs)
    assert connection.connection.get_transaction_status() == 0  # idle
    assert Asiento.objects.count() == 1
    assert AsientoInteresado.objects.count() == 1
    assert register().seq == 2  # and no number was lost


def _one_trip_args(existing):
    """The one-trip arguments of an entry with ``existing``'s idempotency key."""
    from django.utils import timezone

    from registro import chain
    from registro.models import Asiento as Model

    copy = Model.objects.get(pk=existing.pk)
    copy.pk = None
    partes = [
        AsientoInteresado(
            interesado_id=p.interesado_id, rol=p.rol, orden=p.orden, nif=p.nif, nombre=p.nombre
        )
        for p in existing.partes.all()
    ]
    digest = chain.asiento_digest(copy, partes, [])
    return (copy, numbering.pg_prepare_asiento(copy), partes, []), {
        "digest": digest,
        "day": timezone.localdate(),
    }


def _sent(register) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        register()
    return [q["sql"] for q in queries.captured_queries]


def test_the_registration_statements_are_prepared_once_per_connection(owned, register):
    """Issue 10: the server parses and plans the registration's statements once per
    connection; each registration then sends three EXECUTEs in its one round trip."""
    register()  # this connection prepares them
    (sent,) = _sent(register)
    assert sent.startswith("BEGIN; EXECUTE bs_") and "; COMMIT; EXECUTE bs_" in sent
    assert sent.count("EXECUTE bs_") == 3 and "INSERT INTO" not in sent
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%UPDATE registro_contador%"],
        )
        assert cursor.fetchone()[0] == 1
    connection.close()  # a new connection prepares them again, and numbers on
    entry = register()
    assert entry.seq == 3 and Asiento.objects.count() == 3
    _no_orphans()


def test_behind_pgbouncer_the_registration_sends_its_plain_statements(owned, register, settings):
    """Transaction pooling: a session's prepared statements are not there for the next
    transaction, so nothing is prepared (DATABASE_PGBOUNCER)."""
    settings.DATABASE_PGBOUNCER = True
    register()  # the year's counter is created
    (sent,) = _sent(register)
    assert "EXECUTE" not in sent and "UPDATE registro_contador" in sent
    assert register().seq == 3
