"""Issue 13: everything the council seals is long-term verifiable (FIR-7, FIR-9).

With a TSA the seal is PAdES B-T; with the seal chain's revocation data too (here the demo
CRL in FIRMA_CRLS) it is B-LTA: DSS with that data plus a document timestamp. A periodic job
adds a further document timestamp before the last one's certificate expires. Real HTTP TSA
(pyHanko's DummyTimeStamper behind a local server), real pyHanko validation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from firma.models import Resellado
from firma.services import csv_issue, documento_read, versiones_retimestamp
from firma.signing.seal import forget_revinfo, last_timestamp_expiry
from firma.validation import validate

from .conftest import PASSWORD
from .localpki import TIME_STAMPING, issue_cert, load_p12, tsa_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def tsa(settings, test_pki):
    cert, key, chain = load_p12(test_pki.pki.tsa_p12, PASSWORD)
    with tsa_server(cert, key, chain) as url:
        settings.FIRMA_TSA_URL = url
        forget_revinfo()
        yield {"url": url, "cert": cert}
    forget_revinfo()


def _demo_ca(test_pki) -> asn1_x509.Certificate:
    _, _, der = pem.unarmor(test_pki.pki.ca_pem.read_bytes())
    return asn1_x509.Certificate.load(der)


def _seal(sample_pdf: bytes):
    return csv_issue(content=sample_pdf, name="resolucion.pdf", mime="application/pdf", seal=True)


def test_with_a_tsa_and_the_chain_revocation_data_the_seal_is_b_lta(tsa, test_pki, sample_pdf):
    version = _seal(sample_pdf)
    data = documento_read(version)
    assert version.pades_level == "B-LTA"
    assert version.timestamp_expires_at is not None

    reader = PdfFileReader(io.BytesIO(data))
    signatures = list(reader.embedded_signatures)
    assert [s.sig_object.get("/Type") for s in signatures] == ["/Sig", "/DocTimeStamp"]
    assert "/DSS" in reader.root and reader.root["/DSS"].get("/CRLs")

    context = ValidationContext(trust_roots=[_demo_ca(test_pki)], allow_fetching=False)
    status = validate_pdf_signature(signatures[0], context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted

    report = validate(data)
    (sig,) = report.signatures
    assert report.indication == "TOTAL-PASSED", report.summary
    assert sig.timestamp_time is not None
    assert "sello de tiempo de confianza" in sig.validation_time_basis


def test_with_a_tsa_but_no_revocation_data_the_seal_is_b_t(tsa, settings, sample_pdf):
    settings.FIRMA_CRLS = []
    version = _seal(sample_pdf)
    assert version.pades_level == "B-T"
    report = validate(documento_read(version))
    assert report.indication == "TOTAL-PASSED", report.summary
    assert report.signatures[0].timestamp_time is not None


def test_without_a_tsa_the_seal_is_b_b_and_judged_at_the_current_time(sample_pdf):
    version = _seal(sample_pdf)
    assert version.pades_level == "B-B"
    assert version.timestamp_expires_at is None
    sig = validate(documento_read(version)).signatures[0]
    assert sig.indication == "TOTAL-PASSED"
    assert sig.timestamp_time is None and "fecha actual" in sig.validation_time_basis


@contextlib.contextmanager
def _tsa_valid_for(settings, test_pki, days: int):
    """A TSA whose certificate (from the demo CA) is valid for ``days`` from now."""
    cert, key = issue_cert(
        test_pki.ca_cert,
        test_pki.ca_key,
        f"TSA {days} DIAS",
        eku=[TIME_STAMPING],
        not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=days),
    )
    with tsa_server(cert, key, [test_pki.ca_cert]) as url:
        settings.FIRMA_TSA_URL = url
        yield url


def test_a_timestamped_seal_outlives_its_certificate(settings, test_pki, sample_pdf):
    """Judged after the seal certificate expired (but with the TSA's still valid): the
    timestamp proves it was sealed while the seal certificate was valid."""
    with _tsa_valid_for(settings, test_pki, days=8 * 365):
        data = documento_read(_seal(sample_pdf))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)  # seal cert: 3 years
    report = validate(data, validation_time=later)
    assert report.indication == "TOTAL-PASSED", report.summary
    assert "sello de tiempo de confianza" in report.signatures[0].validation_time_basis


def test_once_the_tsa_certificate_expires_only_a_newer_archive_timestamp_keeps_it(
    settings, test_pki, sample_pdf
):
    """The long-term chain: the signature timestamp's TSA expires in 2 years; judged in 4,
    only the document timestamp added by the re-timestamping job (newer TSA) proves the
    earlier timestamps existed while their certificates were valid (ETSI EN 319 102-1 §5.6)."""
    with _tsa_valid_for(settings, test_pki, days=2 * 365):
        version = _seal(sample_pdf)
    before = documento_read(version)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    stale = validate(before, validation_time=later)
    assert (stale.indication, stale.subindication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")

    settings.FIRMA_RETIMESTAMP_BEFORE_DAYS = 3 * 365  # its TSA expires within the margin
    with _tsa_valid_for(settings, test_pki, days=8 * 365):
        assert versiones_retimestamp() == 1
    version.refresh_from_db()
    renewed = documento_read(version)
    report = validate(renewed, validation_time=later)
    assert report.indication == "TOTAL-PASSED", report.summary


def test_an_untimestamped_seal_does_not_outlive_its_certificate(sample_pdf):
    data = documento_read(_seal(sample_pdf))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 30)
    report = validate(data, validation_time=later)
    assert (report.indication, report.subindication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")


def test_the_daily_job_re_timestamps_what_expires_soon_and_only_appends(tsa, sample_pdf):
    version = _seal(sample_pdf)
    before = documento_read(version)
    fresh = _seal(sample_pdf)  # not due: left alone
    type(version).objects.filter(pk=version.pk).update(
        timestamp_expires_at=timezone.now() + dt.timedelta(days=10)
    )

    assert versiones_retimestamp() == 1
    version.refresh_from_db()
    after = documento_read(version)
    assert after.startswith(before) and len(after) > len(before)
    (log,) = Resellado.objects.filter(version=version)
    assert log.sha256_after == version.sha256 != log.sha256_before
    assert version.timestamp_expires_at == last_timestamp_expiry(after)
    stamps = [
        s.sig_object.get("/Type") for s in PdfFileReader(io.BytesIO(after)).embedded_signatures
    ]
    assert stamps.count("/DocTimeStamp") == 2
    assert validate(after).indication == "TOTAL-PASSED"
    assert not Resellado.objects.filter(version=fresh).exists()
    assert versiones_retimestamp() == 0  # renewed: no longer due


@pytest.mark.parametrize("fmt", ["cades-detached", "xades-enveloped", "pades"])
def test_any_signature_with_the_council_seal_is_timestamped(fmt, tsa, sample_pdf, sample_xml):
    """Paths that call ``sign`` directly with the seal (ENI index, sede's application seal)
    get the timestamp too."""
    from firma.keys import get_signer
    from firma.signing import sign

    data = sample_pdf if fmt == "pades" else sample_xml
    result = sign(data, fmt=fmt, signer=get_signer("sello"))
    assert result.timestamped
    report = validate(result.data, detached_content=data if fmt == "cades-detached" else None)
    assert report.signatures[0].timestamp_time is not None, report.summary
    assert report.indication == "TOTAL-PASSED"


def test_the_admin_shows_the_level_and_the_renewals_of_a_version(admin_client, tsa, sample_pdf):
    version = _seal(sample_pdf)
    type(version).objects.filter(pk=version.pk).update(
        timestamp_expires_at=timezone.now() + dt.timedelta(days=10)
    )
    assert versiones_retimestamp() == 1
    html = admin_client.get(f"/admin/firma/documentoversion/{version.pk}/change/").content.decode()
    assert "B-LTA" in html
    assert Resellado.objects.get(version=version).sha256_after in html


def test_a_b_lta_seal_carries_its_own_revocation_data(tsa, settings, sample_pdf):
    """Validated with revocation on and no CRL configured nor host allowed: the DSS's
    embedded data is enough (embedded data first, issue 13 item 6)."""
    version = _seal(sample_pdf)
    assert version.pades_level == "B-LTA"
    settings.FIRMA_REVOCATION_CHECK = True
    settings.FIRMA_CRLS = []
    settings.FIRMA_REVOCATION_HOSTS = []
    report = validate(documento_read(version))
    assert report.indication == "TOTAL-PASSED", report.summary
    assert report.signatures[0].revocation_status == "good"
