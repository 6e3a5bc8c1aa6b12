"""Type by content (never by the name or the declared type) and the plain-content checks:
text that really is text, XML parsed with entities off, polyglots."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from .archives import DOCX, ODS, ODT, XLSX, is_zip_polyglot, sniff_office
from .errors import UploadRefused

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
XML = "application/xml"
TEXT = "text/plain"

ACCEPTED = (PDF, JPEG, PNG, TIFF, ODT, ODS, DOCX, XLSX, XML, TEXT)
# What may be attached, for the message that lists it.
ACCEPTED_LABEL = "PDF, JPEG, PNG, TIFF, ODT, ODS, DOCX, XLSX, XML, TXT"
IMAGE_TYPES = {JPEG, PNG, TIFF}

# Browsers and integrations send these for files they do not recognise, or under other names.
MIME_ALIASES = {
    "application/octet-stream": "",
    "binary/octet-stream": "",
    "application/x-zip-compressed": "",  # some browsers, for office documents
    "application/zip": "",
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-png": PNG,
    "application/x-pdf": PDF,
    "text/xml": XML,
}
TEXT_SCAN_BYTES = 64 * 1024
_MARKUP = (b"<script", b"<html", b"<!doctype", b"<iframe", b"<svg", b"<body", b"<object")


def normalize_declared(declared: str) -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    return MIME_ALIASES.get(declared, declared)


def clean_name(nombre: str, *, max_length: int = 200) -> str:
    """The file name without a path, control characters (NUL …) or surrounding blanks."""
    nombre = (nombre or "").replace("\\", "/").rsplit("/", 1)[-1]
    # ``isprintable()`` is False for every character of a "C" category (and a few more), so
    # a printable name has nothing to drop: one C-level scan instead of a Python call per
    # character on every upload (issue 10).
    if not nombre.isprintable():
        nombre = "".join(c for c in nombre if unicodedata.category(c)[0] != "C")
    return nombre.strip()[:max_length]


def sniff(data: bytes, *, nombre: str, text_wanted: bool = False) -> str | None:
    """The accepted type of ``data`` by its content, or None. Plain text has no signature:
    it is considered only when the file says it is text (``text_wanted``), and must be text.
    Raises ``UploadRefused`` for a bomb, macros, unsafe XML or markup posing as text."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith(b"PK\x03\x04"):
        return sniff_office(data, nombre=nombre)
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml"):
        check_xml(data, nombre=nombre)
        return XML
    if text_wanted:
        check_text(data, nombre=nombre)
        return TEXT
    return None


def check_text(data: bytes, *, nombre: str) -> None:
    """``text/plain`` must be text: UTF-8 (or Windows-1252), no control characters, no
    markup a browser would run (HTML, SVG, scripts)."""
    refused = UploadRefused(
        _("«%(nombre)s» no es un fichero de texto.") % {"nombre": nombre}, code="text"
    )
    if b"\x00" in data:
        raise refused
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise refused from None
    text = text.removeprefix("\ufeff")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        raise refused
    lowered = data[:TEXT_SCAN_BYTES].lower()
    if text.lstrip().startswith("<") or any(tag in lowered for tag in _MARKUP):
        raise UploadRefused(
            _("«%(nombre)s» contiene HTML o código, no texto; no se ha admitido.")
            % {"nombre": nombre},
            code="text",
        )


def check_xml(data: bytes, *, nombre: str) -> None:
    """Well-formed XML, parsed with entities, DTDs and network access off; a document that
    declares a DTD or entities (XML bomb, XXE) is refused."""
    from lxml import etree

    refused = UploadRefused(
        _(
            "«%(nombre)s» no es un XML bien formado o declara entidades o una DTD; no se ha "
            "admitido."
        )
        % {"nombre": nombre},
        code="xml",
    )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise refused
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise refused from None
    if tree.getroottree().docinfo.internalDTD is not None:
        raise refused


def check_polyglot(data: bytes, mime: str, *, nombre: str) -> None:
    """A file that is also another kind of file (a PDF inside an image, a ZIP appended to a
    PDF …) is refused: a reader could open the other one."""
    other_pdf = mime != PDF and b"%PDF-" in data[:1024]
    other_zip = mime not in (ODT, ODS, DOCX, XLSX) and is_zip_polyglot(data)
    if other_pdf or other_zip:
        raise UploadRefused(
            _("«%(nombre)s» contiene a la vez ficheros de varios tipos y no se ha admitido.")
            % {"nombre": nombre},
            code="polyglot",
        )
