"""Signing keys: ``get_signer(name)`` returns a loaded :class:`Signer`, cached per process.

Configured by ``settings.FIRMA_KEYSTORES``::

    FIRMA_KEYSTORES = {
        "sello": {"backend": "pkcs12", "path": ".../sello.p12", "password": "..."},
        "alcaldia": {"backend": "pkcs11", "module": "/usr/lib/softhsm/libsofthsm2.so",
                     "token_label": "bilbao", "key_label": "alcaldia", "pin": "..."},
        # Optional catch-all for staff signers: "{name}" in string options is replaced.
        "*": {"backend": "pkcs12", "path": ".../staff/{name}.p12", "password": "..."},
    }

``backend`` is ``pkcs12``, ``pkcs11`` or a dotted path to a :class:`KeyStoreBackend`
subclass (see :mod:`firma.keys.base` for the remote-service slot).
"""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import KeyStoreBackend, KeyStoreError, LocalKeySigner, Signer

__all__ = [
    "KeyStoreBackend",
    "KeyStoreError",
    "LocalKeySigner",
    "Signer",
    "clear_signer_cache",
    "get_signer",
    "keystore_config",
    "load_signer",
]

BACKENDS = {
    "pkcs12": "firma.keys.pkcs12.PKCS12Backend",
    "pkcs11": "firma.keys.pkcs11.PKCS11Backend",
}

_cache: dict[str, Signer] = {}
# Names fill "{name}" in paths and labels: no separators, no "..".
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,149}")  # Django usernames
_lock = threading.Lock()


def keystore_config(name: str) -> dict:
    """The ``FIRMA_KEYSTORES`` entry for ``name`` (or the ``"*"`` catch-all, formatted)."""
    stores = getattr(settings, "FIRMA_KEYSTORES", {}) or {}
    if name in stores:
        return dict(stores[name])
    if "*" in stores and name != "*":
        if not _SAFE_NAME.fullmatch(name):
            raise KeyStoreError(f"Invalid signer name {name!r}.")
        return {
            key: value.format(name=name) if isinstance(value, str) else value
            for key, value in stores["*"].items()
        }
    raise KeyStoreError(f"No key store is configured for signer {name!r} (FIRMA_KEYSTORES).")


def load_signer(name: str, config: dict | None = None) -> Signer:
    """Load a signer now, bypassing the cache (the benchmark's baseline uses this)."""
    config = dict(config if config is not None else keystore_config(name))
    backend = config.pop("backend", "pkcs12")
    path = BACKENDS.get(backend, backend)
    try:
        backend_cls = import_string(path)
    except ImportError as exc:
        raise KeyStoreError(f"Key store {name!r}: unknown backend {backend!r}.") from exc
    return backend_cls(name, **config).load()


def get_signer(name: str) -> Signer:
    """The signer called ``name`` ("sello" is the council seal), loaded once per process."""
    signer = _cache.get(name)
    if signer is not None:
        return signer
    with _lock:
        signer = _cache.get(name)
        if signer is None:
            signer = load_signer(name)
            _cache[name] = signer
    return signer


def clear_signer_cache() -> None:
    """Forget loaded signers (closing token sessions, which logs out of the token)."""
    with _lock:
        signers = list(_cache.values())
        _cache.clear()
    for signer in signers:
        close = getattr(signer, "close", None)
        if close is not None:
            close()


@receiver(setting_changed)
def _reset_on_settings_change(*, setting, **kwargs):
    if setting == "FIRMA_KEYSTORES":
        clear_signer_cache()
