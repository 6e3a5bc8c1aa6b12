"""Attachments: type by content (not extension), limits per file and per submission, SHA-256,
stored through the storage backend, the malware-scan hook; each refusal says why."""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import threading

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sede.services import Upload, adjunto_add
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import docx_bytes, make_pdf, odt_bytes, png_bytes
from tests.sede.test_submit import new_draft
from uploads import ScanBackend, ScanResult, UploadRefused, check_upload
from uploads.scanning import ClamdBackend

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class EicarScanner(ScanBackend):
    """A scanner that finds the EICAR test string (what ClamAV reports for it)."""

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(clean=False, threat="Eicar-Test-Signature")
        return ScanResult(clean=True)


class BrokenScanner(ScanBackend):
    def scan(self, data: bytes) -> ScanResult:
        from uploads import ScanError

        raise ScanError("clamd is down")


@pytest.fixture
def borrador(catalogo, ciudadana):
    return new_draft(ciudadana, catalogo["aes"])


def upload_url(borrador):
    return reverse("sede:filing_step", args=[borrador.public_id, "documentos"])


class TestTypeByContent:
    @pytest.mark.parametrize(
        ("maker", "mime"),
        [
            (make_pdf, "application/pdf"),
            (png_bytes, "image/png"),
            (odt_bytes, "application/vnd.oasis.opendocument.text"),
            (
                docx_bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (lambda: b'<?xml version="1.0"?><a>1</a>', "application/xml"),
        ],
    )
    def test_accepted_types_are_recognised_by_their_content(self, maker, mime):
        checked = check_upload(nombre="sin-extension", data=maker())
        assert checked.mime == mime

    def test_an_executable_renamed_to_pdf_is_refused(self):
        with pytest.raises(UploadRefused, match="no es de un tipo admitido"):
            check_upload(nombre="factura.pdf", data=b"MZ\x90\x00" + b"\x00" * 100)

    def test_a_zip_that_is_not_an_office_document_is_refused(self):
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("virus.exe", "MZ")
        with pytest.raises(UploadRefused, match="no es de un tipo admitido"):
            check_upload(nombre="documento.docx", data=buf.getvalue())

    def test_xml_with_entity_declarations_is_refused(self):
        bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
        with pytest.raises(UploadRefused):
            check_upload(nombre="datos.xml", data=bomb)


class TestLimits:
    def test_an_empty_file_is_refused(self):
        with pytest.raises(UploadRefused, match="está vacío"):
            check_upload(nombre="vacio.pdf", data=b"")

    def test_a_file_over_the_size_limit_is_refused(self, settings):
        settings.SEDE_MAX_FILE_BYTES = 2048
        with pytest.raises(UploadRefused, match="el máximo por fichero"):
            check_upload(nombre="grande.pdf", data=b"%PDF-" + b"0" * 3000)

    def test_the_total_of_a_submission_is_limited(self, settings, borrador):
        settings.SEDE_MAX_SUBMISSION_BYTES = int(len(make_pdf()) * 1.5)
        adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf("a")))
        with pytest.raises(UploadRefused, match="el máximo por solicitud"):
            adjunto_add(borrador=borrador, upload=Upload("b.pdf", make_pdf("b")))

    def test_the_number_of_files_is_limited(self, settings, borrador):
        settings.SEDE_MAX_FILES = 1
        adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf("a")))
        with pytest.raises(UploadRefused, match="más de 1 ficheros"):
            adjunto_add(borrador=borrador, upload=Upload("b.pdf", make_pdf("b")))


class TestMalwareHook:
    def test_no_scanning_by_default(self, settings):
        assert settings.SEDE_SCAN_BACKEND == "uploads.scanning.NoScanBackend"

    def test_a_file_with_malware_is_refused(self, settings):
        settings.SEDE_SCAN_BACKEND = f"{__name__}.EicarScanner"
        with pytest.raises(UploadRefused, match="Eicar-Test-Signature"):
            check_upload(nombre="infectado.pdf", data=b"%PDF-1.4\n" + EICAR)

    def test_a_scanner_that_cannot_answer_refuses_the_file(self, settings):
        settings.SEDE_SCAN_BACKEND = f"{__name__}.BrokenScanner"
        with pytest.raises(UploadRefused, match="virus"):
            check_upload(nombre="a.pdf", data=make_pdf())

    def test_the_clamd_backend_speaks_instream(self, tmp_path):
        """Against a stand-in clamd on a UNIX socket that answers like the real one."""
        path = str(tmp_path / "clamd.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(2)

        def serve():
            for _ in range(2):
                conn, _addr = server.accept()
                with conn:
                    assert conn.recv(10) == b"zINSTREAM\0"
                    data = b""
                    while True:
                        size = struct.unpack("!L", conn.recv(4))[0]
                        if size == 0:
                            break
                        while size:
                            chunk = conn.recv(size)
                            data += chunk
                            size -= len(chunk)
                    found = EICAR in data
                    conn.sendall(
                        b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
                    )

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        backend = ClamdBackend(socket_path=path, timeout=5)
        assert backend.scan(make_pdf()).clean
        result = backend.scan(b"%PDF-" + EICAR)
        assert not result.clean and result.threat == "Eicar-Test-Signature"
        thread.join(5)
        server.close()
        os.unlink(path)


class TestThroughTheWeb:
    def test_a_slot_upload_is_hashed_stored_and_listed(self, borrador, client_as, ciudadana):
        client = client_as(ciudadana)
        data = make_pdf("Nómina")
        response = client.post(
            upload_url(borrador),
            {"action": "upload:1", "slot1-fichero": SimpleUploadedFile("nomina.pdf", data)},
        )
        assert response.status_code == 302
        adjunto = borrador.adjuntos.get()
        assert adjunto.slot == "1"
        assert adjunto.sha256 == hashlib.sha256(data).hexdigest()
        assert default_storage.open(adjunto.file).read() == data
        page = client.get(upload_url(borrador)).content.decode()
        assert adjunto.sha256 in page and "nomina.pdf" in page

    def test_a_refusal_is_shown_next_to_the_field_and_in_the_summary(
        self, borrador, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        response = client.post(
            upload_url(borrador),
            {"action": "upload:0", "slot0-fichero": SimpleUploadedFile("dni.pdf", b"hola")},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "error-summary" in html and 'href="#id_slot0-fichero"' in html
        assert 'id="id_slot0-fichero_error"' in html
        assert not borrador.adjuntos.exists()

    def test_a_new_file_in_a_slot_replaces_the_old_one(self, borrador, ciudadana):
        adjunto_add(borrador=borrador, upload=Upload("v1.pdf", make_pdf("1")), slot="2")
        adjunto_add(borrador=borrador, upload=Upload("v2.pdf", make_pdf("2")), slot="2")
        assert list(borrador.adjuntos.values_list("nombre", flat=True)) == ["v2.pdf"]

    def test_mandatory_documents_must_be_attached_before_continuing(
        self, borrador, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        response = client.post(upload_url(borrador), {"action": "next"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Falta el documento" in html
        for slot in range(4):
            adjunto_add(
                borrador=borrador, upload=Upload(f"{slot}.pdf", make_pdf(str(slot))), slot=str(slot)
            )
        response = client.post(upload_url(borrador), {"action": "next"})
        assert response.status_code == 302

    def test_removing_an_attachment(self, borrador, client_as, ciudadana):
        adjunto = adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf()))
        client = client_as(ciudadana)
        response = client.post(upload_url(borrador), {"action": f"remove:{adjunto.pk}"})
        assert response.status_code == 302
        assert not borrador.adjuntos.exists()

    def test_nobody_else_can_remove_my_attachment(
        self, borrador, client_as, otra_ciudadana, catalogo
    ):
        adjunto = adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf()))
        theirs = new_draft(otra_ciudadana, catalogo["aes"])
        client = client_as(otra_ciudadana)
        assert (
            client.post(upload_url(borrador), {"action": f"remove:{adjunto.pk}"}).status_code == 404
        )
        response = client.post(upload_url(theirs), {"action": f"remove:{adjunto.pk}"})
        assert response.status_code == 404
        assert borrador.adjuntos.count() == 1


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    catalogo, client_as, ciudadana, settings
):
    settings.SEDE_MAX_FILE_BYTES = 4096
    borrador = new_draft(ciudadana, catalogo["aes"])
    response = client_as(ciudadana).post(
        upload_url(borrador),
        {
            "action": "upload:",
            "libre-fichero": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 9000),
        },
    )
    assert "ocupa 0,0 MB; el máximo por fichero es 0,0 MB" in response.content.decode()
    assert not borrador.adjuntos.exists()


def test_the_clamd_backend_reports_an_unreachable_daemon(tmp_path, settings):
    """Off by default; when chosen and clamd is down, uploads are refused (fail closed)."""
    from uploads import ScanError

    with pytest.raises(ScanError):
        ClamdBackend(socket_path=str(tmp_path / "none.sock"), timeout=1).scan(b"%PDF-")
    settings.SEDE_SCAN_BACKEND = "uploads.scanning.ClamdBackend"
    settings.SEDE_CLAMD_SOCKET = str(tmp_path / "none.sock")
    with pytest.raises(UploadRefused, match="virus"):
        check_upload(nombre="a.pdf", data=make_pdf())
