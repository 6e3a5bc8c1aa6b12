"""Stamp the CSV, its verification URL and a QR code on every page of a PDF (FIR-8).

Stamping changes the document, so it runs BEFORE any signature or seal: a signed PDF
that is stamped afterwards no longer matches its signatures.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _

# Position of the stamp's lower-left corner, in points from the page's lower-left corner.
STAMP_X = 18
STAMP_Y = 6
STAMP_FONT_SIZE = 6
STAMP_QR_SIZE = 42


class StampingError(ValueError):
    """The content is not a PDF that can be stamped (malformed, encrypted...)."""


def stamp_text(*, code: str, url: str) -> str:
    """The text printed beside the QR code."""
    return _(
        "Código Seguro de Verificación (CSV): %(code)s\nPuede verificar este documento en %(url)s"
    ) % {"code": code, "url": url}


def stamp_pdf(data: bytes, *, code: str, url: str) -> bytes:
    """Return ``data`` with the CSV text, the verification URL and a QR code on every page.

    The QR code encodes ``url``; the text names the CSV and the URL. The stamp is added as an
    incremental update, so the original bytes are kept unchanged at the start of the result.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStamp, QRStampStyle

    style = QRStampStyle(
        border_width=0,
        stamp_text="%(texto)s",
        text_box_style=TextBoxStyle(font_size=STAMP_FONT_SIZE),
        innsep=2,
        qr_inner_size=STAMP_QR_SIZE,
    )
    text = stamp_text(code=code, url=url).replace("%", "%%")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        if writer.prev.encrypted:
            raise StampingError("encrypted PDF")
        page_count = int(writer.root["/Pages"]["/Count"])
        for page_ix in range(page_count):
            page = writer.find_page_for_modification(page_ix)[0].get_object()
            x0, y0 = _lower_left(page)
            stamp = QRStamp(writer, url=url, style=style, text_params={"texto": text})
            stamp.apply(page_ix, x0 + STAMP_X, y0 + STAMP_Y)
        out = BytesIO()
        writer.write(out)
    except StampingError:
        raise
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise StampingError(str(exc)) from exc
    return out.getvalue()


def _lower_left(page) -> tuple[float, float]:
    box = page.get("/CropBox") or page.get("/MediaBox")
    if box is None:
        return 0.0, 0.0
    box = box.get_object()
    return float(min(box[0], box[2])), float(min(box[1], box[3]))
