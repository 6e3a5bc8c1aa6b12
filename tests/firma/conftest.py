"""Fixtures for firma: a demo PKI made once per session, settings pointing at it, documents.

The PKI (tmp dir) holds the demo CA, the council seal, staff signers, a TSA certificate and,
for the failure cases, an expired signer ("caducado"), a revoked one ("revocado", listed in
crl.pem) and a signer from a CA nobody trusts ("ajeno").
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from firma.keys import clear_signer_cache
from firma.keys.demo_pki import (
    DemoPKI,
    ensure_demo_pki,
    issue,
    make_ca,
    make_crl,
    pkcs12_bytes,
    simple_subject,
)
from firma.signing.signer_check import forget_checks
from firma.validation.trust import clear_trust_cache

PASSWORD = "test-firma"  # noqa: S105


@dataclass
class FirmaPKI:
    pki: DemoPKI
    ca_cert: object
    ca_key: object
    revoked_serial: int
    unknown_ca_pem: Path

    @property
    def directory(self) -> Path:
        return self.pki.directory


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory) -> FirmaPKI:
    pki = ensure_demo_pki(tmp_path_factory.mktemp("pki"), password=PASSWORD)
    ca_cert, ca_key = pki.load_ca()
    now = dt.datetime.now(dt.UTC)
    staff_dir = pki.directory / "staff"

    expired, expired_key = issue(
        ca_cert,
        ca_key,
        simple_subject("FIRMANTE CADUCADO (DEMO)"),
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=30),
    )
    (staff_dir / "caducado.p12").write_bytes(
        pkcs12_bytes("caducado", expired_key, expired, [ca_cert], PASSWORD)
    )
    revoked, revoked_key = issue(ca_cert, ca_key, simple_subject("FIRMANTE REVOCADO (DEMO)"))
    (staff_dir / "revocado.p12").write_bytes(
        pkcs12_bytes("revocado", revoked_key, revoked, [ca_cert], PASSWORD)
    )
    pki.crl_pem.write_bytes(
        make_crl(ca_cert, ca_key, [revoked.serial_number]).public_bytes(serialization.Encoding.PEM)
    )
    other_ca, other_key = make_ca("AC AJENA (DEMO)")
    stranger, stranger_key = issue(other_ca, other_key, simple_subject("FIRMANTE AJENO (DEMO)"))
    (staff_dir / "ajeno.p12").write_bytes(
        pkcs12_bytes("ajeno", stranger_key, stranger, [other_ca], PASSWORD)
    )
    unknown_ca_pem = pki.directory / "ajena.pem"
    unknown_ca_pem.write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    return FirmaPKI(pki, ca_cert, ca_key, revoked.serial_number, unknown_ca_pem)


@pytest.fixture(autouse=True)
def firma_settings(settings, test_pki):
    """Point FIRMA_* at the session PKI; revocation off, no TSA (tests switch them on)."""
    settings.FIRMA_PKI_DIR = test_pki.directory
    settings.FIRMA_KEYSTORES = test_pki.pki.keystores()
    settings.FIRMA_TRUST_ANCHORS = str(test_pki.pki.ca_pem)
    settings.FIRMA_CRLS = [str(test_pki.pki.crl_pem)]
    settings.FIRMA_REVOCATION_CHECK = False
    settings.FIRMA_TSA_URL = ""
    yield settings
    clear_signer_cache()
    clear_trust_cache()
    forget_checks()


def make_pdf(text: str = "Resolución de prueba", pages: int = 1) -> bytes:
    """A small valid PDF with ``pages`` pages of Helvetica text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils import writer as pdf_writer

    w = pdf_writer.PdfFileWriter()
    font = w.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
                generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for number in range(1, pages + 1):
        line = f"{text} - {number}".encode("cp1252", "replace")
        stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (" + line + b") Tj ET")
        resources = generic.DictionaryObject(
            {
                generic.NameObject("/Font"): generic.DictionaryObject(
                    {generic.NameObject("/F1"): font}
                )
            }
        )
        w.insert_page(
            pdf_writer.PageObject(
                contents=w.add_object(stream), media_box=[0, 0, 595, 842], resources=resources
            )
        )
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return make_pdf()


SAMPLE_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Resolucion xmlns="urn:bilbao:test"><Numero>2026/0001</Numero>'
    b"<Texto>Se concede la licencia.</Texto></Resolucion>"
)


@pytest.fixture
def sample_xml() -> bytes:
    return SAMPLE_XML
