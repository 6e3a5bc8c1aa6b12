"""REG-4 under concurrency on PostgreSQL: ≥16 writers, some rolling back after taking a
number, and still no gap and no duplicate in the registry numbering."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from registro.chain import asiento_digest, entry_hash
from registro.models import Asiento
from registro.services import DocumentoNuevo
from tests.registro.conftest import (  # noqa: F401 - fixtures used below
    make_pdf_bytes,
    oficina_sede,
    urbanismo,
)
from tests.registro.conftest import register as register  # noqa: F401

pytestmark = pytest.mark.integration

WRITERS = 16
PER_WRITER = 12


class RollbackError(Exception):
    pass


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the numbering concurrency test needs PostgreSQL (set DATABASE_URL)")


def test_reg4_concurrent_writers_with_rollbacks_leave_no_gap_and_no_duplicate(
    postgres, register, monkeypatch
):
    # Receipts are not under test here: in eager mode each commit would render and seal one
    # in this process. Publishing is recorded instead (the outbox state stays "pending").
    published: list[int] = []
    monkeypatch.setattr(
        "registro.services.receipts.justificante_enqueue",
        lambda *, asiento_id: published.append(asiento_id),
    )

    pdf = make_pdf_bytes()
    barrier = threading.Barrier(WRITERS)
    committed: list[str] = []
    rolled_back: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(PER_WRITER):
                docs = [DocumentoNuevo(nombre=f"d{index}-{i}.pdf", content=pdf)]
                if (index + i) % 4 == 0:
                    try:
                        with transaction.atomic():
                            taken = register(documentos=docs).numero
                            raise RollbackError
                    except RollbackError:
                        with lock:
                            rolled_back.append(taken)
                else:
                    asiento = register(documentos=docs, idempotency_key=f"k-{index}-{i}")
                    with lock:
                        committed.append(asiento.numero)
                # Same key from several writers at once: one entry.
                if i == 0:
                    same = register(idempotency_key="shared-double-click").numero
                    with lock:
                        committed.append(same)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert rolled_back, "some transactions must have taken a number and rolled back"

    year = timezone.localdate().year
    seqs = list(
        Asiento.objects.filter(year=year, direction="E")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    expected_entries = WRITERS * PER_WRITER - len(rolled_back) + 1
    assert seqs == list(range(1, expected_entries + 1)), "gap or duplicate in the numbering"
    # Every writer got a real number back; the shared key gave them all the same entry.
    counts = Counter(committed)
    assert len(counts) == expected_entries
    assert max(counts.values()) == WRITERS
    # The hash chain holds across the concurrent commits.
    prev = "0" * 64
    for asiento in Asiento.objects.filter(year=year, direction="E").order_by("seq"):
        digest = asiento_digest(asiento, asiento.partes.all(), asiento.documentos.all())
        assert asiento.prev_hash == prev
        assert asiento.hash == entry_hash(
            prev_hash=prev,
            numero=asiento.numero,
            presented_at=asiento.presented_at,
            effective_at=asiento.effective_at,
            digest=digest,
        )
        prev = asiento.hash
    assert sorted(set(published)) == sorted(
        Asiento.objects.filter(year=year).values_list("pk", flat=True)
    )
