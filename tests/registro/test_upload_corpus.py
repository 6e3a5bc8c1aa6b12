"""The upload corpus against EVERY way a document enters: sede filing, district desk, the
registry API, the deed of a power of attorney at the powers office (web and API) and the
documents sent to the portafirmas (web and API) pass the one upload policy (the ``uploads``
package; design.md "One upload policy").

Each hostile file (built by tests/registro/hostile.py) is refused on every path with a message
that says why, and nothing is stored: no attachment, no registry entry, no power, no signature
request, no number consumed, no file written to the document storage.
A stand-in clamd (the real INSTREAM protocol over a UNIX socket) is the configured scanner.
"""

from __future__ import annotations

import base64
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apoderamientos.models import Apoderamiento
from firma.models import DocumentoVersion, PeticionFirma
from identidad.models import User
from registro.models import Asiento, AsientoDocumento, Contador
from sede.models import Adjunto
from tests.apoderamientos.conftest import login
from tests.firma.portafirmas_support import jefa as jefa  # noqa: F401
from tests.firma.portafirmas_support import tecnica as tecnica  # noqa: F401
from tests.registro import hostile
from tests.registro.conftest import scan_pdf
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import new_draft
from uploads import Limits, UploadRefused, check_upload

pytestmark = pytest.mark.django_db

PATHS = ["sede", "desk", "api", "deed", "deed_api", "portafirmas", "portafirmas_api"]


@dataclass
class Outcome:
    accepted: bool
    text: str
    status: int


@pytest.fixture
def clamd(settings, tmp_path):
    server = hostile.FakeClamd(tmp_path / "clamd.sock")
    settings.SEDE_SCAN_BACKEND = "uploads.scanning.ClamdBackend"
    settings.SEDE_CLAMD_SOCKET = server.path
    yield server
    server.close()


class Channel:
    """One way a document enters; ``send`` uploads files and reports what happened."""

    def __init__(self, name: str, request):
        self.name = name
        self.request = request
        getattr(self, f"_setup_{name}")()

    # sede: the citizen's attachments step
    def _setup_sede(self):
        catalogo = self.request.getfixturevalue("catalogo")
        ciudadana = self.request.getfixturevalue("ciudadana")
        self.client = self.request.getfixturevalue("client_as")(ciudadana)
        self.borrador = new_draft(ciudadana, catalogo["aes"])

    def _send_sede(self, files) -> Outcome:
        url = reverse("sede:filing_step", args=[self.borrador.public_id, "documentos"])
        before = self.borrador.adjuntos.count()
        texts, status = [], 200
        for nombre, data, mime in files:
            upload = SimpleUploadedFile(nombre, data, mime or "application/octet-stream")
            response = self.client.post(url, {"action": "upload:", "libre-fichero": upload})
            status = response.status_code
            texts.append(response.content.decode())
        return Outcome(
            self.borrador.adjuntos.count() == before + len(files), "".join(texts), status
        )

    # desk: a paper submission registered at a district office
    def _setup_desk(self):
        self.oficina = self.request.getfixturevalue("oficina_distrito")
        self.urbanismo = self.request.getfixturevalue("urbanismo")
        self.client = self.request.getfixturevalue("client")
        self.client.force_login(self.request.getfixturevalue("encargado"))  # a registry clerk

    def _send_desk(self, files) -> Outcome:
        (nombre, data, mime), *more = files
        assert not more, "the desk takes one scanned document"
        response = self.client.post(
            reverse("registro:oficina_entrada"),
            {
                "oficina": self.oficina.pk,
                "nif": "00000000T",
                "nombre": "Koldo",
                "apellido1": "Arana",
                "unidad_destino": self.urbanismo.pk,
                "resumen": "Solicitud de vado",
                "idempotency_key": "a" * 32,
                "escaneo": SimpleUploadedFile(nombre, data, mime or "application/octet-stream"),
            },
        )
        return Outcome(response.status_code == 302, response.content.decode(), response.status_code)

    # api: an integration registers an entry with base64 documents
    def _setup_api(self):
        self.request.getfixturevalue("oficina_sede")
        self.request.getfixturevalue("urbanismo")
        user = User.objects.create_user("integracion", password="x")
        user.user_permissions.add(Permission.objects.get(codename="add_asiento"))
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    def _send_api(self, files) -> Outcome:
        documentos = [
            {"nombre": n, "mime": m, "contenido": base64.b64encode(d).decode()} for n, d, m in files
        ]
        response = self.client.post(
            "/api/registro/asientos/",
            {
                "interesado": {"nif": "12345678Z", "nombre": "Miren", "apellido1": "Etxeberria"},
                "resumen": "Solicitud",
                "unidad_destino": "LA0001234",
                "documentos": documentos,
            },
            format="json",
        )
        return Outcome(response.status_code == 201, response.content.decode(), response.status_code)

    # deed: the powers office registers a legal person's power with its deed (escritura)
    def _setup_deed(self):
        staff = self.request.getfixturevalue("funcionario")
        staff.user_permissions.add(Permission.objects.get(codename="gestionar_apoderamientos"))
        self.empresa = self.request.getfixturevalue("empresa")
        self.representante = self.request.getfixturevalue("representante")
        self.client = self.request.getfixturevalue("client")
        login(self.client, User.objects.get(pk=staff.pk))

    def _send_deed(self, files) -> Outcome:
        (nombre, data, mime), *more = files
        assert not more, "a power has one deed"
        response = self.client.post(
            reverse("apoderamientos:oficina_nuevo"),
            {
                "poderdante_nifs": self.empresa.nif,
                "apoderado_nif": self.representante.nif,
                "presentante": "apoderado",
                "tipo": "general",
                "escritura": SimpleUploadedFile(nombre, data, mime or "application/octet-stream"),
            },
        )
        return Outcome(response.status_code == 302, response.content.decode(), response.status_code)

    _setup_deed_api = _setup_deed

    def _send_deed_api(self, files) -> Outcome:
        (nombre, data, mime), *more = files
        assert not more, "a power has one deed"
        response = self.client.post(
            "/api/apoderamientos/oficina/",
            {
                "poderdantes": [self.empresa.nif],
                "apoderado": self.representante.nif,
                "presentante": "apoderado",
                "tipo": "general",
                "escritura": SimpleUploadedFile(nombre, data, mime or "application/octet-stream"),
            },
        )
        return Outcome(response.status_code == 201, response.content.decode(), response.status_code)

    # portafirmas: a head of unit sends documents to a circuit (a visto bueno: any type)
    def _setup_portafirmas(self):
        self.revisora = self.request.getfixturevalue("tecnica")
        self.client = self.request.getfixturevalue("client")
        self.client.force_login(self.request.getfixturevalue("jefa"))

    def _send_portafirmas(self, files) -> Outcome:
        response = self.client.post(
            reverse("firma:peticion_nueva"),
            {
                "asunto": "Informe para visto bueno",
                "descripcion": "",
                "fecha_limite": "",
                "documentos": [
                    SimpleUploadedFile(n, d, m or "application/octet-stream") for n, d, m in files
                ],
                "acciones-TOTAL_FORMS": "1",
                "acciones-INITIAL_FORMS": "0",
                "acciones-MIN_NUM_FORMS": "0",
                "acciones-MAX_NUM_FORMS": "20",
                "acciones-0-paso": "1",
                "acciones-0-firmante": str(self.revisora.pk),
                "acciones-0-tipo": "visto_bueno",
                "acciones-0-modo": "propio",
            },
        )
        return Outcome(response.status_code == 302, response.content.decode(), response.status_code)

    _setup_portafirmas_api = _setup_portafirmas

    def _send_portafirmas_api(self, files) -> Outcome:
        response = self.client.post(
            "/api/firma/peticiones/",
            {
                "asunto": "Informe para visto bueno",
                "documentos": [
                    {"nombre": n, "mime": m, "contenido": base64.b64encode(d).decode()}
                    for n, d, m in files
                ],
                "pasos": [{"acciones": [{"firmante": "tecnica", "tipo": "visto_bueno"}]}],
            },
            content_type="application/json",
        )
        return Outcome(response.status_code == 201, response.content.decode(), response.status_code)

    def send(self, *files: tuple[str, bytes, str]) -> Outcome:
        return getattr(self, f"_send_{self.name}")(list(files))

    def good_file(self, name: str = "escrito.pdf") -> tuple[str, bytes, str]:
        # The desk registers authentic copies of paper: a scan at >= 200 ppi (REG-12).
        data = scan_pdf(200) if self.name == "desk" else hostile.text_pdf()
        return (name, data, "application/pdf")


@pytest.fixture(params=PATHS)
def channel(request, clamd) -> Channel:
    return Channel(request.param, request)


def assert_nothing_stored():
    assert not Asiento.objects.exists()
    assert not AsientoDocumento.objects.exists()
    assert not Adjunto.objects.exists()
    assert all(c.last_seq == 0 for c in Contador.objects.all())
    assert not Apoderamiento.objects.exists()
    assert not PeticionFirma.objects.exists()
    assert not DocumentoVersion.objects.exists()
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert not stored, stored


# (file name, builder, declared type, what the refusal says)
CORPUS = {
    "zip_bomb": ("informe.odt", hostile.zip_bomb, "", "ocupa demasiado al descomprimirlo"),
    "nested_zip": ("anexo.docx", hostile.nested_zip, "", "no es de un tipo admitido"),
    "exe_as_pdf": ("factura.pdf", hostile.executable, "application/pdf", "no es de un tipo"),
    "exe_as_pdf_undeclared": ("factura.pdf", hostile.executable, "", "no es de un tipo admitido"),
    "exe_as_txt": ("leeme.txt", hostile.executable, "text/plain", "no es un fichero de texto"),
    "eicar_as_text": ("nota.txt", lambda: hostile.EICAR, "text/plain", "Eicar-Test-Signature"),
    "eicar_in_pdf": ("informe.pdf", hostile.pdf_with_eicar, "", "Eicar-Test-Signature"),
    "html_as_text": ("nota.txt", hostile.html, "text/plain", "contiene HTML"),
    "script_in_text": ("nota.txt", hostile.text_with_script, "text/plain", "contiene HTML"),
    "pdf_javascript": ("a.pdf", hostile.pdf_javascript, "", "elementos activos"),
    "pdf_js_obfuscated": ("a.pdf", hostile.pdf_javascript_obfuscated, "", "elementos activos"),
    "pdf_launch": ("a.pdf", hostile.pdf_launch, "", "elementos activos"),
    "pdf_embedded_file": ("a.pdf", hostile.pdf_embedded_file, "", "elementos activos"),
    "xml_bomb": ("datos.xml", hostile.xml_bomb, "", "declara entidades"),
    "xxe": ("datos.xml", hostile.xxe, "application/xml", "declara entidades"),
    "pdf_zip_polyglot": ("a.pdf", hostile.pdf_zip_polyglot, "", "varios tipos"),
    "jpeg_pdf_polyglot": ("foto.jpg", hostile.jpeg_pdf_polyglot, "", "varios tipos"),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_a_hostile_file_is_refused_on_every_path_and_nothing_is_stored(channel, case):
    nombre, build, mime, message = CORPUS[case]
    outcome = channel.send((nombre, build(), mime))
    assert not outcome.accepted
    assert outcome.status < 500
    assert message in outcome.text
    assert_nothing_stored()


def test_a_good_file_is_accepted_on_every_path(channel):
    """The control: the same paths accept an ordinary document (and the scanner saw it)."""
    assert channel.send(channel.good_file()).accepted
    assert channel.request.getfixturevalue("clamd").scanned >= 1


def test_an_oversize_file_is_refused_on_every_path(channel, settings):
    settings.SEDE_MAX_FILE_BYTES = settings.REGISTRO_MAX_DOCUMENT_BYTES = 64 * 1024
    settings.FIRMA_MAX_DOCUMENT_BYTES = 64 * 1024
    outcome = channel.send(("grande.pdf", hostile.oversize(100 * 1024), ""))
    assert not outcome.accepted and "el máximo por fichero" in outcome.text
    assert_nothing_stored()


@pytest.mark.parametrize("channel", ["sede", "api"], indirect=True)
def test_too_many_files_are_refused(channel, settings):
    """The desk takes one scanned document per entry; the sede and the API take several."""
    settings.SEDE_MAX_FILES = settings.REGISTRO_MAX_DOCUMENTS = 2
    files = [channel.good_file(f"{n}.pdf") for n in range(3)]
    outcome = channel.send(*files)
    assert not outcome.accepted and "más de 2 ficheros" in outcome.text
    assert not Asiento.objects.exists()


def test_a_nul_in_the_file_name_is_no_500_and_never_stored(channel):
    outcome = channel.send(channel.good_file("fac\x00tura.pdf"))
    assert outcome.status < 500
    names = (
        list(Adjunto.objects.values_list("nombre", flat=True))
        + list(AsientoDocumento.objects.values_list("nombre", flat=True))
        + list(DocumentoVersion.objects.values_list("name", flat=True))
        + [Path(a.escritura.name).name for a in Apoderamiento.objects.all()]
    )
    assert all("\x00" not in n for n in names)
    if outcome.accepted:
        assert "factura.pdf" in names


def test_a_configured_scanner_that_does_not_answer_refuses_on_every_path(channel, settings):
    """Fail closed: clamd configured but down → the upload is refused, nothing stored."""
    settings.SEDE_CLAMD_SOCKET = "/nonexistent/clamd.sock"
    outcome = channel.send(channel.good_file())
    assert not outcome.accepted and "No se ha podido comprobar si" in outcome.text
    assert_nothing_stored()


def test_a_zip_bomb_is_refused_without_inflating_it():
    """The 9.7 MB upload that made the server allocate ~10 GB: the policy reads the central
    directory and refuses it; it never inflates more than a bounded prefix."""
    bomb = hostile.zip_bomb(100)
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused) as caught:
            check_upload(nombre="informe.odt", data=bomb, limits=Limits.registry())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "archive"
    assert peak < 5 * 1024 * 1024


def test_office_documents_with_macros_are_refused():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    with pytest.raises(UploadRefused, match="macros"):
        check_upload(nombre="a.docx", data=buf.getvalue())


def test_the_declared_type_never_decides():
    """A PDF declared as an image is recorded as the PDF it is; an executable declared as a
    PDF is refused for its content."""
    assert check_upload(
        nombre="a.png", data=hostile.text_pdf(), declared_mime="image/png"
    ).mime == ("application/pdf")
    with pytest.raises(UploadRefused) as caught:
        check_upload(nombre="a.pdf", data=hostile.executable(), declared_mime="application/pdf")
    assert caught.value.code == "type"


def test_plain_text_that_is_text_is_accepted_as_text():
    checked = check_upload(nombre="nota.txt", data="Kaixo, ¿qué tal?\n".encode())
    assert checked.mime == "text/plain"
