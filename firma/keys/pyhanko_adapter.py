"""pyHanko signer over any :class:`firma.keys.base.Signer`.

pyHanko's own ``SimpleSigner`` re-parses its private key on every signature (~27 ms with
OpenSSL 3). This adapter delegates the raw signature to our signer, whose key is loaded once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asn1crypto import algos
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

if TYPE_CHECKING:
    from .base import Signer


class FirmaPyHankoSigner(signers.Signer):
    def __init__(self, signer: Signer):
        # pyHanko embeds the signing certificate itself: the registry holds its issuers.
        registry = SimpleCertificateStore.from_certs(signer.asn1_chain)
        super().__init__(
            signing_cert=signer.asn1_certificate,
            cert_registry=registry,
            embed_roots=True,
        )
        self._firma_signer = signer

    def get_signature_mechanism_for_digest(self, digest_algorithm):
        if self._firma_signer.key_type == "ec":
            algo = f"{digest_algorithm}_ecdsa"
        else:
            algo = f"{digest_algorithm}_rsa"
        return algos.SignedDigestAlgorithm({"algorithm": algo})

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            # Placeholder of the right size, without using the key.
            size = (self._firma_signer.key_size + 7) // 8
            return bytes(size + 16 if self._firma_signer.key_type == "ec" else size)
        return self._firma_signer.sign_raw(data, digest_algorithm=digest_algorithm)
