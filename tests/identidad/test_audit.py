"""Audit trail (ENS-1): append-only, hash-chained; `audit_verify` names the first bad row.

Rows are appended with one INSERT and chained afterwards by the sequencer
(``audit_chain_pending``); verification walks the chain up to its head (issue 17 item 3)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from identidad.constants import ResultadoAuditoria
from identidad.models import AuditChainHead, AuditEntry
from identidad.services import audit_chain_pending, audit_record
from identidad.tasks import audit_verify_task

pytestmark = pytest.mark.django_db


def _write_entries(actor, n=5):
    """``n`` rows, chained by the sequencer; returned as stored."""
    written = [
        audit_record(
            actor=actor,
            action="expediente.read",
            object_type="expedientes.expediente",
            object_id=str(i),
            detail={"i": i},
        )
        for i in range(1, n + 1)
    ]
    audit_chain_pending()
    return [AuditEntry.objects.get(pk=e.pk) for e in written]


def _raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_ens1_each_row_records_who_when_what_and_result(ciudadana):
    entry = audit_record(
        actor=ciudadana,
        action="login",
        obj=ciudadana,
        result=ResultadoAuditoria.DENEGADO,
        ip="127.0.0.1",
    )
    assert entry.seq is None  # appended; the sequencer chains it
    assert audit_chain_pending() == 1
    entry.refresh_from_db()
    assert entry.seq == 1
    assert len(entry.hash) == 64
    assert entry.actor_repr == "12345678Z (12345678Z)"
    assert entry.object_type == "identidad.user"
    assert entry.object_id == str(ciudadana.pk)
    assert entry.result == "denegado"
    assert entry.created_at is not None


def test_an_intact_chain_verifies(ciudadana, capsys):
    _write_entries(ciudadana)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_rows_cannot_be_changed_or_deleted_through_the_orm(ciudadana):
    entry = _write_entries(ciudadana, 1)[0]
    entry.action = "other"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_audit_verify_names_the_first_altered_row(ciudadana):
    entries = _write_entries(ciudadana)
    _raw_sql("UPDATE identidad_auditentry SET object_id = %s WHERE id = %s", ["999", entries[2].pk])
    with pytest.raises(CommandError, match=r"row #3: altered"):
        call_command("audit_verify")


def test_audit_verify_names_a_missing_row(ciudadana):
    entries = _write_entries(ciudadana)
    _raw_sql("DELETE FROM identidad_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=r"row #2: missing"):
        call_command("audit_verify")


def test_a_row_rewritten_with_a_recomputed_hash_still_breaks_the_chain(ciudadana):
    """Recomputing the altered row's own hash is not enough: the next row points at the old one."""
    from identidad.audit import entry_hash, hashed_fields

    entries = _write_entries(ciudadana)
    victim = AuditEntry.objects.get(pk=entries[1].pk)
    victim.result = ResultadoAuditoria.OK
    victim.object_id = "forged"
    new_hash = entry_hash(prev_hash=victim.prev_hash, fields=hashed_fields(victim))
    _raw_sql(
        "UPDATE identidad_auditentry SET object_id = %s, hash = %s WHERE id = %s",
        ["forged", new_hash, victim.pk],
    )
    with pytest.raises(CommandError, match=r"row #3: chain broken"):
        call_command("audit_verify")


def test_an_audited_change_that_rolls_back_leaves_no_gap(ciudadana):
    _write_entries(ciudadana, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=ciudadana, action="doomed")
        raise RuntimeError
    third = audit_record(actor=ciudadana, action="after")
    call_command("audit_verify")  # chains what is pending first
    third.refresh_from_db()
    assert third.seq == 3


def test_the_periodic_review_records_its_verdict(ciudadana):
    """ENS-2: the daily task reviews the chain and leaves its verdict in the trail."""
    entries = _write_entries(ciudadana, 3)
    assert audit_verify_task.delay().get() is True
    _raw_sql("UPDATE identidad_auditentry SET action = %s WHERE id = %s", ["x", entries[0].pk])
    assert audit_verify_task.delay().get() is False
    last = AuditEntry.objects.order_by("-id").first()
    assert last.action == "audit.verify"
    assert last.result == ResultadoAuditoria.ERROR
    assert last.detail == {"seq": 1, "reason": "altered"}


def test_appending_a_row_is_one_insert_and_never_touches_the_chain_head(ciudadana):
    """Issue 10: auditing costs a row insert, not a queue behind one hot row."""
    _write_entries(ciudadana, 2)
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=ciudadana, action="expediente.read", object_id="7")
    statements = [q["sql"] for q in queries.captured_queries]
    writes = [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "identidad_auditentry"')
    assert not any(AuditChainHead._meta.db_table in sql for sql in statements)


def test_audit_verify_notices_rows_removed_at_the_end(ciudadana):
    """Issue 17 item 3: deleting the newest rows leaves an intact-looking chain; the head
    still names the last row, so the walk must reach it."""
    entries = _write_entries(ciudadana)
    _raw_sql(
        "DELETE FROM identidad_auditentry WHERE id IN (%s, %s)", [entries[3].pk, entries[4].pk]
    )
    with pytest.raises(CommandError, match=r"row #4: missing \(removed at the end"):
        call_command("audit_verify")


def test_audit_verify_notices_a_head_that_no_longer_matches_the_last_row(ciudadana):
    _write_entries(ciudadana, 3)
    AuditChainHead.objects.filter(pk=1).update(last_hash="f" * 64)
    with pytest.raises(CommandError, match=r"row #3: altered \(chain head\)"):
        call_command("audit_verify")


def test_a_row_committed_late_is_chained_after_those_chained_before(ciudadana):
    """The sequencer chains in the order it finds rows committed, not by insertion id."""
    early = audit_record(actor=ciudadana, action="early")
    _write_entries(ciudadana, 2)  # chains ``early`` and the two new rows
    late = audit_record(actor=ciudadana, action="late")
    assert audit_chain_pending() == 1
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.seq, late.seq) == (1, 4)
    call_command("audit_verify")
