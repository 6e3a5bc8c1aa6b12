"""Concurrent actions on one case file (PostgreSQL): the row lock and the version check keep
it consistent — one of two clerks acting on the same version wins, the other is refused and
changes nothing; documents attached at once get distinct, gapless index positions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from expedientes.models import Evento, Expediente, ExpedienteDocumento
from expedientes.services import (
    AccionNoPermitida,
    expediente_attach_asiento,
    expediente_open_from_asiento,
    expediente_phase_set,
)
from tests.expedientes.conftest import (  # noqa: F401 - fixtures used below
    oficina_sede,
    procedimiento,
    urbanismo,
)
from tests.expedientes.conftest import register as register  # noqa: F401
from tests.expedientes.conftest import tramitador as tramitador  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency test needs PostgreSQL (set DATABASE_URL)")


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_clerks_on_the_same_version_one_wins_and_the_other_changes_nothing(
    postgres, register, tramitador
):
    exp = expediente_open_from_asiento(asiento=register())
    version = exp.version
    results = run_at_once(
        [
            lambda: expediente_phase_set(
                expediente=exp, fase="instruccion", actor=tramitador, expected_version=version
            ),
            lambda: expediente_phase_set(
                expediente=exp, fase="resolucion", actor=tramitador, expected_version=version
            ),
        ]
    )
    wins = [r for r in results if isinstance(r, Expediente)]
    refusals = [r for r in results if isinstance(r, AccionNoPermitida)]
    assert len(wins) == 1 and len(refusals) == 1, results
    fresh = Expediente.objects.get(pk=exp.pk)
    assert fresh.version == version + 1
    assert fresh.fase == wins[0].fase
    assert Evento.objects.filter(expediente=exp, tipo="fase").count() == 1


def test_entries_attached_at_once_get_distinct_gapless_positions(postgres, register, tramitador):
    exp = expediente_open_from_asiento(asiento=register())
    asientos = [register(resumen=f"Aportación {i}") for i in range(6)]
    results = run_at_once(
        [
            (lambda a=a: expediente_attach_asiento(expediente=exp, asiento=a, tipo="aportacion"))
            for a in asientos
        ]
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    ordenes = list(
        ExpedienteDocumento.objects.filter(expediente=exp)
        .order_by("orden")
        .values_list("orden", flat=True)
    )
    assert ordenes == list(range(1, 2 + 2 * 6 + 1))
    assert Expediente.objects.get(pk=exp.pk).version == exp.version + 6
