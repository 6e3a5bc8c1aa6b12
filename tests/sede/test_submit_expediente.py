"""Design.md step 6 after the filing's commit (issue 10 item 3, issue 11 item 1): the filing
opens exactly one case file once committed; until then the receipt page and Mi carpeta work
and say nothing false; a failure opening it never loses or un-registers the entry, and the
sweep opens what was left, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from expedientes.models import Expediente
from registro.models import Asiento
from sede.constants import EstadoBorrador
from sede.models import Presentacion
from sede.services import expedientes_pendientes_sweep
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import complete_instancia, new_draft
from tests.sede.test_submit import sin_firma as sin_firma  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=5)  # past the sweep's grace for the task published at commit


def _file(client, borrador):
    return client.post(reverse("sede:filing_submit", args=[borrador.public_id]))


def test_the_filing_opens_one_case_file_shown_on_the_receipt_and_in_mi_carpeta(
    sin_firma, client_as, ciudadana, django_capture_on_commit_callbacks
):
    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(client, borrador)
    assert response.status_code == 302
    expediente = Expediente.objects.get()
    presentacion = Presentacion.objects.get()
    assert expediente.asiento_origen_id == presentacion.asiento_id
    assert presentacion.expediente_ref == expediente.identificador
    assert expediente.identificador in client.get(response["Location"]).content.decode()
    carpeta = client.get(reverse("sede:mi_carpeta"))
    assert expediente.identificador in carpeta.content.decode()
    # The sweep, run afterwards, finds nothing to do.
    assert expedientes_pendientes_sweep(now=timezone.now() + LATER) == 0
    assert Expediente.objects.count() == 1


def test_before_the_case_file_exists_the_receipt_says_it_is_being_opened(
    sin_firma, client_as, ciudadana
):
    """The filing's transaction has committed but the task has not run yet (a busy worker):
    the citizen sees the entry's number and an honest line about the case file."""
    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    response = _file(client, borrador)  # the test's transaction: on_commit never runs
    presentacion = Presentacion.objects.get()
    assert presentacion.expediente_pendiente and not Expediente.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert presentacion.asiento.numero in html
    assert "Se está abriendo" in html
    carpeta = client.get(reverse("sede:mi_carpeta"))
    assert carpeta.status_code == 200
    assert presentacion.asiento.numero in carpeta.content.decode()


def test_a_failure_opening_the_case_file_keeps_the_entry_and_the_sweep_opens_it_once(
    sin_firma, client_as, ciudadana, monkeypatch, django_capture_on_commit_callbacks
):
    """REG-3: the entry is registered whatever happens after it; the case file follows."""
    import expedientes.services

    def broken(**kwargs):
        raise RuntimeError("expedientes unavailable")

    monkeypatch.setattr(expedientes.services, "expediente_open_from_asiento", broken)
    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(client, borrador)
    assert response.status_code == 302
    presentacion = Presentacion.objects.get()
    assert Asiento.objects.get().pk == presentacion.asiento_id
    assert presentacion.asiento.numero.endswith("/E/00000001")
    borrador.refresh_from_db()
    assert borrador.estado == EstadoBorrador.PRESENTADO
    assert presentacion.expediente_pendiente and not Expediente.objects.exists()
    assert client.get(response["Location"]).status_code == 200

    # The sweep fails too while expedientes is down, and keeps the submission pending...
    assert expedientes_pendientes_sweep(now=timezone.now() + LATER) == 0
    presentacion.refresh_from_db()
    assert presentacion.expediente_pendiente
    monkeypatch.undo()
    # ...leaves a young submission to the task published at its commit...
    assert expedientes_pendientes_sweep() == 0
    # ...then opens it, once, however often it runs.
    assert expedientes_pendientes_sweep(now=timezone.now() + LATER) == 1
    assert expedientes_pendientes_sweep(now=timezone.now() + LATER) == 0
    expediente = Expediente.objects.get()
    presentacion.refresh_from_db()
    assert expediente.asiento_origen_id == presentacion.asiento_id
    assert presentacion.expediente_ref == expediente.identificador
    assert not presentacion.expediente_pendiente
    assert expediente.identificador in client.get(response["Location"]).content.decode()


def test_the_task_run_again_opens_no_second_case_file(
    sin_firma, ciudadana, django_capture_on_commit_callbacks
):
    """A redelivered message (the broker's at-least-once) finds the work done."""
    from sede.services import borrador_submit
    from sede.tasks import presentacion_expediente_open_task

    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    with django_capture_on_commit_callbacks(execute=True):
        presentacion = borrador_submit(
            borrador=borrador, user=ciudadana, language="es", session_level=2
        )
    reference = Expediente.objects.get().identificador
    assert presentacion_expediente_open_task(presentacion.pk) == reference
    Presentacion.objects.filter(pk=presentacion.pk).update(expediente_pendiente=True)
    assert presentacion_expediente_open_task(presentacion.pk) == reference  # unique per entry
    assert Expediente.objects.count() == 1
