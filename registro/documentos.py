"""Documents handed to the registry: the one upload policy (the ``uploads`` package: limits, type
by content, safe content, malware scanner, SHA-256) and the scan resolution (REG-12)."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils.translation import gettext as _

from uploads import IMAGE_TYPES, Limits, check_file_size, check_upload, clean_name

from .constants import MIN_SCAN_PPI, TipoAnexo, ValidezDocumento

# The code lists a document is checked against, once (``Choices.values`` builds a list).
TIPOS_ANEXO = frozenset(TipoAnexo.values)
VALIDECES = frozenset(ValidezDocumento.values)


@dataclass(frozen=True)
class DocumentoNuevo:
    """A document to register: ``content`` is bytes or a file (an upload)."""

    nombre: str
    content: bytes | object
    mime: str = ""
    tipo_anexo: str = TipoAnexo.DOCUMENTO
    validez: str = ValidezDocumento.ORIGINAL
    csv: str = ""  # an authentic copy issued by firma (EE03): its CSV
    resolution_ppi: int | None = None  # measured on the scan before it was sealed


@dataclass(frozen=True)
class DocumentoPreparado:
    nombre: str
    data: bytes
    mime: str
    sha256: str
    tipo_anexo: str
    validez: str
    resolution_ppi: int | None
    csv: str = ""


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
    if doc.tipo_anexo not in TIPOS_ANEXO:
        raise ValueError(_("Tipo de anexo no válido."))
    if doc.validez not in VALIDECES:
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
    if doc.validez == ValidezDocumento.COPIA_AUTENTICA and doc.csv:
        ppi = doc.resolution_ppi  # checked on the scan, before the CSV and seal were added
    elif doc.validez == ValidezDocumento.COPIA_AUTENTICA:
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
        csv=doc.csv,
    )


def store(doc: DocumentoPreparado) -> str:
    """Save the bytes under their SHA-256 (content-addressed) and return the storage name."""
    name = f"registro/{doc.sha256[:2]}/{doc.sha256}"
    storage = default_storage
    if not (isinstance(storage, FileSystemStorage) and _write_local(storage, name, doc.data)):
        saved = default_storage.save(name, ContentFile(doc.data))
        if saved != name:  # the same bytes were stored before (renamed ours): keep those
            default_storage.delete(saved)
    return name


def _write_local(storage: FileSystemStorage, name: str, data: bytes) -> bool:
    """On a local disk: the bytes written under a temporary name beside their own and
    renamed into place, so that no reader (and no crash) ever finds part of a document under
    its name, and the same bytes stored twice are one file. False when the folder does not
    exist yet: the storage's own ``save`` creates it, with its permissions.

    Issue 10: Django's ``FileSystemStorage.save`` (name checks, an existence probe, a file
    lock, ownership checks) cost four times the write on the registry's hot path."""
    path = storage.path(name)
    temporary = f"{path}.{os.getpid()}-{threading.get_ident()}.part"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except FileNotFoundError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return True


def copia_autentica_papel(*, nombre: str, content, mime: str = "") -> DocumentoNuevo:
    """REG-12, DOC-3: a paper document digitised at the desk becomes an authentic copy (EE03).

    The scan passes the upload policy and the ≥200 ppi check first; an image is put in a PDF
    at its own resolution; then firma stamps a CSV on every page and seals it with the
    council's seal. Returns the document to register, carrying its CSV. Raises ``ValueError``
    with the reason (low resolution, unsafe or unknown type)."""
    from firma.services.documentos import csv_issue

    checked = prepare(
        DocumentoNuevo(
            nombre=nombre, content=content, mime=mime, validez=ValidezDocumento.COPIA_AUTENTICA
        )
    )
    data = checked.data
    if checked.mime != "application/pdf":
        # prepare() refused any image without a measurable resolution (REG-12)
        data = _image_as_pdf(data, checked.mime, checked.resolution_ppi or 200)
    stem = checked.nombre.rsplit(".", 1)[0] if "." in checked.nombre else checked.nombre
    pdf_name = f"{stem}.pdf"
    version = csv_issue(
        content=data,
        name=pdf_name,
        mime="application/pdf",
        stamp=True,
        seal=True,
        note=f"Copia auténtica de papel (EE03), {checked.resolution_ppi} ppp",
    )
    with version.content.open("rb") as fh:
        sealed = fh.read()
    return DocumentoNuevo(
        nombre=pdf_name,
        content=sealed,
        mime="application/pdf",
        validez=ValidezDocumento.COPIA_AUTENTICA,
        csv=version.csv,
        resolution_ppi=checked.resolution_ppi,
    )


def _image_as_pdf(data: bytes, mime: str, ppi: int) -> bytes:
    """One page exactly the size of the scanned sheet (pixels / ppi), the image embedded as
    scanned, so the copy keeps its resolution (WeasyPrint, no extra dependency)."""
    import base64
    import io

    from PIL import Image
    from weasyprint import HTML

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    w_in, h_in = width / ppi, height / ppi
    src = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    html = (
        f"<html><head><style>@page {{ size: {w_in:.4f}in {h_in:.4f}in; margin: 0 }}"
        f"body {{ margin: 0 }} img {{ display: block; width: {w_in:.4f}in; "
        f"height: {h_in:.4f}in }}</style></head><body><img src='{src}' alt=''></body></html>"
    )
    return HTML(string=html).write_pdf()
