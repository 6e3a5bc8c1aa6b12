"""Design.md step 6 on PostgreSQL: the case files of filings whose opening after the commit
was lost (broker down, worker killed) are opened by the sweep exactly once, even when two
sweeps (two beat runs, two workers) run at the same moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from expedientes.models import Expediente
from registro.models import Asiento
from sede.models import Presentacion
from sede.services import borrador_submit, expedientes_pendientes_sweep
from tests.integration.test_expedientes_concurrency import postgres, run_at_once
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import complete_instancia, new_draft
from tests.sede.test_submit import sin_firma as sin_firma  # noqa: F401 - fixture

__all__ = ["postgres"]

pytestmark = pytest.mark.integration


def test_two_sweeps_at_once_open_each_missing_case_file_once(
    postgres, sin_firma, ciudadana, monkeypatch
):
    import sede.services

    # The broker lost every message published at the commits.
    monkeypatch.setattr(sede.services, "expediente_enqueue", lambda **kwargs: False)
    for _ in range(4):
        borrador = complete_instancia(new_draft(ciudadana, sin_firma))
        borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)
    assert Presentacion.objects.filter(expediente_pendiente=True).count() == 4
    assert not Expediente.objects.exists()

    later = timezone.now() + timedelta(minutes=5)
    results = run_at_once([lambda: expedientes_pendientes_sweep(now=later)] * 2)
    assert all(isinstance(r, int) for r in results), results

    assert Expediente.objects.count() == 4
    assert set(Expediente.objects.values_list("asiento_origen_id", flat=True)) == set(
        Asiento.objects.values_list("pk", flat=True)
    )
    for presentacion in Presentacion.objects.all():
        assert not presentacion.expediente_pendiente
        assert (
            presentacion.expediente_ref
            == Expediente.objects.get(asiento_origen=presentacion.asiento_id).identificador
        )
