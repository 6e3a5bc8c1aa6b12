"""Office documents are ZIP archives: read them without ever inflating more than needed.

Only the central directory (names and declared sizes) and a bounded prefix of the ``mimetype``
member are read. The declared sizes are checked against a cap on the total and on the
compression ratio, so a zip bomb is refused before anything is decompressed (a 9.7 MB upload
once made the server allocate ~10 GB).
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from .errors import UploadRefused

ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_MEMBERS = 5000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # total uncompressed size / archive size
PREFIX_BYTES = 256  # of the ``mimetype`` member: never read more
MACRO_DIRS = ("basic/", "scripts/")  # ODF macros (OOXML: vbaProject.bin)


def _refuse_archive(nombre: str) -> UploadRefused:
    return UploadRefused(
        _(
            "«%(nombre)s» es un archivo comprimido que ocupa demasiado al descomprimirlo o "
            "tiene demasiados elementos; no se ha admitido."
        )
        % {"nombre": nombre},
        code="archive",
    )


def open_zip(data: bytes) -> zipfile.ZipFile | None:
    """The archive when ``data`` has a readable ZIP central directory, else None."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def sniff_office(data: bytes, *, nombre: str) -> str | None:
    """The office type of a ZIP upload (ODT, ODS, DOCX, XLSX), None when it is another kind
    of archive. Raises ``UploadRefused`` for a bomb, odd member names or macros."""
    archive = open_zip(data)
    if archive is None:
        return None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _refuse_archive(nombre)
        total = sum(max(info.file_size, 0) for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES or total > MAX_RATIO * max(len(data), 1):
            raise _refuse_archive(nombre)
        names = {info.filename for info in infos}
        if any(
            "\x00" in n or n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/")
            for n in names
        ):
            raise _refuse_archive(nombre)
        mime = None
        if "mimetype" in names:
            try:
                with archive.open("mimetype") as member:
                    declared = member.read(PREFIX_BYTES).decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError):
                return None  # encrypted or damaged: not a document we can accept
            if declared in (ODT, ODS) and "content.xml" in names:
                mime = declared
        elif "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                mime = DOCX
            elif "xl/workbook.xml" in names:
                mime = XLSX
        if mime is None:
            return None
        lowered = {n.lower() for n in names}
        if any(
            n.endswith("vbaproject.bin") or n.startswith(("basic/", "scripts/")) for n in lowered
        ):
            raise UploadRefused(
                _("«%(nombre)s» contiene macros; guárdelo sin macros y vuelva a adjuntarlo.")
                % {"nombre": nombre},
                code="active",
            )
        return mime


def is_zip_polyglot(data: bytes) -> bool:
    """True when a file of another type is also a readable ZIP archive (a polyglot)."""
    if b"PK\x05\x06" not in data[-(65536 + 22) :]:
        return False
    archive = open_zip(data)
    if archive is None:
        return False
    with archive:
        return bool(archive.infolist())
