"""PKCS#12 key store backend: ``{"backend": "pkcs12", "path": ..., "password": ...}``."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12

from .base import KeyStoreBackend, KeyStoreError, LocalKeySigner, Signer


def load_pkcs12_signer(name: str, data: bytes, password: str | bytes | None) -> Signer:
    if isinstance(password, str):
        password = password.encode()
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as exc:
        raise KeyStoreError(
            f"Key store {name!r}: cannot open the PKCS#12 file (wrong password or corrupt file)."
        ) from exc
    if key is None or cert is None:
        raise KeyStoreError(f"Key store {name!r}: the PKCS#12 file has no key or no certificate.")
    return LocalKeySigner(name=name, certificate=cert, chain=list(extra or []), private_key=key)


class PKCS12Backend(KeyStoreBackend):
    def load(self) -> Signer:
        path = Path(str(self.option("path", required=True)).format(name=self.name))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyStoreError(
                f"Key store {self.name!r}: cannot read {path} ({exc.strerror}). "
                "Run `manage.py firma_demo_pki` for the demo keys."
            ) from exc
        return load_pkcs12_signer(self.name, data, self.option("password"))
