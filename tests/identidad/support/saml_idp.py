"""An in-process SAML 2.0 identity provider for the tests, Cl@ve-shaped (pysaml2 ``Server``).

Keys and self-signed certificates are generated here with ``cryptography``; the IdP signs
its responses and assertions with RSA-SHA256 and checks the SP's signed AuthnRequests
against the SP metadata the sede publishes.
"""

from __future__ import annotations

import base64
import datetime
import shutil
from pathlib import Path

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

IDP_ENTITY_ID = "https://pasarela.clave.test/metadata"
IDP_SSO_URL = "https://pasarela.clave.test/sso"
PERSON_IDENTIFIER = "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier"
GIVEN_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName"
FAMILY_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName"


def write_key_and_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA-2048 key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def idp_config(directory: Path, sp_metadata_file: Path | None) -> IdPConfig:
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    if not key_file.exists():
        write_key_and_certificate(directory, "idp")
    conf = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "service": {
            "idp": {
                "name": "Cl@ve (pruebas)",
                "endpoints": {
                    "single_sign_on_service": [
                        (IDP_SSO_URL, saml2.BINDING_HTTP_POST),
                        (IDP_SSO_URL, saml2.BINDING_HTTP_REDIRECT),
                    ],
                },
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "want_authn_requests_signed": True,
                "policy": {"default": {"attribute_restrictions": None, "lifetime": {"minutes": 5}}},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            }
        },
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "metadata": {"local": [str(sp_metadata_file)]} if sp_metadata_file else {},
    }
    config = IdPConfig()
    config.load(conf)
    return config


def write_idp_metadata(directory: Path) -> Path:
    path = directory / "idp-metadata.xml"
    path.write_bytes(create_metadata_string(None, config=idp_config(directory, None), valid=24))
    return path


class ClaveLikeIdP:
    """Parses the sede's AuthnRequest and answers with a signed eIDAS-style response."""

    def __init__(self, directory: Path, sp_metadata_file: Path):
        self.server = Server(config=idp_config(directory, sp_metadata_file))

    def parse_request(self, saml_request_b64: str):
        return self.server.parse_authn_request(saml_request_b64, saml2.BINDING_HTTP_POST)

    def response_for(
        self, request, *, nif: str, loa: str = "substantial", given="Miren", family="Etxeberria"
    ) -> str:
        message = request.message
        sp_entity_id = message.issuer.text
        xml = self.server.create_authn_response(
            identity={
                PERSON_IDENTIFIER: [f"ES/ES/{nif}"],
                GIVEN_NAME: [given],
                FAMILY_NAME: [family],
            },
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=f"clave-{nif}"),
            authn={
                "class_ref": f"http://eidas.europa.eu/LoA/{loa}",
                "authn_auth": IDP_ENTITY_ID,
            },
            sign_response=True,
            sign_assertion=True,
        )
        return str(xml)


def b64(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
