"""``check_upload``: the one upload policy, for every way a document enters.

Order of the checks: limits (count, size, total), the malware scanner (failing closed when
configured and unreachable), type by content, then safe content (archives read with bounded
inflation, PDF active content, XML with entities off, polyglots). The SHA-256 is computed
last. Every refusal is an ``UploadRefused`` with a message for the person uploading.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .content import (
    ACCEPTED_LABEL,
    PDF,
    TEXT,
    check_polyglot,
    clean_name,
    normalize_declared,
    sniff,
)
from .errors import UploadRefused
from .pdf import check_pdf
from .scanning import ScanError, get_scanner

OTHER_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "tif", "tiff", "odt", "ods", "docx", "xlsx", "xml"}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_total_bytes: int
    max_files: int

    @classmethod
    def sede(cls) -> Limits:
        """A citizen's submission at the sede (its attachments)."""
        return cls(
            max_file_bytes=int(settings.SEDE_MAX_FILE_BYTES),
            max_total_bytes=int(settings.SEDE_MAX_SUBMISSION_BYTES),
            max_files=int(settings.SEDE_MAX_FILES),
        )

    @classmethod
    def registry(cls) -> Limits:
        """One registry entry, whatever the channel (sede, desk, API)."""
        return cls(
            max_file_bytes=int(settings.REGISTRO_MAX_DOCUMENT_BYTES),
            max_total_bytes=int(settings.REGISTRO_MAX_ENTRY_BYTES),
            max_files=int(settings.REGISTRO_MAX_DOCUMENTS),
        )

    @classmethod
    def single(cls, max_file_bytes: int) -> Limits:
        """One document on its own (a deed, a document sent to be signed)."""
        return cls(max_file_bytes=max_file_bytes, max_total_bytes=max_file_bytes, max_files=1)


@dataclass(frozen=True)
class CheckedUpload:
    nombre: str
    data: bytes
    mime: str
    sha256: str


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}".replace(".", ",")


def check_file_size(*, nombre: str, size: int, limits: Limits | None = None) -> None:
    """Refuse a file over the limit (callers use it before reading an upload, too)."""
    max_file = (limits or Limits.sede()).max_file_bytes
    if size > max_file:
        nombre = clean_name(nombre) or "documento"
        raise UploadRefused(
            _("El fichero «%(nombre)s» ocupa %(size)s MB; el máximo por fichero es %(max)s MB.")
            % {
                "nombre": clean_name(nombre) or "documento",
                "size": _mb(size),
                "max": _mb(max_file),
            },
            code="size",
        )


def scan(data: bytes, *, nombre: str) -> None:
    """The configured malware scanner; refuses when it finds something or cannot answer."""
    try:
        result = get_scanner().scan(data)
    except ScanError as exc:
        raise UploadRefused(
            _(
                "No se ha podido comprobar si «%(nombre)s» contiene virus. Inténtelo de nuevo "
                "dentro de unos minutos."
            )
            % {"nombre": nombre},
            code="scan_unavailable",
        ) from exc
    if not result.clean:
        raise UploadRefused(
            _("«%(nombre)s» contiene software malicioso (%(threat)s) y no se ha admitido.")
            % {"nombre": nombre, "threat": result.threat or "?"},
            code="malware",
        )


def _says_text(nombre: str, declared: str) -> bool:
    """Whether the file says it is plain text (it must then BE text): named ``.txt``, or
    declared ``text/plain`` without the name of another accepted type (``dni.pdf``)."""
    extension = nombre.lower().rpartition(".")[2] if "." in nombre else ""
    return extension == "txt" or (declared == TEXT and extension not in OTHER_EXTENSIONS)


def check_upload(
    *,
    nombre: str,
    data: bytes,
    declared_mime: str = "",
    limits: Limits | None = None,
    already_count: int = 0,
    already_bytes: int = 0,
) -> CheckedUpload:
    """Check one file against the policy and return its name, type and SHA-256.

    ``declared_mime`` (what a browser or an integration said) never decides the type: the
    content does, and its type is the one recorded. Plain text has no signature, so a file is
    read as text only when it says so (see ``_says_text``) and really is text.
    ``already_count``/``already_bytes``: the
    files already attached to the same submission or entry."""
    limits = limits or Limits.sede()
    nombre = clean_name(nombre) or "documento"
    if not data:
        raise UploadRefused(
            _("El fichero «%(nombre)s» está vacío.") % {"nombre": nombre}, code="empty"
        )
    if already_count >= limits.max_files:
        raise UploadRefused(
            _("No puede adjuntar más de %(n)d ficheros a una solicitud.") % {"n": limits.max_files},
            code="count",
        )
    check_file_size(nombre=nombre, size=len(data), limits=limits)
    if already_bytes + len(data) > limits.max_total_bytes:
        raise UploadRefused(
            _(
                "Con «%(nombre)s» los adjuntos superarían %(max)s MB, el máximo por solicitud. "
                "Reduzca el tamaño de los ficheros o quite alguno."
            )
            % {"nombre": nombre, "max": _mb(limits.max_total_bytes)},
            code="total",
        )
    declared = normalize_declared(declared_mime)
    scan(data, nombre=nombre)
    text_wanted = _says_text(nombre, declared)
    mime = sniff(data, nombre=nombre, text_wanted=text_wanted)
    if mime is None:
        raise UploadRefused(
            _(
                "El contenido de «%(nombre)s» no es de un tipo admitido (%(tipos)s). Se comprueba "
                "el contenido del fichero, no su extensión."
            )
            % {"nombre": nombre, "tipos": ACCEPTED_LABEL},
            code="type",
        )
    check_polyglot(data, mime, nombre=nombre)
    if mime == PDF:
        check_pdf(data, nombre=nombre)
    return CheckedUpload(
        nombre=nombre, data=data, mime=mime, sha256=hashlib.sha256(data).hexdigest()
    )
