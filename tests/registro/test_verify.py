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
