"""REG-11: malicious code found after registration — the entry keeps its number, the document
is flagged and audited, and the correction request is left for the case-file side."""

from __future__ import annotations

import pytest

from identidad.models import AuditEntry
from registro import selectors
from registro.services import (
    DocumentoNuevo,
    documento_correccion_raised,
    documento_mark_unsafe,
    documentos_rescan,
)
from registro.tasks import documentos_rescan_task
from registro.verify import verify_all
from tests.registro import hostile

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(register):
    """An entry registered before the scanner knew the threat (no scanner configured)."""
    return register(
        documentos=[
            DocumentoNuevo(nombre="informe.pdf", content=hostile.pdf_with_eicar()),
            DocumentoNuevo(nombre="plano.pdf", content=hostile.text_pdf("Plano")),
        ]
    )


def test_reg11_a_rescan_flags_the_document_and_the_entry_keeps_its_number(
    registered, settings, tmp_path
):
    numero = registered.numero
    clamd = hostile.FakeClamd(tmp_path / "clamd.sock")
    settings.SEDE_SCAN_BACKEND = "uploads.scanning.ClamdBackend"
    settings.SEDE_CLAMD_SOCKET = clamd.path
    try:
        assert documentos_rescan_task() == 2
    finally:
        clamd.close()
    infected, clean = registered.documentos.order_by("orden")
    infected.refresh_from_db()
    clean.refresh_from_db()
    assert infected.unsafe_at is not None and infected.unsafe_threat == "Eicar-Test-Signature"
    assert clean.unsafe_at is None and clean.scanned_at is not None
    registered.refresh_from_db()
    assert registered.numero == numero
    assert verify_all() == []
    audit = AuditEntry.objects.get(action="registro.documento_unsafe")
    assert audit.object_id == str(infected.pk) and audit.detail["asiento"] == numero
    assert list(selectors.documentos_unsafe_pending()) == [infected]


def test_reg11_the_correction_request_hook_is_an_outbox(registered):
    doc = registered.documentos.order_by("orden").first()
    documento_mark_unsafe(documento_id=doc.pk, threat="Win.Test")
    documento_mark_unsafe(documento_id=doc.pk, threat="Win.Test")  # idempotent
    assert AuditEntry.objects.filter(action="registro.documento_unsafe").count() == 1
    assert documento_correccion_raised(documento_id=doc.pk) is True
    assert documento_correccion_raised(documento_id=doc.pk) is False
    assert not selectors.documentos_unsafe_pending().exists()


def test_without_a_scanner_the_rescan_does_nothing(registered):
    assert documentos_rescan() == 0


def test_an_unreachable_scanner_stops_the_rescan_without_flagging(registered, settings):
    settings.SEDE_SCAN_BACKEND = "uploads.scanning.ClamdBackend"
    settings.SEDE_CLAMD_SOCKET = "/nonexistent/clamd.sock"
    assert documentos_rescan() == 0
    assert not registered.documentos.filter(unsafe_at__isnull=False).exists()
