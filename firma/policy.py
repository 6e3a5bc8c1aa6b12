"""Signature policies (legal.md FIR-1, FIR-2, FIR-4), built in and configured as data.

The AGE signature policy ("Política de Firma Electrónica y de Certificados de la
Administración General del Estado") is what Spanish administrations put in every
AdES-EPES signature. We sign with v1.9 and accept v1.8 when validating.

Other policies — Bilbao's own, once approved — are data, not code: a JSON file named by
``FIRMA_SIGNATURE_POLICIES_FILE`` lists them (OID, digest algorithm and digests, URI,
rules; see docs/firma-validacion.md), and ``FIRMA_SIGNING_POLICY`` names the OID the
council's own signatures carry. A signature under a policy we do not know is reported with
its identifier, never failed for that alone.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


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
    name: str = "AGE"
    # Rules the policy adds to a signature's validation (all optional):
    #   "require_timestamp": true       a signature timestamp (-T) is required
    #   "digest_algorithms": ["sha256"] accepted digest algorithms of the signature
    #   "require_signing_certificate": true  the signing-certificate attribute is required
    rules: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}" if self.version else self.name

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


_RULES = {"require_timestamp", "digest_algorithms", "require_signing_certificate"}


def policy_from_data(data: dict) -> SignaturePolicy:
    """A policy from its data (one entry of the ``FIRMA_SIGNATURE_POLICIES_FILE`` list)."""
    try:
        oid = normalize_oid(str(data["oid"]))
        digest = data.get("digest")
        hashes = dict(data.get("digests") or ({"cades": digest, "xades": digest} if digest else {}))
        for value in hashes.values():
            base64.b64decode(value, validate=True)
        rules = dict(data.get("rules") or {})
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"Signature policy {data!r}: {exc}") from exc
    unknown = set(rules) - _RULES
    if unknown:
        raise ImproperlyConfigured(
            f"Signature policy {oid}: unknown rules {sorted(unknown)}; use {sorted(_RULES)}."
        )
    if not hashes:
        raise ImproperlyConfigured(f"Signature policy {oid}: give its digest (base64).")
    return SignaturePolicy(
        version=str(data.get("version", "")),
        oid=oid,
        qualifier=str(data.get("uri", "")),
        hash_algorithm=str(data.get("digest_algorithm", "sha256")).lower().replace("-", ""),
        hashes=hashes,
        name=str(data.get("name", oid)),
        rules=rules,
    )


def configured_policies() -> dict[str, SignaturePolicy]:
    """Built-in AGE policies plus those in ``FIRMA_SIGNATURE_POLICIES_FILE`` (by OID)."""
    from django.conf import settings

    policies = dict(ACCEPTED_POLICIES)
    path = getattr(settings, "FIRMA_SIGNATURE_POLICIES_FILE", "") or ""
    if path:
        try:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"FIRMA_SIGNATURE_POLICIES_FILE {path}: {exc}") from exc
        if not isinstance(entries, list):
            raise ImproperlyConfigured("FIRMA_SIGNATURE_POLICIES_FILE must hold a JSON list.")
        for entry in entries:
            policy = policy_from_data(entry)
            policies[policy.oid] = policy
    return policies


def signing_policy() -> SignaturePolicy:
    """The policy the council's signatures carry (``FIRMA_SIGNING_POLICY``, AGE v1.9)."""
    from django.conf import settings

    oid = normalize_oid(getattr(settings, "FIRMA_SIGNING_POLICY", "") or SIGNING_POLICY.oid)
    policy = configured_policies().get(oid)
    if policy is None:
        raise ImproperlyConfigured(
            f"FIRMA_SIGNING_POLICY {oid} is neither an AGE policy nor in "
            "FIRMA_SIGNATURE_POLICIES_FILE."
        )
    return policy


def policy_for_oid(oid: str | None) -> SignaturePolicy | None:
    """The known policy with that OID (``urn:oid:`` prefix tolerated), else None."""
    if not oid:
        return None
    return configured_policies().get(normalize_oid(oid))


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
