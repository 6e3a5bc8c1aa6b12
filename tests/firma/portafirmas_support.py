"""Helpers and fixtures shared by the CSV, verification, stamping and portafirmas tests."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter


def make_pdf(pages: int = 1, title: str = "Documento de prueba") -> bytes:
    """A small PDF with ``pages`` A4 pages, each saying its number."""
    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            }
        )
    )
    for n in range(1, pages + 1):
        text = f"{title} - pagina {n}".encode("latin-1")
        content = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET")
        )
        resources = generic.DictionaryObject(
            {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}
        )
        writer.insert_page(PageObject(content, (0, 0, 595, 842), resources))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _streams(obj, seen: set) -> list[bytes]:
    """Decoded content of a page or form XObject and of the XObjects it draws."""
    out: list[bytes] = []
    contents = obj.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
        items = contents if isinstance(contents, generic.ArrayObject) else [contents]
        out.extend(item.get_object().data for item in items)
    elif isinstance(obj, generic.StreamObject):
        out.append(obj.data)
    resources = obj.get("/Resources")
    if resources is not None:
        xobjects = resources.get_object().get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else id(ref)
                if key in seen:
                    continue
                seen.add(key)
                out.extend(_streams(ref.get_object(), seen))
    return out


_ESCAPES = {b"n": "\n", b"r": "\r", b"t": "\t", b"b": "\b", b"f": "\f"}


def _unescape(literal: bytes) -> str:
    """Decode a PDF literal string's escapes (octal, \\n, \\( ...)."""

    def repl(m: re.Match) -> str:
        esc = m.group(1)
        if esc[:1].isdigit():
            return chr(int(esc, 8))
        return _ESCAPES.get(esc, esc.decode("latin-1"))

    return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: repl(m).encode("latin-1"), literal).decode(
        "latin-1"
    )


def page_texts(data: bytes) -> list[str]:
    """The text drawn on each page (literal and hex strings of the content, joined)."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    count = int(reader.root["/Pages"]["/Count"])
    texts = []
    for ix in range(count):
        page = reader.find_page_for_modification(ix)[0].get_object()
        raw = b"\n".join(_streams(page, set()))
        parts = [_unescape(m) for m in re.findall(rb"\(((?:\\.|[^\\)])*)\)", raw)]
        parts += [
            bytes.fromhex(m.decode()).decode("latin-1")
            for m in re.findall(rb"<([0-9A-Fa-f\s]+)>\s*Tj", raw)
        ]
        texts.append("\n".join(parts))
    return texts


def has_qr_image(data: bytes, page_ix: int) -> bool:
    """True when page ``page_ix`` draws an XObject named /QR (pyHanko's QR code)."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    page = reader.find_page_for_modification(page_ix)[0].get_object()

    def walk(obj, depth=0) -> bool:
        resources = obj.get("/Resources")
        if resources is None or depth > 5:
            return False
        xobjects = resources.get_object().get("/XObject")
        if xobjects is None:
            return False
        for name, ref in xobjects.get_object().items():
            if name == "/QR":
                return True
            if walk(ref.get_object(), depth + 1):
                return True
        return False

    return walk(page)


# --- Portafirmas fixtures -------------------------------------------------------------


def signature_count(data: bytes) -> int:
    """How many signatures a PDF carries."""
    return len(PdfFileReader(BytesIO(data), strict=False).embedded_signatures)


def _staff(username: str, first: str, last: str, *, keystore: str | None = None, cargo=""):
    from django.contrib.auth import get_user_model

    from firma.models import FirmanteConfig

    user = get_user_model().objects.create_user(
        username,
        password="x",
        is_staff=True,
        first_name=first,
        last_name=last,
        email=f"{username}@bilbao.example",
    )
    if keystore:
        FirmanteConfig.objects.create(user=user, keystore_name=keystore, cargo=cargo)
    return user


@pytest.fixture
def alcaldesa(db):
    """Signs with the demo PKI's "alcaldesa" certificate."""
    return _staff("alcaldesa", "Miren", "Agirre Lasa", keystore="alcaldesa", cargo="Alcaldesa")


@pytest.fixture
def concejal(db):
    return _staff("concejal", "Koldo", "Uriarte Bilbao", keystore="concejal", cargo="Concejal")


@pytest.fixture
def secretario(db):
    return _staff("secretario", "Jon", "Etxebarria", keystore="secretario", cargo="Secretario")


@pytest.fixture
def tecnica(db):
    """Staff who gives vistos buenos; has no signing certificate."""
    return _staff("tecnica", "Ane", "Zubiri")


@pytest.fixture
def jefa(db):
    """Head of unit: creates signature requests (the role holds firma.add_peticionfirma)."""
    from django.contrib.auth.models import Group

    from identidad.roles import Role

    user = _staff("jefa", "Nerea", "Ibarra")
    user.groups.add(Group.objects.get(name=Role.UNIT_HEAD.value))
    return user


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the eager Celery tasks) of the block it wraps."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _spanish():
    """Texts asserted in Spanish: start from Spanish whatever an earlier test activated."""
    from django.utils import translation

    translation.activate("es")
    yield
    translation.activate("es")
