"""PKCS#11 key store backend: a key on a token (an HSM in production, SoftHSM2 in tests).

Configuration::

    {"backend": "pkcs11",
     "module": "/usr/lib/softhsm/libsofthsm2.so",   # the vendor's PKCS#11 library
     "token_label": "bilbao",                        # tokens are selected by label
     "key_label": "sello",                           # private key (and certificate) label
     "pin": "...",                                   # user PIN (use <NAME>_FILE secrets)
     "certificate_path": None,                       # optional: PEM/DER if not on the token
     "chain_path": None}                             # optional: PEM bundle of issuers

The module is loaded once per process (SoftHSM2 reads ``SOFTHSM2_CONF`` when it is loaded)
and the session stays open: each signature is one C_Sign on the token.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils

from .base import KeyStoreBackend, KeyStoreError, Signer

_libs: dict[str, object] = {}
_libs_lock = threading.Lock()


def get_lib(module: str):
    """The PKCS#11 library for ``module``, loaded and initialised once per process."""
    import pkcs11

    with _libs_lock:
        lib = _libs.get(module)
        if lib is None:
            try:
                lib = pkcs11.lib(module)
            except Exception as exc:  # noqa: BLE001 (PKCS11Error, OSError...)
                raise KeyStoreError(f"Cannot load the PKCS#11 module {module}: {exc}") from exc
            _libs[module] = lib
        return lib


def _mechanism(key_type: str, digest_algorithm: str):
    from pkcs11 import Mechanism

    name = digest_algorithm.lower().replace("-", "")
    table = {
        "rsa": {
            "sha1": Mechanism.SHA1_RSA_PKCS,
            "sha256": Mechanism.SHA256_RSA_PKCS,
            "sha384": Mechanism.SHA384_RSA_PKCS,
            "sha512": Mechanism.SHA512_RSA_PKCS,
        },
        "ec": {
            "sha1": Mechanism.ECDSA_SHA1,
            "sha256": Mechanism.ECDSA_SHA256,
            "sha384": Mechanism.ECDSA_SHA384,
            "sha512": Mechanism.ECDSA_SHA512,
        },
    }
    try:
        return table[key_type][name]
    except KeyError as exc:
        raise KeyStoreError(f"No PKCS#11 mechanism for {key_type}/{digest_algorithm}.") from exc


class PKCS11Signer(Signer):
    """Signs on the token; the private key never leaves it."""

    def __init__(self, *, session, key, **kwargs):
        super().__init__(**kwargs)
        self._session = session
        self._key = key
        self._lock = threading.Lock()

    def sign_raw(self, data: bytes, *, digest_algorithm: str = "sha256") -> bytes:
        mechanism = _mechanism(self.key_type, digest_algorithm)
        with self._lock:
            signature = self._key.sign(data, mechanism=mechanism)
        if self.key_type == "ec":
            half = len(signature) // 2
            r = int.from_bytes(signature[:half], "big")
            s = int.from_bytes(signature[half:], "big")
            return asym_utils.encode_dss_signature(r, s)
        return signature

    def close(self) -> None:
        with self._lock:
            self._session.close()


def _load_certs(path: str | None) -> list[x509.Certificate]:
    if not path:
        return []
    data = Path(path).read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


class PKCS11Backend(KeyStoreBackend):
    def load(self) -> Signer:
        from pkcs11 import Attribute, ObjectClass
        from pkcs11 import exceptions as p11_errors

        module = self.option("module", required=True)
        token_label = self.option("token_label", required=True)
        key_label = self.option("key_label", required=True)
        pin = self.option("pin")
        lib = get_lib(module)
        try:
            token = lib.get_token(token_label=token_label)
        except (p11_errors.NoSuchToken, p11_errors.MultipleTokensReturned) as exc:
            raise KeyStoreError(
                f"Key store {self.name!r}: no single token labelled {token_label!r}."
            ) from exc
        try:
            try:
                session = token.open(user_pin=pin) if pin else token.open()
            except p11_errors.UserAlreadyLoggedIn:
                # Login is per application and token: another signer of this process (another
                # key on the same token) is logged in, and new sessions share that state.
                session = token.open()
        except p11_errors.PinIncorrect as exc:
            raise KeyStoreError(f"Key store {self.name!r}: wrong PIN for the token.") from exc
        except p11_errors.PKCS11Error as exc:
            raise KeyStoreError(f"Key store {self.name!r}: cannot open the token ({exc}).") from exc
        try:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key_label)
        except (p11_errors.NoSuchKey, p11_errors.MultipleObjectsReturned) as exc:
            session.close()
            raise KeyStoreError(
                f"Key store {self.name!r}: no single private key labelled {key_label!r}."
            ) from exc

        certificates = _load_certs(self.option("certificate_path"))
        if not certificates:
            for obj in session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
            ):
                certificates.append(x509.load_der_x509_certificate(obj[Attribute.VALUE]))
        if not certificates:
            session.close()
            raise KeyStoreError(
                f"Key store {self.name!r}: no certificate labelled {key_label!r} on the token "
                "and no certificate_path."
            )
        return PKCS11Signer(
            name=self.name,
            certificate=certificates[0],
            chain=_load_certs(self.option("chain_path")),
            session=session,
            key=key,
        )
