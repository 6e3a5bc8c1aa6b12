"""firma.keys.pyhanko_adapter: the CMS it builds is pyHanko's, byte for byte.

The adapter builds the signing-certificate-v2 value once per signer and hands pyHanko signed
attributes parsed back from their DER (asn1crypto re-encodes built values on every dump).
These tests compare its output with pyHanko's own ``SimpleSigner`` on the same key: RSA
PKCS#1 v1.5 is deterministic, so the whole SignedData must be identical.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import pytest
from asn1crypto import cms
from pyhanko.sign import signers
from pyhanko.sign.ades.api import CAdESSignedAttrSpec
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from firma.keys import get_signer, keystore_config
from firma.policy import signing_policy
from firma.signing._common import cms_policy_identifier
from firma.signing.pades import policy_spec

DIGEST = hashlib.sha256(b"documento").digest()


@pytest.fixture
def reference_signer():
    """pyHanko's stock signer on the council seal's PKCS#12, policy built afresh."""
    config = keystore_config("sello")
    return signers.SimpleSigner.load_pkcs12(config["path"], passphrase=config["password"].encode())


def _sign(pyhanko_signer, *, policy) -> cms.ContentInfo:
    return asyncio.run(
        pyhanko_signer.async_sign(
            DIGEST,
            "sha256",
            use_pades=True,
            signed_attr_settings=PdfCMSSignedAttributes(cades_signed_attrs=policy),
        )
    )


def test_a_pades_cms_is_the_one_pyhanko_builds(reference_signer):
    ours = _sign(get_signer("sello").pyhanko_signer, policy=policy_spec())
    theirs = _sign(
        reference_signer,
        policy=CAdESSignedAttrSpec(
            signature_policy_identifier=cms_policy_identifier(signing_policy())
        ),
    )
    assert ours.dump() == theirs.dump()
    attrs = ours["content"]["signer_infos"][0]["signed_attrs"]
    types = [attr["type"].native for attr in attrs]
    assert "signing_certificate_v2" in types
    assert "signature_policy_identifier" in types


def test_a_cades_cms_with_signing_time_is_the_one_pyhanko_builds(reference_signer):
    at = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)

    def cades(pyhanko_signer, policy):
        return asyncio.run(
            pyhanko_signer.async_sign_general_data(
                b"documento",
                "sha256",
                detached=True,
                use_cades=True,
                signed_attr_settings=PdfCMSSignedAttributes(
                    signing_time=at, cades_signed_attrs=policy
                ),
            )
        )

    ours = cades(get_signer("sello").pyhanko_signer, policy_spec())
    theirs = cades(
        reference_signer,
        CAdESSignedAttrSpec(signature_policy_identifier=cms_policy_identifier(signing_policy())),
    )
    assert ours.dump() == theirs.dump()


def test_the_signing_certificate_value_is_reused_and_names_the_signer():
    signer = get_signer("sello")
    value = signer.pyhanko_signer.signing_certificate_v2
    assert value is signer.pyhanko_signer.signing_certificate_v2
    ess = value["certs"][0]
    assert ess["cert_hash"].native == hashlib.sha256(signer.certificate_der).digest()
    assert ess["issuer_serial"]["serial_number"].native == signer.certificate.serial_number
