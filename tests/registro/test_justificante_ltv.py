"""Issue 13, done when: a sealed receipt (REG-5) validates with pyHanko as intact, trusted
(with the demo CA) and timestamped — the receipt as registro issues it, sealed through
firma's seal API with a real RFC 3161 TSA over HTTP (the demo PKI's TSA key)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from firma.models import DocumentoVersion
from firma.signing.seal import forget_revinfo
from firma.validation import validate
from registro.justificante import sealed_receipt_bytes
from registro.models import Asiento
from tests.conftest import DEMO_PKI_PASSWORD
from tests.firma.localpki import load_p12, tsa_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def sello_con_tsa(sello, settings):
    cert, key, chain = load_p12(sello.tsa_p12, DEMO_PKI_PASSWORD)
    with tsa_server(cert, key, chain) as url:
        settings.FIRMA_TSA_URL = url
        settings.FIRMA_CRLS = [str(sello.crl_pem)]  # the seal chain's revocation data (B-LT)
        forget_revinfo()
        yield sello
    forget_revinfo()


def _sealed_receipt(register, django_capture_on_commit_callbacks) -> tuple[Asiento, bytes]:
    with django_capture_on_commit_callbacks(execute=True):
        asiento = register()
    asiento = Asiento.objects.get(pk=asiento.pk)
    data = sealed_receipt_bytes(asiento)
    assert data is not None, "the receipt was not sealed"
    return asiento, data


def test_reg5_a_sealed_receipt_is_intact_trusted_and_timestamped_for_pyhanko(
    sello_con_tsa, register, django_capture_on_commit_callbacks
):
    asiento, data = _sealed_receipt(register, django_capture_on_commit_callbacks)
    version = DocumentoVersion.objects.get(pk=asiento.justificante_version_id)
    assert version.pades_level == "B-LTA"

    _, _, der = pem.unarmor(sello_con_tsa.ca_pem.read_bytes())
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(data))
    seal, *archive = reader.embedded_signatures
    status = validate_pdf_signature(seal, context)
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert "SELLO" in status.signing_cert.subject.human_friendly.upper()
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    assert [s.sig_object.get("/Type") for s in archive] == ["/DocTimeStamp"]
    assert "/DSS" in reader.root

    report = validate(data)
    assert report.indication == "TOTAL-PASSED", report.summary
    assert report.signatures[0].timestamp_time is not None


def test_reg5_the_receipt_stays_verifiable_after_the_seal_certificate_expires(
    sello, settings, register, django_capture_on_commit_callbacks
):
    """With a TSA whose certificate outlives the seal's (3 years), the receipt judged in 4
    years is still valid: its timestamp proves when it was sealed."""
    from tests.firma.localpki import TIME_STAMPING, issue_cert

    ca_cert, ca_key = sello.load_ca()
    cert, key = issue_cert(
        ca_cert,
        ca_key,
        "TSA LARGA (DEMO)",
        eku=[TIME_STAMPING],
        not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=8 * 365),
    )
    with tsa_server(cert, key, [ca_cert]) as url:
        settings.FIRMA_TSA_URL = url
        _, data = _sealed_receipt(register, django_capture_on_commit_callbacks)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    report = validate(data, validation_time=later)
    assert report.indication == "TOTAL-PASSED", report.summary
