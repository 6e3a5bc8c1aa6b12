"""Shared pieces of the signing backends."""

from __future__ import annotations

from asn1crypto import algos, core
from pyhanko.sign.ades import cades_asn1

from firma.policy import SIGNING_POLICY, SignaturePolicy


class SigningError(Exception):
    """The document cannot be signed (bad input, unavailable TSA, unusable key)."""


def cms_policy_identifier(
    policy: SignaturePolicy = SIGNING_POLICY,
) -> cades_asn1.SignaturePolicyIdentifier:
    """The CAdES/PAdES ``signature-policy-identifier`` attribute value (FIR-1)."""
    return cades_asn1.SignaturePolicyIdentifier(
        {
            "signature_policy_id": cades_asn1.SignaturePolicyId(
                {
                    "sig_policy_id": policy.oid,
                    "sig_policy_hash": algos.DigestInfo(
                        {
                            "digest_algorithm": algos.DigestAlgorithm(
                                {"algorithm": policy.hash_algorithm}
                            ),
                            "digest": policy.hash_bytes_for("cades"),
                        }
                    ),
                    "sig_policy_qualifiers": cades_asn1.SigPolicyQualifierInfos(
                        [
                            cades_asn1.SigPolicyQualifierInfo(
                                {
                                    "sig_policy_qualifier_id": "sp_uri",
                                    "sig_qualifier": core.IA5String(policy.qualifier),
                                }
                            )
                        ]
                    ),
                }
            )
        }
    )
