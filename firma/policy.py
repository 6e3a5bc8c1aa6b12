"""Signature policy constants (legal.md FIR-1, FIR-2, FIR-4).

The AGE signature policy ("Política de Firma Electrónica y de Certificados de la
Administración General del Estado") is what Spanish administrations put in every
AdES-EPES signature. We sign with v1.9 and accept v1.8 when validating.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class SignaturePolicy:
    """One version of the AGE signature policy.

    ``hashes`` maps a format family ("xades", "cades"; PAdES uses "cades") to the
    base64 SHA-1 digest of the policy document as published for that family.
    """

    version: str
    oid: str
    qualifier: str
    hash_algorithm: str
    hashes: dict[str, str]

    @property
    def urn(self) -> str:
        """XAdES form of the identifier (``urn:oid:...``)."""
        return f"urn:oid:{self.oid}"

    def hash_for(self, family: str) -> str:
        return self.hashes.get(family) or self.hashes["cades"]

    def hash_bytes_for(self, family: str) -> bytes:
        return base64.b64decode(self.hash_for(family))


POLICY_QUALIFIER_URL = "https://sede.060.gob.es/politica_de_firma_anexo_1.pdf"

#: FIR-1: the policy every signature we make carries.
AGE_POLICY_V1_9 = SignaturePolicy(
    version="1.9",
    oid="2.16.724.1.3.1.1.2.1.9",
    qualifier=POLICY_QUALIFIER_URL,
    hash_algorithm="sha1",
    hashes={"xades": "G7roucf600+f03r/o0bAOQ6WAs0=", "cades": "G7roucf600+f03r/o0bAOQ6WAs0="},
)

#: FIR-2: legacy v1.8, accepted when validating.
AGE_POLICY_V1_8 = SignaturePolicy(
    version="1.8",
    oid="2.16.724.1.3.1.1.2.1.8",
    qualifier=POLICY_QUALIFIER_URL,
    hash_algorithm="sha1",
    hashes={"xades": "V8lVVNGDCPen6VELRD1Ja8HARFk=", "cades": "7SxX3erFuH31TvAw9LZ70N7p1vA="},
)

SIGNING_POLICY = AGE_POLICY_V1_9
ACCEPTED_POLICIES: dict[str, SignaturePolicy] = {
    p.oid: p for p in (AGE_POLICY_V1_9, AGE_POLICY_V1_8)
}


def policy_for_oid(oid: str | None) -> SignaturePolicy | None:
    """The accepted policy with that OID (``urn:oid:`` prefix tolerated), else None."""
    if not oid:
        return None
    return ACCEPTED_POLICIES.get(normalize_oid(oid))


def normalize_oid(oid: str) -> str:
    oid = oid.strip()
    for prefix in ("urn:oid:", "URN:OID:", "oid:"):
        if oid.startswith(prefix):
            return oid[len(prefix) :]
    return oid


# --- ENI TipoFirma (FIR-4, firmasEni.xsd) ---------------------------------------------
TF_CSV = "TF01"
TF_XADES_DETACHED = "TF02"  # XAdES internally detached
TF_XADES_ENVELOPED = "TF03"
TF_CADES_DETACHED = "TF04"
TF_CADES_ATTACHED = "TF05"
TF_PADES = "TF06"

FORMATS = ("pades", "xades-enveloped", "xades-detached", "cades-detached", "cades-attached")

TIPO_FIRMA_BY_FORMAT = {
    "pades": TF_PADES,
    "xades-enveloped": TF_XADES_ENVELOPED,
    "xades-detached": TF_XADES_DETACHED,
    "cades-detached": TF_CADES_DETACHED,
    "cades-attached": TF_CADES_ATTACHED,
}
