"""REG-5: the citizen who downloads the receipt while a worker is sealing it gets that
worker's seal (the download waits for it, bounded by ``SEDE_RECEIPT_WAIT_MS``) instead of a
provisional copy rendered meanwhile; past the wait, the provisional copy, marked as such.

A real second connection plays the worker: it holds the receipt's claim (the advisory lock of
``registro.services.receipts.justificante_issue``) and seals in its own transaction."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from registro.models import Asiento
from sede.models import Presentacion
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import complete_instancia, new_draft, sin_firma  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the claim is a PostgreSQL lock"),
]


class Worker(threading.Thread):
    """Holds the receipt's claim in its own connection for ``hold`` seconds, sealing the
    receipt (``seal``) or not, then commits (which releases the claim)."""

    def __init__(self, asiento_id: int, *, hold: float, seal: bool):
        super().__init__()
        self.asiento_id, self.hold, self.seal = asiento_id, hold, seal
        self.claimed = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from registro.services.receipts import RECEIPT_LOCK_CLASS, justificante_issue

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [RECEIPT_LOCK_CLASS, self.asiento_id]
                )
                self.claimed.set()
                time.sleep(self.hold)
                if self.seal:  # the same session may take its own claim again
                    justificante_issue(asiento_id=self.asiento_id)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.claimed.set()
            connections.close_all()


def _pending_filing(client, ciudadana, procedimiento, monkeypatch):
    from registro.services import receipts

    # The task is not published (the tasks run eagerly here): the Worker below seals.
    monkeypatch.setattr(receipts, "justificante_enqueue", lambda *, asiento_id: True)
    borrador = complete_instancia(new_draft(ciudadana, procedimiento))
    client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
    presentacion = Presentacion.objects.get()
    assert not presentacion.asiento.is_sealed
    return presentacion


def _download_while_claimed(client, presentacion, *, hold: float, seal: bool):
    """The receipt downloaded while a Worker holds the claim (and seals, or lets go):
    (response, seconds the download took)."""
    worker = Worker(presentacion.asiento_id, hold=hold, seal=seal)
    worker.start()
    worker.claimed.wait(5)
    began = time.monotonic()
    pdf = client.get(reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]))
    waited = time.monotonic() - began
    worker.join(10)
    assert worker.error is None
    return pdf, waited


def test_reg5_a_download_while_a_worker_seals_it_waits_for_that_seal(
    sin_firma,  # noqa: F811
    client_as,
    ciudadana,
    monkeypatch,
    settings,
):
    from firma.models import Documento
    from firma.validation import VALID, validate
    from registro.justificante import receipt_filename

    settings.SEDE_RECEIPT_WAIT_MS = 10_000
    client = client_as(ciudadana)
    presentacion = _pending_filing(client, ciudadana, sin_firma, monkeypatch)
    pdf, waited = _download_while_claimed(client, presentacion, hold=0.5, seal=True)
    assert pdf.status_code == 200
    assert validate(pdf.content).result == VALID  # the worker's seal, not a provisional copy
    assert waited < 10  # woken by the worker's commit, not by the timeout
    asiento = Asiento.objects.get()
    assert asiento.is_sealed
    assert Documento.objects.filter(name=receipt_filename(asiento)).count() == 1


def test_reg5_past_the_wait_the_download_is_the_marked_provisional_copy(
    sin_firma,  # noqa: F811
    client_as,
    ciudadana,
    monkeypatch,
    settings,
):
    from tests.registro.support import pdf_pages_text

    settings.SEDE_RECEIPT_WAIT_MS = 100
    client = client_as(ciudadana)
    presentacion = _pending_filing(client, ciudadana, sin_firma, monkeypatch)
    pdf, waited = _download_while_claimed(client, presentacion, hold=3, seal=False)
    assert waited < 2.5  # gave up after the wait, not when the worker let go
    text = " ".join(" ".join(pdf_pages_text(pdf.content)).split())
    assert "Copia provisional sin sello" in text
    assert not Asiento.objects.get().is_sealed  # left to the worker (and the sweep)
