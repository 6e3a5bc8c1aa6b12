"""Key stores and the demo PKI command."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.core.management import call_command

from firma.keys import KeyStoreError, load_signer


def test_firma_demo_pki_creates_ca_seal_and_staff_and_is_idempotent(tmp_path, settings):
    target = tmp_path / "pki"
    call_command("firma_demo_pki", dir=str(target), password="p")
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert {"ca.pem", "sello.p12", "tsa.p12", "crl.pem", "staff/funcionaria.p12"} <= files
    before = {name: (target / name).read_bytes() for name in files}

    call_command("firma_demo_pki", dir=str(target), password="p")
    after = {name: (target / name).read_bytes() for name in files}
    assert before == after  # nothing regenerated

    seal = load_signer(
        "sello", {"backend": "pkcs12", "path": str(target / "sello.p12"), "password": "p"}
    )
    assert seal.certificate.issuer == x509.load_pem_x509_certificate(before["ca.pem"]).subject
    org_id = seal.certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_IDENTIFIER)
    assert org_id[0].value == "VATES-P4802000D"


def test_a_missing_pkcs12_file_names_the_command_to_run(tmp_path):
    with pytest.raises(KeyStoreError, match="firma_demo_pki"):
        load_signer("sello", {"backend": "pkcs12", "path": str(tmp_path / "none.p12")})


@pytest.mark.parametrize("name", ["../sello", "staff/../../x", "", ".hidden", "a b"])
def test_a_signer_name_cannot_escape_the_keystore_directory(name):
    from firma.keys import get_signer

    with pytest.raises(KeyStoreError, match="Invalid signer name"):
        get_signer(name)


def test_an_unknown_backend_is_a_clear_error():
    with pytest.raises(KeyStoreError, match="unknown backend"):
        load_signer("sello", {"backend": "nope.Backend"})


class TestSystemChecks:
    def test_the_test_configuration_passes(self, settings):
        from firma.checks import check_keystores, check_trust_and_tsa

        settings.FIRMA_TSA_URL = "http://127.0.0.1:9/tsa"
        assert check_keystores() == []
        assert check_trust_and_tsa() == []

    def test_without_a_tsa_seals_are_not_long_term_and_a_check_says_so(self, settings):
        from firma.checks import check_trust_and_tsa

        settings.FIRMA_TSA_URL = ""
        settings.DEBUG = False
        assert [m.id for m in check_trust_and_tsa()] == ["firma.W010"]

    def test_revocation_on_with_nothing_to_check_against_is_warned(self, settings):
        from firma.checks import check_trust_and_tsa

        settings.FIRMA_TSA_URL = "http://127.0.0.1:9/tsa"
        settings.FIRMA_REVOCATION_CHECK = True
        settings.FIRMA_CRLS = []
        settings.FIRMA_REVOCATION_HOSTS = []
        assert [m.id for m in check_trust_and_tsa()] == ["firma.W011"]
        settings.FIRMA_REVOCATION_HOSTS = ["ocsp.izenpe.com"]
        assert check_trust_and_tsa() == []

    def test_a_missing_seal_is_an_error(self, settings):
        from firma.checks import check_keystores

        settings.FIRMA_KEYSTORES = {}
        assert [m.id for m in check_keystores()] == ["firma.E001"]

    def test_bad_entries_are_reported(self, settings, tmp_path):
        from firma.checks import check_keystores, check_trust_and_tsa

        settings.FIRMA_KEYSTORES = {
            "sello": {"backend": "pkcs11", "module": "/x.so"},
            "otro": {"backend": "nope"},
            "viejo": {"backend": "pkcs12", "path": str(tmp_path / "none.p12")},
        }
        settings.FIRMA_TRUST_ANCHORS = str(tmp_path / "none.pem")
        settings.FIRMA_TSA_URL = "ftp://tsa"
        ids = {m.id for m in check_keystores()} | {m.id for m in check_trust_and_tsa()}
        assert ids == {"firma.E002", "firma.E003", "firma.W001", "firma.W003", "firma.E004"}
