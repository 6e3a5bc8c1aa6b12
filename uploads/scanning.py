"""The malware scanner behind the upload policy: an ABC, a no-op default and ClamAV (clamd).

``settings.SEDE_SCAN_BACKEND`` names the class (default
``uploads.scanning.NoScanBackend``: no scanning). ``ClamdBackend`` talks to clamd
over its UNIX socket (``SEDE_CLAMD_SOCKET``) with the INSTREAM command; nothing extra to
install in Python. A scanner that is configured but cannot answer raises ``ScanError`` and
the upload is refused (fail closed). Malware found after registration: see
``registro.services.documento_mark_unsafe`` (REG-11).
"""

from __future__ import annotations

import socket
import struct
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "uploads.scanning.NoScanBackend"


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    threat: str = ""


class ScanError(Exception):
    """The scanner could not give an answer (the upload is refused: fail closed)."""


class ScanBackend(ABC):
    #: False only for the no-op default (the re-scan task has nothing to do then).
    scans = True

    @abstractmethod
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanBackend(ScanBackend):
    """No scanning (the default): every file is reported clean."""

    scans = False

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True)


class ClamdBackend(ScanBackend):
    CHUNK = 64 * 1024

    def __init__(self, socket_path: str | None = None, timeout: float = 30.0):
        self.socket_path: str = socket_path or str(settings.SEDE_CLAMD_SOCKET)
        self.timeout = timeout

    def scan(self, data: bytes) -> ScanResult:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.CHUNK):
                    chunk = data[start : start + self.CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            raise ScanError(str(exc)) from exc
        text = reply.rstrip(b"\0").decode("utf-8", "replace")
        if text.endswith("OK"):
            return ScanResult(clean=True)
        if text.endswith("FOUND"):
            threat = text.split(":", 1)[-1].removesuffix("FOUND").strip()
            return ScanResult(clean=False, threat=threat)
        raise ScanError(text or "no answer from clamd")


def get_scanner() -> ScanBackend:
    return import_string(getattr(settings, "SEDE_SCAN_BACKEND", DEFAULT_BACKEND))()


def check_backend_setting() -> None:
    """Raise ``ImproperlyConfigured`` naming ``SEDE_SCAN_BACKEND`` when it does not name a
    ``ScanBackend`` class that can be imported."""
    from django.core.exceptions import ImproperlyConfigured

    path = getattr(settings, "SEDE_SCAN_BACKEND", DEFAULT_BACKEND)
    try:
        backend = import_string(path)
    except ImportError as exc:
        hint = ""
        if path.startswith("registro.uploads."):  # the policy's old home
            hint = f" (the scanners are now in uploads.scanning: {path.removeprefix('registro.')})"
        raise ImproperlyConfigured(
            f"SEDE_SCAN_BACKEND={path!r} cannot be imported: {exc}{hint}"
        ) from exc
    if not (isinstance(backend, type) and issubclass(backend, ScanBackend)):
        raise ImproperlyConfigured(f"SEDE_SCAN_BACKEND={path!r} is not a ScanBackend class.")
