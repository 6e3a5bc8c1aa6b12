"""Hostile uploads, built by the tests (never stored binaries), and a stand-in clamd.

Each builder returns the bytes of one file an attacker could send: a zip bomb, nested
archives, executables under another name, EICAR, HTML posing as text, PDFs with active
content, XML bombs and XXE, polyglots.
"""

from __future__ import annotations

import functools
import io
import os
import socket
import struct
import threading
import zipfile
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MIB = 1024 * 1024


def text_pdf(text: str = "Solicitud") -> bytes:
    from tests.firma.conftest import make_pdf

    return make_pdf(text)


@functools.cache
def zip_bomb(inflated_mib: int = 100) -> bytes:
    """An ODF-shaped archive whose ``mimetype`` member inflates to ``inflated_mib`` MiB of
    zeros (~1000:1): a reader that inflates a member to sniff it allocates all of it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("mimetype", "w", force_zip64=True) as member:
            chunk = b"\0" * MIB
            for _ in range(inflated_mib):
                member.write(chunk)
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def nested_zip(depth: int = 4) -> bytes:
    data = b"MZ\x90\x00" + b"\x00" * 60
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"capa{level}.zip" if level else "carga.exe", data)
        data = buf.getvalue()
    return data


def executable() -> bytes:
    """The start of a Windows PE executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + os.urandom(512)


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>document.location='//evil'</script></body></html>"


def text_with_script() -> bytes:
    return b"Nota para el expediente.\n<script>alert(document.cookie)</script>\n"


def _pdf_from_objects(*objects: bytes) -> bytes:
    """A PDF written by hand (no xref table: readers rebuild it, as they do for attackers)."""
    body = b"%PDF-1.4\n"
    for number, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_javascript() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hola')")
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_javascript_obfuscated() -> bytes:
    """/JavaScript written with hex escapes, in a hand-written file."""
    return _pdf_from_objects(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    )


def pdf_launch() -> bytes:
    return _pdf_from_objects(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    )


def pdf_embedded_file() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["factura.exe"] = pikepdf.AttachedFileSpec(
        pdf, executable(), filename="factura.exe"
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_with_eicar() -> bytes:
    return text_pdf("Informe") + b"%" + EICAR + b"\n"


def xml_bomb() -> bytes:
    lines = [b'<?xml version="1.0"?>', b"<!DOCTYPE lolz [", b' <!ENTITY lol "lol">']
    for n in range(1, 10):
        prev = b"&lol%d;" % (n - 1) if n > 1 else b"&lol;"
        lines.append(b' <!ENTITY lol%d "%s">' % (n, prev * 10))
    lines += [b"]>", b"<lolz>&lol9;</lolz>"]
    return b"\n".join(lines)


def xxe() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>'
    )


def pdf_zip_polyglot() -> bytes:
    """A valid PDF with a ZIP archive appended: a PDF reader and an unzip tool each open it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("carga.exe", executable())
    return text_pdf("Polígloto") + buf.getvalue()


def jpeg_pdf_polyglot() -> bytes:
    """JPEG magic first and a PDF header within the first kilobyte (PDF readers look there)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64 + text_pdf("Oculto")


def oversize(size: int) -> bytes:
    return b"%PDF-1.4\n%" + b"0" * size


class FakeClamd:
    """A stand-in clamd on a UNIX socket speaking INSTREAM; it finds EICAR, as ClamAV does."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(8)
        self.scanned = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn) -> None:
        command = b""
        while not command.endswith(b"\0"):
            part = conn.recv(1)
            if not part:
                return
            command += part
        data = b""
        while True:
            size = struct.unpack("!L", self._recv(conn, 4))[0]
            if not size:
                break
            data += self._recv(conn, size)
        self.scanned += 1
        found = EICAR in data
        conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    @staticmethod
    def _recv(conn, n: int) -> bytes:
        out = b""
        while len(out) < n:
            part = conn.recv(n - len(out))
            if not part:
                raise OSError("client went away")
            out += part
        return out

    def close(self) -> None:
        self.server.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
