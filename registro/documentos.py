"""Documents handed to the registry: type by content, SHA-256, scan resolution (REG-12)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .constants import MIN_SCAN_PPI, TipoAnexo, ValidezDocumento

DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# MIME types the registry accepts, and the signature their content must start with
# (None: no reliable magic number; the declared type is kept).
ACCEPTED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
    "application/xml": (b"<?xml",),
    "text/xml": (b"<?xml",),
    "text/plain": None,
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.spreadsheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}
# Browsers send these for files they do not recognise, or under older names.
MIME_ALIASES = {
    "application/octet-stream": "",
    "binary/octet-stream": "",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "application/x-pdf": "application/pdf",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/tiff"}


@dataclass(frozen=True)
class DocumentoNuevo:
    """A document to register: ``content`` is bytes or a file (an upload)."""

    nombre: str
    content: bytes | object
    mime: str = ""
    tipo_anexo: str = TipoAnexo.DOCUMENTO
    validez: str = ValidezDocumento.ORIGINAL


@dataclass(frozen=True)
class DocumentoPreparado:
    nombre: str
    data: bytes
    mime: str
    sha256: str
    tipo_anexo: str
    validez: str
    resolution_ppi: int | None


def max_document_bytes() -> int:
    return int(getattr(settings, "REGISTRO_MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES))


def read_content(content) -> bytes:
    if isinstance(content, bytes | bytearray):
        return bytes(content)
    if hasattr(content, "seek"):
        content.seek(0)
    if hasattr(content, "chunks"):
        return b"".join(content.chunks())
    return content.read()


def sniff_mime(data: bytes) -> str | None:
    for mime, magics in ACCEPTED_TYPES.items():
        if magics and any(data.startswith(m) for m in magics):
            return mime
    return None


def resolve_mime(data: bytes, declared: str) -> str:
    """The document's type, checked against its content. Raises ``ValueError`` with a
    message for the user when the type is not accepted or does not match the content."""
    declared = (declared or "").split(";")[0].strip().lower()
    declared = MIME_ALIASES.get(declared, declared)
    sniffed = sniff_mime(data)
    if not declared:
        if sniffed is None:
            raise ValueError(_("No se reconoce el tipo de documento."))
        return sniffed
    if declared not in ACCEPTED_TYPES:
        raise ValueError(_("Tipo de documento no admitido: %(mime)s.") % {"mime": declared})
    magics = ACCEPTED_TYPES[declared]
    if magics and not any(data.startswith(m) for m in magics):
        raise ValueError(
            _("El contenido no corresponde al tipo declarado (%(mime)s).") % {"mime": declared}
        )
    return declared


def scan_resolution(data: bytes, mime: str) -> int | None:
    """The resolution of a scan in pixels per inch (REG-12), or None when unknown.

    Images: the density recorded in the file (JFIF, PNG pHYs, TIFF). PDFs: for each page,
    every embedded image is assumed to cover the page (as a scanner produces them), so its
    resolution is pixels / page size in inches; the lowest over all pages is returned.
    """
    if mime in IMAGE_TYPES:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(BytesIO(data)) as image:
                dpi = image.info.get("dpi")
        except (UnidentifiedImageError, OSError):
            return None
        if not dpi:
            return None
        return int(round(min(float(dpi[0]), float(dpi[1]))))
    if mime == "application/pdf":
        return _pdf_scan_resolution(data)
    return None


def _pdf_scan_resolution(data: bytes) -> int | None:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        lowest: float | None = None
        for page_ix in range(int(reader.root["/Pages"]["/Count"])):
            page_ref, resources = reader.find_page_for_modification(page_ix)
            page = page_ref.get_object()
            box = _inherited(page, "/MediaBox")
            width_in = abs(float(box[2]) - float(box[0])) / 72
            height_in = abs(float(box[3]) - float(box[1])) / 72
            xobjects = resources.get("/XObject") if resources else None
            page_best: float | None = None
            for ref in (xobjects or {}).values():
                xobj = ref.get_object()
                if xobj.get("/Subtype") != "/Image":
                    continue
                ppi = min(int(xobj["/Width"]) / width_in, int(xobj["/Height"]) / height_in)
                page_best = ppi if page_best is None else max(page_best, ppi)
            if page_best is None:
                return None  # a page without a scanned image: not a scan
            lowest = page_best if lowest is None else min(lowest, page_best)
        return None if lowest is None else int(round(lowest))
    except (PdfError, KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None


def _inherited(page, key: str):
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    raise KeyError(key)


def prepare(doc: DocumentoNuevo) -> DocumentoPreparado:
    """Read, type-check and hash one document; check the scan resolution of an authentic
    copy of paper (REG-12). Raises ``ValueError`` with a message for the user."""
    nombre = (doc.nombre or "").strip()[:255]
    if not nombre:
        raise ValueError(_("Falta el nombre del documento."))
    data = read_content(doc.content)
    if not data:
        raise ValueError(_("El documento «%(nombre)s» está vacío.") % {"nombre": nombre})
    limit = max_document_bytes()
    if len(data) > limit:
        raise ValueError(
            _("El documento «%(nombre)s» supera el tamaño máximo (%(max)d MB).")
            % {"nombre": nombre, "max": limit // (1024 * 1024)}
        )
    if doc.tipo_anexo not in TipoAnexo.values:
        raise ValueError(_("Tipo de anexo no válido."))
    if doc.validez not in ValidezDocumento.values:
        raise ValueError(_("Validez del documento no válida."))
    mime = resolve_mime(data, doc.mime)
    ppi = None
    if doc.validez == ValidezDocumento.COPIA_AUTENTICA:
        ppi = scan_resolution(data, mime)
        if ppi is None:
            raise ValueError(
                _(
                    "No se puede comprobar la resolución de «%(nombre)s»: digitalice el papel "
                    "como imagen o PDF escaneado a %(min)d ppp como mínimo."
                )
                % {"nombre": nombre, "min": MIN_SCAN_PPI}
            )
        if ppi < MIN_SCAN_PPI:
            raise ValueError(
                _(
                    "«%(nombre)s» está digitalizado a %(ppi)d ppp; una copia auténtica de papel "
                    "exige %(min)d ppp como mínimo. Vuelva a escanearlo."
                )
                % {"nombre": nombre, "ppi": ppi, "min": MIN_SCAN_PPI}
            )
    return DocumentoPreparado(
        nombre=nombre,
        data=data,
        mime=mime,
        sha256=hashlib.sha256(data).hexdigest(),
        tipo_anexo=doc.tipo_anexo,
        validez=doc.validez,
        resolution_ppi=ppi,
    )


def store(doc: DocumentoPreparado) -> str:
    """Save the bytes under their SHA-256 (content-addressed) and return the storage name."""
    name = f"registro/{doc.sha256[:2]}/{doc.sha256}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(doc.data))
        if saved != name:  # a concurrent identical upload won the race: keep theirs
            default_storage.delete(saved)
    return name
