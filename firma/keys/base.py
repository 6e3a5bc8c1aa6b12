"""Key stores: where the council seal and staff signing keys live.

A key store backend turns one entry of ``settings.FIRMA_KEYSTORES`` into a :class:`Signer`
whose key is ready to use. Loading is the expensive part (OpenSSL 3 validates an RSA key on
every load, ~27 ms; a PKCS#11 login costs a round trip), so :func:`firma.keys.get_signer`
loads each signer once per process and keeps it.

Backends shipped:

* ``pkcs12`` (:mod:`firma.keys.pkcs12`): a PKCS#12 file and its password. Demo and tests.
* ``pkcs11`` (:mod:`firma.keys.pkcs11`): a key on a PKCS#11 token (an HSM in production,
  SoftHSM2 in the tests), selected by token label and key label, logged in with a PIN.

The remote slot
---------------
Remote signing services fit the same interface and need no change to callers:

* **Izenpe Zain** (Basque public administrations' centralised signing) and
* **FiRe** (the State's "Firma en la nube", Cl@ve Firma behind it)

both keep the key on their side and sign a hash sent to them. A backend for them subclasses
:class:`KeyStoreBackend`, returns a :class:`Signer` whose :meth:`Signer.sign_raw` sends the
data (or its digest) to the service and returns the raw signature value, and whose
``certificate``/``chain`` come from the service's certificate query. Everything above that
(PAdES/XAdES/CAdES assembly, policy, timestamps) stays in :mod:`firma.signing`. Configure it
with ``{"backend": "myproject.keys.zain.ZainBackend", ...}``: ``backend`` may be a dotted path.
No remote backend ships yet.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from functools import cached_property
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

_HASHES = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    try:
        return _HASHES[name.lower().replace("-", "")]()
    except KeyError as exc:
        raise ValueError(f"Unsupported digest algorithm: {name}") from exc


class KeyStoreError(Exception):
    """A key store cannot be opened or has no usable key."""


class Signer(ABC):
    """A signing key whose certificate is known, ready to sign.

    Subclasses implement :meth:`sign_raw` (RSA PKCS#1 v1.5 or ECDSA with DER output) and
    :attr:`public_key`. Everything else is shared.
    """

    def __init__(self, *, name: str, certificate: x509.Certificate, chain: list[x509.Certificate]):
        self.name = name
        self.certificate = certificate
        #: Issuers of ``certificate`` (intermediates, root last if known); not the leaf.
        self.chain = [c for c in chain if c != certificate]

    @abstractmethod
    def sign_raw(self, data: bytes, *, digest_algorithm: str = "sha256") -> bytes:
        """Sign ``data`` (hashing it with ``digest_algorithm``) and return the signature."""

    @cached_property
    def public_key(self):
        return self.certificate.public_key()

    @cached_property
    def key_type(self) -> str:
        return "ec" if isinstance(self.public_key, ec.EllipticCurvePublicKey) else "rsa"

    @cached_property
    def key_size(self) -> int:
        return self.public_key.key_size

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def common_name(self) -> str:
        attrs = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(attrs[0].value) if attrs else self.subject

    @cached_property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @cached_property
    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate_der)

    @cached_property
    def asn1_chain(self) -> list[asn1_x509.Certificate]:
        return [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in self.chain
        ]

    @cached_property
    def pyhanko_signer(self):
        """A pyHanko signer backed by this key (built once, reused for every signature)."""
        from .pyhanko_adapter import FirmaPyHankoSigner

        return FirmaPyHankoSigner(self)

    @cached_property
    def xml_key(self) -> Any:
        """An object signxml can sign with (duck-typed ``sign``/``key_size``/``public_key``)."""
        return _XmlKeyAdapter(self)

    def certificate_digest(self, algorithm: str = "sha256") -> bytes:
        return hashlib.new(algorithm, self.certificate_der).digest()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.subject!r}>"


class _XmlKeyAdapter:
    """Presents a :class:`Signer` the way signxml uses a cryptography private key."""

    def __init__(self, signer: Signer):
        self._signer = signer
        self.key_size = signer.key_size

    def public_key(self):
        return self._signer.public_key

    def sign(self, data: bytes, padding=None, algorithm=None, signature_algorithm=None):
        if signature_algorithm is not None:  # ECDSA
            algorithm = signature_algorithm.algorithm
        if padding is not None and type(padding).__name__ != "PKCS1v15":
            raise ValueError("Only RSA PKCS#1 v1.5 and ECDSA are supported for XML signatures.")
        return self._signer.sign_raw(data, digest_algorithm=algorithm.name)


class LocalKeySigner(Signer):
    """A signer whose private key object is held in memory (loaded once)."""

    def __init__(self, *, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, *, digest_algorithm: str = "sha256") -> bytes:
        from cryptography.hazmat.primitives.asymmetric import padding

        algo = hash_algorithm(digest_algorithm)
        key = self._private_key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), algo)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(algo))
        raise KeyStoreError(f"Unsupported key type {type(key).__name__}")

    @cached_property
    def xml_key(self) -> Any:
        return self._private_key


class KeyStoreBackend(ABC):
    """Turns one ``FIRMA_KEYSTORES`` entry into a loaded :class:`Signer`.

    ``options`` is the entry itself (minus ``backend``). Implementations must raise
    :class:`KeyStoreError` with a message naming what is wrong (missing file, bad password,
    unknown token or key label), never leak secrets in it.
    """

    def __init__(self, name: str, **options: Any):
        self.name = name
        self.options = options

    @abstractmethod
    def load(self) -> Signer:
        """Open the store and return a signer with its key ready."""

    def option(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.options.get(key, default)
        if required and value in (None, ""):
            raise KeyStoreError(f"Key store {self.name!r}: option {key!r} is required.")
        return value
