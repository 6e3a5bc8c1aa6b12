"""Retention and disposal (EXP-6): archived with the series' retention; disposal only by an
explicit, logged act once the retention has ended and the rating authority allows it."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from expedientes.models import Eliminacion, Expediente, FlujoTramitacion, SerieDocumental
from expedientes.services import AccionNoPermitida, expediente_close, expediente_dispose
from identidad.models import AuditEntry

from .conftest import madrid
from .support import sign_resolution

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def serie(opened):
    serie = SerieDocumental.objects.create(
        code="licencias-obra-menor",
        name_es="Licencias de obra menor",
        retention_years=5,
        dictamen="Dictamen COVASPV 12/2020",
    )
    flujo = FlujoTramitacion.objects.create(procedimiento=opened.procedimiento, serie=serie)
    Expediente.objects.filter(pk=opened.pk).update(flujo=flujo)
    return serie


@pytest.fixture
def archivado(opened, serie, tramitador, firmante, run_on_commit):
    with time_machine.travel(madrid(2026, 4, 15, 10), tick=True):
        exp = Expediente.objects.get(pk=opened.pk)
        sign_resolution(exp, tramitador, firmante, run_on_commit)
        return expediente_close(expediente=exp, actor=tramitador)


def test_a_closed_file_is_archived_with_its_series_retention(archivado):
    assert archivado.archivado_at is not None
    assert archivado.conservar_hasta == date(2031, 4, 15)


def test_disposal_before_the_retention_ends_is_refused(archivado, jefa):
    with time_machine.travel(madrid(2031, 4, 14, 12)), pytest.raises(AccionNoPermitida):
        expediente_dispose(expediente=archivado, acuerdo="Acuerdo 1/2031", actor=jefa)
    assert not Eliminacion.objects.exists()
    assert Expediente.objects.get(pk=archivado.pk).eliminado_at is None


def test_disposal_needs_an_act(archivado, jefa):
    from django.core.exceptions import ValidationError

    with time_machine.travel(madrid(2031, 5, 1, 12)), pytest.raises(ValidationError):
        expediente_dispose(expediente=archivado, acuerdo=" ", actor=jefa)
    assert not Eliminacion.objects.exists()


def test_disposal_is_recorded_and_audited(archivado, jefa):
    with time_machine.travel(madrid(2031, 5, 1, 12)):
        eliminacion = expediente_dispose(
            expediente=archivado, acuerdo="Acuerdo de eliminación 3/2031", actor=jefa
        )
    assert eliminacion.identificador == archivado.identificador
    assert eliminacion.dictamen == "Dictamen COVASPV 12/2020"
    assert Expediente.objects.get(pk=archivado.pk).eliminado_at is not None
    assert AuditEntry.objects.filter(action="expedientes.expediente.dispose").count() == 1
    with time_machine.travel(madrid(2031, 5, 2, 12)), pytest.raises(AccionNoPermitida):
        expediente_dispose(expediente=archivado, acuerdo="otra vez", actor=jefa)


def test_a_permanent_series_is_never_disposed_of(archivado, serie, jefa):
    serie.retention_years = None
    serie.save()
    with time_machine.travel(madrid(2040, 1, 2, 12)), pytest.raises(AccionNoPermitida):
        expediente_dispose(expediente=archivado, acuerdo="Acuerdo", actor=jefa)


def test_an_open_file_cannot_be_disposed_of(opened, serie, jefa):
    with pytest.raises(AccionNoPermitida):
        expediente_dispose(expediente=opened, acuerdo="Acuerdo", actor=jefa)
