"""Transport adapters of the registry exchange: ``base.SirBackend`` (the seam), ``local``
(HTTP between offices running this code). ``REGISTRO_SIR_BACKEND`` names the class."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SirBackend, TransporteError

_instances: dict[str, SirBackend] = {}


def get_backend() -> SirBackend:
    path = settings.REGISTRO_SIR_BACKEND
    backend = _instances.get(path)
    if backend is None:
        backend = _instances[path] = import_string(path)()
    return backend


def reset_backends() -> None:
    """Forget instantiated backends (settings changed, e.g. in tests)."""
    _instances.clear()


__all__ = ["SirBackend", "TransporteError", "get_backend", "reset_backends"]


def _on_setting_changed(*, setting: str, **_kwargs) -> None:
    if setting.startswith("REGISTRO_SIR_"):
        reset_backends()


def _connect() -> None:
    from django.core.signals import setting_changed

    setting_changed.connect(_on_setting_changed, dispatch_uid="registro.sir.backends")


_connect()
