"""Tamper evidence: registro_verify names the first altered or missing entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from registro.constants import Direccion
from registro.models import Asiento, AsientoDocumento, AsientoInteresado

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(register, urbanismo):
    entries = [register() for _ in range(5)]
    register(direction=Direccion.SALIDA, unidad_origen=urbanismo)
    return entries


def run_verify(capsys) -> str:
    with pytest.raises(CommandError):
        call_command("registro_verify")
    return capsys.readouterr().err


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_registry_verifies(five, capsys):
    call_command("registro_verify")
    assert "intact" in capsys.readouterr().out


def test_a_summary_changed_with_raw_sql_is_named(five, capsys):
    raw(
        f"UPDATE {Asiento._meta.db_table} SET resumen = %s WHERE id = %s", ["Otra cosa", five[2].pk]
    )
    assert f"FIRST BAD ENTRY {five[2].numero}: altered" in run_verify(capsys)


def test_a_changed_presentation_instant_is_named(five, capsys):
    raw(
        f"UPDATE {Asiento._meta.db_table} SET presented_at = %s WHERE id = %s",
        [five[1].presented_at.replace(year=2025), five[1].pk],
    )
    assert five[1].numero in run_verify(capsys)


def test_a_changed_party_is_named(five, capsys):
    raw(
        f"UPDATE {AsientoInteresado._meta.db_table} SET nif = %s WHERE asiento_id = %s",
        ["00000000T", five[3].pk],
    )
    assert f"{five[3].numero}: altered" in run_verify(capsys)


def test_a_swapped_document_hash_is_named(five, capsys):
    raw(
        f"UPDATE {AsientoDocumento._meta.db_table} SET sha256 = %s WHERE asiento_id = %s",
        ["f" * 64, five[0].pk],
    )
    assert f"{five[0].numero}: altered" in run_verify(capsys)


def test_a_deleted_entry_is_named_as_missing(five, capsys):
    for table in (AsientoInteresado, AsientoDocumento):
        raw(f"DELETE FROM {table._meta.db_table} WHERE asiento_id = %s", [five[2].pk])
    raw(f"DELETE FROM {Asiento._meta.db_table} WHERE id = %s", [five[2].pk])
    assert f"FIRST BAD ENTRY {five[2].numero}: missing" in run_verify(capsys)


def test_a_deleted_last_entry_is_named_as_missing(five, capsys):
    for table in (AsientoInteresado, AsientoDocumento):
        raw(f"DELETE FROM {table._meta.db_table} WHERE asiento_id = %s", [five[4].pk])
    raw(f"DELETE FROM {Asiento._meta.db_table} WHERE id = %s", [five[4].pk])
    assert f"FIRST BAD ENTRY {five[4].numero}: missing" in run_verify(capsys)


def test_a_recomputed_hash_still_breaks_the_next_link(five, capsys):
    """Rewriting an entry AND its own hash is caught by the next entry's prev_hash."""
    raw(
        f"UPDATE {Asiento._meta.db_table} SET resumen = %s, hash = %s WHERE id = %s",
        ["Otra cosa", "a" * 64, five[1].pk],
    )
    err = run_verify(capsys)
    assert five[1].numero in err


# --- Issue 17 item 3: the tail, with the counter rolled back, and the documents' bytes ---


def _remove_tail(entries, keep: int) -> None:
    """Delete every entry after ``keep`` and roll the counter back to the last one kept, as
    someone with write access to the database would do to hide recent filings."""
    from registro.models import Contador

    for victim in entries[keep:]:
        for table in (AsientoInteresado, AsientoDocumento):
            raw(f"DELETE FROM {table._meta.db_table} WHERE asiento_id = %s", [victim.pk])
        raw(f"DELETE FROM {Asiento._meta.db_table} WHERE id = %s", [victim.pk])
    last = Asiento.objects.get(pk=entries[keep - 1].pk)
    raw(
        f"UPDATE {Contador._meta.db_table} SET last_seq = %s, last_hash = %s "
        "WHERE year = %s AND direction = %s",
        [last.seq, last.hash, last.year, last.direction],
    )


def test_without_a_checkpoint_a_tail_removed_with_its_counter_goes_unnoticed(five, capsys):
    """Why the checkpoint exists: the chain and its head alone cannot see this."""
    _remove_tail(five, keep=3)
    call_command("registro_verify", sample=0)
    assert "intact" in capsys.readouterr().out


def test_a_tail_removed_with_its_counter_rolled_back_is_named_after_a_checkpoint(
    five, sello, capsys
):
    from registro.services.anchors import anclaje_seal

    anclaje_seal()
    call_command("registro_verify", sample=0)
    assert "intact" in capsys.readouterr().out
    _remove_tail(five, keep=3)
    err = run_verify(capsys)
    assert f"FIRST BAD ENTRY {five[4].numero}: missing (it was in the sealed checkpoint" in err


def test_a_checkpoint_record_rewritten_to_match_the_shortened_chain_is_refused(five, sello, capsys):
    """The row is only an index: the sealed PDF is what counts."""
    import hashlib

    from registro.models import Anclaje
    from registro.services.anchors import anclaje_seal, canonical, chain_heads

    anclaje = anclaje_seal()
    _remove_tail(five, keep=3)
    datos = {**anclaje.datos, **chain_heads()}
    digest = hashlib.sha256(canonical(datos)).hexdigest()
    Anclaje.objects.filter(pk=anclaje.pk).update(datos=datos, digest=digest)
    assert "the sealed checkpoint does not match its record" in run_verify(capsys)


def test_audit_rows_removed_at_the_end_with_the_head_rolled_back_are_named(
    five, sello, ciudadana, capsys
):
    from identidad.models import AuditChainHead, AuditEntry
    from identidad.services import audit_chain_pending, audit_record
    from registro.services.anchors import anclaje_seal

    for i in range(3):
        audit_record(actor=ciudadana, action="expediente.read", object_id=str(i))
    anclaje_seal()
    last, before = AuditEntry.objects.exclude(seq=None).order_by("-seq")[:2]
    raw("DELETE FROM identidad_auditentry WHERE id = %s", [last.pk])
    AuditChainHead.objects.filter(pk=1).update(last_seq=before.seq, last_hash=before.hash)
    audit_chain_pending()
    call_command("audit_verify")  # the audit chain alone looks whole...
    assert f"audit #{last.seq}: missing" in run_verify(capsys)  # ...the checkpoint does not


def test_document_bytes_changed_in_storage_are_named(five, capsys):
    from django.core.files.storage import default_storage

    doc = AsientoDocumento.objects.get(asiento=five[1])
    path = default_storage.path(doc.file.name)
    with open(path, "ab") as fh:
        fh.write(b"% tampered\n")
    call_command("registro_verify", sample=0)  # the chain covers the hash, not the bytes
    err = run_verify_with(capsys, all_documents=True)
    assert f"FIRST BAD ENTRY {five[1].numero}: document 1: bytes altered" in err


def run_verify_with(capsys, **options) -> str:
    with pytest.raises(CommandError):
        call_command("registro_verify", **options)
    return capsys.readouterr().err


def test_a_checkpoint_document_replaced_by_an_unsealed_one_is_refused(five, sello, capsys):
    """Forging a checkpoint needs the council's seal key: an unsealed PDF with the right
    embedded heads does not pass."""
    from django.core.files.storage import default_storage

    from firma.models import DocumentoVersion
    from registro.services.anchors import anclaje_seal, render_anclaje_pdf

    anclaje = anclaje_seal()
    version = DocumentoVersion.objects.get(pk=anclaje.version_id)
    forged = render_anclaje_pdf(anclaje.datos, anclaje.digest)
    with open(default_storage.path(version.content.name), "wb") as fh:
        fh.write(forged)
    assert "the checkpoint's seal is not valid" in run_verify(capsys)
