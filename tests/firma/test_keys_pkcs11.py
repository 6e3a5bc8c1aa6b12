"""PKCS#11 signing with SoftHSM2 (an HSM in production). Issue 4: runs in CI.

The token is created in a temporary directory with ``softhsm2-util``; the key pair is
generated *inside* the token (it never leaves it) and the demo CA certifies its public key.
SOFTHSM2_CONF is set before the PKCS#11 library is first loaded in this process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from firma.keys import KeyStoreError, get_signer, load_signer
from firma.keys.demo_pki import issue, seal_subject
from firma.signing import sign
from firma.validation import validate

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "bilbao-test"
SO_PIN = "87654321"
PIN = "123456"
KEY_LABEL = "sello-hsm"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory, test_pki):
    if not Path(MODULE).exists() or shutil.which("softhsm2-util") is None:
        pytest.skip(f"SoftHSM2 is not installed ({MODULE}); apt-get install softhsm2")
    pkcs11 = pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    from firma.keys.pkcs11 import _libs, get_lib

    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # before the library is loaded
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--so-pin",
            SO_PIN,
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    already_loaded = MODULE in _libs
    lib = get_lib(MODULE)
    if already_loaded:
        lib.reinitialize()  # a token created after loading is invisible until then

    token = lib.get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=KEY_LABEL, id=b"\x01", store=True
        )
        public_key = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        ).public_key()
        cert, _ = issue(
            test_pki.ca_cert,
            test_pki.ca_key,
            seal_subject("SELLO DE ORGANO EN HSM (DEMO)"),
            public_key=public_key,
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    chain = base / "chain.pem"
    chain.write_bytes(test_pki.pki.ca_pem.read_bytes())
    yield {
        "backend": "pkcs11",
        "module": MODULE,
        "token_label": TOKEN,
        "key_label": KEY_LABEL,
        "pin": PIN,
        "chain_path": str(chain),
    }
    del pkcs11
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def hsm_settings(settings, softhsm_token):
    settings.FIRMA_KEYSTORES = {**settings.FIRMA_KEYSTORES, "sello": softhsm_token}
    return softhsm_token


@pytest.mark.parametrize("fmt", ["pades", "xades-enveloped", "cades-detached"])
def test_the_seal_on_the_hsm_signs_and_the_signature_validates(hsm_settings, fmt, sample_pdf):
    data = {"pades": sample_pdf, "xades-enveloped": b"<acto><n>1</n></acto>"}.get(fmt, b"acto")
    signer = get_signer("sello")
    assert type(signer).__name__ == "PKCS11Signer"
    assert "SELLO DE ORGANO EN HSM" in signer.subject

    result = sign(data, fmt=fmt, signer=signer, reason="Sello de órgano")
    report = validate(result.data, detached_content=data if fmt == "cades-detached" else None)

    assert report.result == "valid", report.summary
    assert report.signatures[0].signer_name == "SELLO DE ORGANO EN HSM (DEMO)"
    assert report.signatures[0].policy_oid == "2.16.724.1.3.1.1.2.1.9"


def test_the_hsm_signer_is_loaded_once(hsm_settings):
    assert get_signer("sello") is get_signer("sello")


def test_a_wrong_pin_is_a_clear_error(softhsm_token):
    with pytest.raises(KeyStoreError, match="wrong PIN"):
        load_signer("sello", {**softhsm_token, "pin": "000000"})


def test_an_unknown_token_label_is_a_clear_error(softhsm_token):
    with pytest.raises(KeyStoreError, match="no single token labelled 'nope'"):
        load_signer("sello", {**softhsm_token, "token_label": "nope"})


def test_an_unknown_key_label_is_a_clear_error(softhsm_token):
    with pytest.raises(KeyStoreError, match="no single private key labelled 'nope'"):
        load_signer("sello", {**softhsm_token, "key_label": "nope"})
