"""Checks of an uploaded attachment: size, type by content (never by the extension), malware.

Each refusal raises ``UploadRefused`` with a message for the citizen.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from sede.scanning import ScanError, get_scanner

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML = "application/xml"

# What a citizen may attach, for the message that lists it.
ACCEPTED_LABEL = "PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX, XML"


class UploadRefused(ValueError):  # noqa: N818 - a refusal, not an error
    pass


@dataclass(frozen=True)
class CheckedUpload:
    nombre: str
    data: bytes
    mime: str
    sha256: str


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}".replace(".", ",")


def sniff(data: bytes) -> str | None:
    """The type of ``data`` from its content, or None when it is not one we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") and _is_safe_xml(data):
        return XML
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in (ODT, ODS):
                    return declared
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def _is_safe_xml(data: bytes) -> bool:
    """Well-formed XML, parsed with entities, DTDs and network access disabled."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return b"<!ENTITY" not in data


def check_file_size(*, nombre: str, size: int) -> None:
    """Refuse a file over SEDE_MAX_FILE_BYTES (called before reading an upload, too)."""
    max_file = int(settings.SEDE_MAX_FILE_BYTES)
    if size > max_file:
        raise UploadRefused(
            _("El fichero «%(nombre)s» ocupa %(size)s MB; el máximo por fichero es %(max)s MB.")
            % {"nombre": nombre, "size": _mb(size), "max": _mb(max_file)}
        )


def check_upload(
    *, nombre: str, data: bytes, already_count: int = 0, already_bytes: int = 0
) -> CheckedUpload:
    nombre = (nombre or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "documento"
    max_total = int(settings.SEDE_MAX_SUBMISSION_BYTES)
    max_files = int(settings.SEDE_MAX_FILES)
    if not data:
        raise UploadRefused(_("El fichero «%(nombre)s» está vacío.") % {"nombre": nombre})
    if already_count >= max_files:
        raise UploadRefused(
            _("No puede adjuntar más de %(n)d ficheros a una solicitud.") % {"n": max_files}
        )
    check_file_size(nombre=nombre, size=len(data))
    if already_bytes + len(data) > max_total:
        raise UploadRefused(
            _(
                "Con «%(nombre)s» los adjuntos superarían %(max)s MB, el máximo por solicitud. "
                "Reduzca el tamaño de los ficheros o quite alguno."
            )
            % {"nombre": nombre, "max": _mb(max_total)}
        )
    mime = sniff(data)
    if mime is None:
        raise UploadRefused(
            _(
                "El contenido de «%(nombre)s» no es de un tipo admitido (%(tipos)s). Se comprueba "
                "el contenido del fichero, no su extensión."
            )
            % {"nombre": nombre, "tipos": ACCEPTED_LABEL}
        )
    try:
        result = get_scanner().scan(data)
    except ScanError as exc:
        raise UploadRefused(
            _(
                "No se ha podido comprobar si «%(nombre)s» contiene virus. Inténtelo de nuevo "
                "dentro de unos minutos."
            )
            % {"nombre": nombre}
        ) from exc
    if not result.clean:
        raise UploadRefused(
            _("«%(nombre)s» contiene software malicioso (%(threat)s) y no se ha admitido.")
            % {"nombre": nombre, "threat": result.threat or "?"}
        )
    return CheckedUpload(
        nombre=nombre, data=data, mime=mime, sha256=hashlib.sha256(data).hexdigest()
    )
