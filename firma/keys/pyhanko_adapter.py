"""pyHanko signer over any :class:`firma.keys.base.Signer`.

pyHanko's own ``SimpleSigner`` re-parses its private key on every signature (~27 ms with
OpenSSL 3). This adapter delegates the raw signature to our signer, whose key is loaded once.

It also keeps the CMS signed attributes cheap to encode. asn1crypto marks a value built from
Python objects as "mutated" for good, so every ``dump()`` of it, or of anything that contains
it, encodes its whole subtree again; pyHanko wraps each attribute value three or four times
(attribute, attribute set, SignerInfo, SignedData) and dumps at each step, so one PAdES seal
re-encoded some 2,600 nested values (~4 ms of its ~20 ms for the signing-certificate-v2
attribute alone). A value parsed from DER is not mutated: its ``dump()`` returns the bytes
it was read from. So the signing-certificate-v2 value, fixed for a certificate, is built
once per signer and kept parsed, and the finished signed attributes are parsed back from
their DER once before they are signed and packaged. The bytes are the same DER either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from asn1crypto import algos, cms, tsp
from pyhanko.sign import attributes, signers
from pyhanko.sign.general import as_signing_certificate_v2
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

    @cached_property
    def signing_certificate_v2(self) -> tsp.SigningCertificateV2:
        """The ESS signing-certificate-v2 value of this certificate (SHA-256, as pyHanko's
        provider makes it), built once and kept parsed from its DER (see the module doc)."""
        built = as_signing_certificate_v2(self.signing_cert)
        return tsp.SigningCertificateV2.load(built.dump())

    def _signed_attr_provider_spec(self, *args, **kwargs):
        # pyHanko's own choice of attributes (PAdES, CAdES or plain CMS), with the constant
        # signing-certificate-v2 value taken from this signer instead of rebuilt.
        return _ConstantSigningCertificate(
            super()._signed_attr_provider_spec(*args, **kwargs), self
        )

    async def signed_attrs(self, *args, **kwargs) -> cms.CMSAttributes:
        attrs = await super().signed_attrs(*args, **kwargs)
        # Encoded once here, then signed, wrapped and embedded without re-encoding.
        return cms.CMSAttributes.load(attrs.dump())

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            # Placeholder of the right size, without using the key.
            size = (self._firma_signer.key_size + 7) // 8
            return bytes(size + 16 if self._firma_signer.key_type == "ec" else size)
        return self._firma_signer.sign_raw(data, digest_algorithm=digest_algorithm)


class _SigningCertificateV2(attributes.SigningCertificateV2Provider):
    """pyHanko's signing-certificate-v2 provider, its value computed ahead."""

    def __init__(self, signer: FirmaPyHankoSigner):
        super().__init__(signing_cert=signer.signing_cert)
        self._value = signer.signing_certificate_v2

    async def build_attr_value(self, dry_run=False) -> tsp.SigningCertificateV2:
        return self._value


class _ConstantSigningCertificate(attributes.SignedAttributeProviderSpec):
    """The providers of pyHanko's spec, the signing-certificate-v2 one replaced by ours."""

    def __init__(self, spec: attributes.SignedAttributeProviderSpec, signer: FirmaPyHankoSigner):
        self._spec = spec
        self._signer = signer

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[attributes.CMSAttributeProvider]:
        for provider in self._spec.signed_attr_providers(
            data_digest=data_digest, digest_algorithm=digest_algorithm
        ):
            if (
                type(provider) is attributes.SigningCertificateV2Provider
                and provider.signing_cert is self._signer.signing_cert
            ):
                yield _SigningCertificateV2(self._signer)
            else:
                yield provider
