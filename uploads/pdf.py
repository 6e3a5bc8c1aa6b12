"""PDF active content: JavaScript, launch actions and embedded files are refused.

The check walks every object of the document with pikepdf (qpdf), so names written with hex
escapes (``/J#61vaScript``) or hidden in compressed object streams are found as well. A PDF
that cannot be parsed is refused as damaged.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from .errors import UploadRefused

# Keys and name values that carry active content or hidden files.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFiles", "/RichMedia"}
ACTIVE_NAMES = {"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/ImportData"}
MAX_DEPTH = 64


def active_content(data: bytes) -> set[str] | None:
    """The kinds of active content found (empty when none), or None when it is not a PDF
    that can be read."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found: set[str] = set()
            for obj in pdf.objects:
                _walk(obj, found, 0)
            return found
    except (pikepdf.PdfError, ValueError, RecursionError, TypeError):
        return None


def _walk(obj, found: set[str], depth: int) -> None:
    import pikepdf

    if depth > MAX_DEPTH:
        found.add("/Depth")
        return
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        for key in obj.keys():  # noqa: SIM118 - pikepdf dictionaries
            if key in ACTIVE_KEYS:
                found.add(key)
            value = obj.get(key)
            if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:
                found.add(str(value))
            elif isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                _walk(value, found, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES:
                found.add(str(value))
            elif isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                _walk(value, found, depth + 1)


def check_pdf(data: bytes, *, nombre: str) -> None:
    found = active_content(data)
    if found is None:
        raise UploadRefused(
            _("«%(nombre)s» no es un PDF válido o está dañado.") % {"nombre": nombre},
            code="type",
        )
    if found:
        raise UploadRefused(
            _(
                "«%(nombre)s» contiene elementos activos (JavaScript, acciones de ejecución o "
                "ficheros incrustados) y no se ha admitido. Imprímalo a PDF o expórtelo como "
                "PDF/A y vuelva a adjuntarlo."
            )
            % {"nombre": nombre},
            code="active",
        )
