"""Cryptographic constraints: which algorithms and key sizes are acceptable, and until when.

The table is modelled on ETSI TS 119 312 and the default validation policy of the EU DSS
validator (``AlgoExpirationDate``). Each entry says until when material (a signature, a
certificate) made with that algorithm or key size is accepted; ``None`` means no end date
is set yet. It is documented in docs/firma-validacion.md: change both together.

How a failing entry is judged (EN 319 102-1 §5.2.8 and §5.6.2.5):

* the material was certainly made after the end date (for a signature, the signer's
  certificate was issued after it; for a certificate, it was issued after it) →
  INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE;
* else a proof of existence (a trusted timestamp) before the end date makes it acceptable;
* else INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE.

No fallback in the validator bypasses this table: it is checked on the signature value, on
every certificate of the path except the trust anchor itself, and on timestamp tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509


def _d(year: int, month: int = 1, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.UTC)


#: Digest algorithms → accepted until (None: no end date). Anything absent is not accepted.
DIGEST_ALGORITHMS: dict[str, dt.datetime | None] = {
    "md2": _d(2005),
    "md4": _d(2005),
    "md5": _d(2005, 8, 1),
    "sha1": _d(2009, 8, 1),
    "sha224": _d(2029),
    "sha256": None,
    "sha384": None,
    "sha512": None,
    "sha512_224": _d(2029),
    "sha512_256": None,
    "sha3_224": _d(2029),
    "sha3_256": None,
    "sha3_384": None,
    "sha3_512": None,
}

#: Public key sizes, per family: (minimum bits, accepted until). The first row whose minimum
#: the key reaches, reading from the largest, applies; below every row: never accepted.
KEY_SIZES: dict[str, list[tuple[int, dt.datetime | None]]] = {
    "rsa": [(2048, None), (1900, _d(2026)), (1536, _d(2017)), (1024, _d(2014))],
    "dsa": [(2048, None), (1024, _d(2014))],
    "ec": [(256, None), (224, _d(2026)), (160, _d(2013))],
}

TABLE_NAME = "ETSI TS 119 312 / DSS (Bilbao 2026)"


@dataclass(frozen=True)
class Breach:
    """One algorithm or key below the table, with the date it stopped being accepted."""

    what: str  # e.g. "RSA 1024 bits", "SHA1"
    until: dt.datetime | None  # None: never accepted


def digest_breach(name: str) -> Breach | None:
    name = (name or "").replace("-", "_").lower()
    if name not in DIGEST_ALGORITHMS:
        return Breach(name.upper() or "?", None)
    until = DIGEST_ALGORITHMS[name]
    return Breach(name.upper(), until) if until is not None else None


def key_breach(public_key: asn1_keys.PublicKeyInfo) -> Breach | None:
    algo = public_key.algorithm  # "rsa", "rsassa_pss", "dsa", "ec", "ed25519", ...
    family = "rsa" if algo in ("rsa", "rsassa_pss") else algo
    if family in ("ed25519", "ed448"):
        return None
    if family not in KEY_SIZES:
        return Breach(str(algo).upper(), None)
    try:
        bits = public_key.bit_size
    except (ValueError, KeyError, TypeError):  # e.g. an unnamed or unknown curve
        return Breach(str(algo).upper(), None)
    for minimum, until in KEY_SIZES[family]:
        if bits >= minimum:
            return Breach(f"{family.upper()} {bits} bits", until) if until is not None else None
    return Breach(f"{family.upper()} {bits} bits", None)


def breaches(*, digest: str | None, public_key: asn1_keys.PublicKeyInfo | None) -> list[Breach]:
    found = []
    if digest:
        b = digest_breach(digest)
        if b:
            found.append(b)
    if public_key is not None:
        b = key_breach(public_key)
        if b:
            found.append(b)
    return found


def certificate_breaches(
    cert: asn1_x509.Certificate, issuer: asn1_x509.Certificate | None
) -> list[Breach]:
    """The algorithms of ``cert``'s own signature (made by ``issuer``'s key). An algorithm
    we cannot read is not in the table: not accepted."""
    algo = cert["signature_algorithm"]
    try:
        try:
            digest = algo.hash_algo
        except ValueError:  # RSASSA-PSS, EdDSA
            digest = None
            if algo.signature_algo == "rsassa_pss":
                digest = algo["parameters"]["hash_algorithm"]["algorithm"].native
        return breaches(digest=digest, public_key=issuer.public_key if issuer is not None else None)
    except (ValueError, KeyError, TypeError):
        return [Breach(str(algo["algorithm"].dotted), None)]


def judge(
    found: list[Breach], *, made_after: dt.datetime | None, poe: dt.datetime | None
) -> tuple[str, Breach] | None:
    """("crypto_constraints" | "crypto_constraints_no_poe", breach) or None when acceptable.

    ``made_after``: the material certainly did not exist before this time; ``poe``: a trusted
    proof that it existed at that time.
    """
    for breach in found:
        if breach.until is None or (made_after is not None and made_after >= breach.until):
            return "crypto_constraints", breach
    for breach in found:
        if poe is None or poe >= breach.until:  # type: ignore[operator]
            return "crypto_constraints_no_poe", breach
    return None
