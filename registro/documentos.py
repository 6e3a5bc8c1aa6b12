"""Documents handed to the registry: the one upload policy (``registro.uploads``: limits, type
by content, safe content, malware scanner, SHA-256) and the scan resolution (REG-12)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .constants import MIN_SCAN_PPI, TipoAnexo, ValidezDocumento
from .uploads import IMAGE_TYPES, Limits, check_file_size, check_upload, clean_name


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


def read_content(content, *, nombre: str, limits: Limits) -> bytes:
    """The bytes of ``content``; an upload over the size limit is refused before it is read."""
    if isinstance(content, bytes | bytearray):
        return bytes(content)
    size = getattr(content, "size", None)
    if isinstance(size, int):
        check_file_size(nombre=nombre, size=size, limits=limits)
    if hasattr(content, "seek"):
        content.seek(0)
    if hasattr(content, "chunks"):
        return b"".join(content.chunks())
    return content.read()


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


def prepare(
    doc: DocumentoNuevo,
    *,
    limits: Limits | None = None,
    already_count: int = 0,
    already_bytes: int = 0,
) -> DocumentoPreparado:
    """Read and check one document against the upload policy; check the scan resolution of
    an authentic copy of paper (REG-12). Raises ``ValueError`` (``UploadRefused`` for the
    policy's refusals) with a message for the user."""
    limits = limits or Limits.registry()
    nombre = clean_name(doc.nombre, max_length=255)
    if not nombre:
        raise ValueError(_("Falta el nombre del documento."))
    if doc.tipo_anexo not in TipoAnexo.values:
        raise ValueError(_("Tipo de anexo no válido."))
    if doc.validez not in ValidezDocumento.values:
        raise ValueError(_("Validez del documento no válida."))
    data = read_content(doc.content, nombre=nombre, limits=limits)
    checked = check_upload(
        nombre=nombre,
        data=data,
        declared_mime=doc.mime,
        limits=limits,
        already_count=already_count,
        already_bytes=already_bytes,
    )
    mime = checked.mime
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
        sha256=checked.sha256,
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
