"""ENI export (EXP-5, DOC-1..5) validated against the official XSDs, the sealed index and its
verification (EXP-2, EXP-3), the remission package, documents in several files (EXP-4),
authentic paper copies (EE03), metadata corrections (DOC-1) and REG-11."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from expedientes import eni
from expedientes.constants import (
    EstadoElaboracion,
    EstadoExpediente,
    MotivoRequerimiento,
    Origen,
    TipoDocumental,
)
from expedientes.models import DocumentoENI, Expediente, Requerimiento
from expedientes.services import (
    AccionNoPermitida,
    documento_capture,
    documento_copia_papel,
    documento_link,
    documento_metadata_correct,
    documento_unsafe_flagged,
    expediente_close,
    expediente_open_from_asiento,
    expediente_remit,
    indice_verify,
    remission_package,
)

from .support import assert_valid, sign_resolution

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cerrado(opened, tramitador, firmante, run_on_commit):
    sign_resolution(opened, tramitador, firmante, run_on_commit)
    return expediente_close(expediente=opened, actor=tramitador)


class TestDocumentoE:
    def test_a_citizen_document_validates_against_the_documento_xsd(self, opened):
        """DOC-1, DOC-2, DOC-5: metadata, inline content and NombreFormato."""
        documento = opened.documentos.order_by("orden").first().documento
        data = eni.tostring(eni.documento_xml(documento))
        doc = assert_valid("documentoEni.xsd", data)
        ns = {"m": eni.NS["enidocmeta"]}
        assert doc.findtext(".//m:Identificador", namespaces=ns) == documento.identificador
        assert doc.findtext(".//m:OrigenCiudadanoAdministracion", namespaces=ns) == "false"
        assert doc.findtext(".//m:TipoDocumental", namespaces=ns) == "TD14"

    def test_a_sealed_act_carries_its_csv_and_signature_type(self, opened, tramitador):
        from expedientes.services import requerimiento_issue

        req = requerimiento_issue(expediente=opened, texto="Aporte el plano.", actor=tramitador)
        doc = assert_valid("documentoEni.xsd", eni.tostring(eni.documento_xml(req.documento)))
        ns = {"f": eni.NS["enids"]}
        assert sorted(doc.xpath(".//f:TipoFirma/text()", namespaces=ns)) == ["TF01", "TF06"]
        assert doc.findtext(".//f:ValorCSV", namespaces=ns) == req.documento.actual.csv

    def test_a_paper_copy_is_ee03_with_csv_and_seal(self, opened, tramitador):
        """REG-12, DOC-3: an authentic copy of paper (EE03) made at the desk."""
        from tests.firma.conftest import make_pdf

        copia = documento_copia_papel(
            content=make_pdf("Escritura"),
            nombre="escritura.pdf",
            organo=opened.unidad.dir3,
            resolution_ppi=300,
            created_by=tramitador,
        )
        assert copia.estado_elaboracion == EstadoElaboracion.COPIA_PAPEL
        assert copia.origen == Origen.ADMINISTRACION
        assert copia.actual.csv and copia.actual.tipo_firma == "TF06"
        assert_valid("documentoEni.xsd", eni.tostring(eni.documento_xml(copia)))
        with pytest.raises(Exception, match="200"):
            documento_copia_papel(
                content=make_pdf("x"),
                nombre="x.pdf",
                organo=opened.unidad.dir3,
                resolution_ppi=150,
                created_by=tramitador,
            )

    def test_a_format_change_copy_must_name_its_original(self, opened):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            documento_capture(
                nombre="copia.pdf",
                mime="application/pdf",
                organo=opened.unidad.dir3,
                origen=Origen.ADMINISTRACION,
                tipo_documental=TipoDocumental.OTROS,
                content=b"%PDF-1.4",
                estado_elaboracion=EstadoElaboracion.COPIA_CAMBIO_FORMATO,
            )
        assert not DocumentoENI.objects.filter(nombre="copia.pdf").exists()

    def test_metadata_change_only_as_a_recorded_correction(self, opened, tramitador):
        """DOC-1: metadata are immutable except to correct an error, and it is recorded."""
        documento = opened.documentos.first().documento
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            documento_metadata_correct(
                documento=documento, actor=tramitador, motivo="", tipo_documental="TD05"
            )
        with pytest.raises(ValidationError):
            documento_metadata_correct(
                documento=documento, actor=tramitador, motivo="x", fecha_captura="2020"
            )
        fixed = documento_metadata_correct(
            documento=documento,
            actor=tramitador,
            motivo="Era una declaración",
            tipo_documental="TD05",
        )
        assert fixed.tipo_documental == "TD05"
        assert fixed.correcciones[0]["antes"] == {"tipo_documental": "TD14"}

    def test_a_document_may_belong_to_several_files(self, opened, register):
        """EXP-4."""
        other = expediente_open_from_asiento(asiento=register())
        documento = opened.documentos.first().documento
        documento_link(expediente=other, documento=documento)
        assert documento.expedientes.count() == 2


class TestIndice:
    def test_the_closing_index_is_sealed_and_verifies(self, cerrado):
        indice = cerrado.indices.get()
        check = indice_verify(indice)
        assert check.ok, (check.firma_result, check.alteraciones)
        assert check.firma_result == "valid"

    def test_an_altered_document_is_named_by_the_verification(self, cerrado):
        """EXP-3: altering any document breaks the index."""
        indice = cerrado.indices.get()
        member = cerrado.documentos.order_by("orden")[1]
        version = member.documento.actual
        path = Path(version.content.path)
        path.write_bytes(path.read_bytes() + b"% tampered")
        check = indice_verify(indice)
        assert not check.ok
        assert [a.identificador for a in check.alteraciones] == [member.documento.identificador]
        assert check.alteraciones[0].nombre == member.documento.nombre

    def test_an_altered_index_breaks_the_seal(self, cerrado):
        indice = cerrado.indices.get()
        xml = bytes(indice.xml_sellado)
        first = indice.entradas[0]["huella"]
        indice.xml_sellado = xml.replace(first.encode(), b"A" * len(first), 1)
        check = indice_verify(indice)
        assert check.firma_result == "invalid" and not check.ok


class TestExpedienteE:
    def test_the_remission_package_validates_and_puts_the_file_first(self, cerrado, tramitador):
        """EXP-5: expediente-e (index + metadata) first, then documents in index order."""
        indice = expediente_remit(expediente=cerrado, actor=tramitador)
        exp = Expediente.objects.get(pk=cerrado.pk)
        assert exp.estado == EstadoExpediente.INDICE_REMISION
        assert indice.motivo == "remision"
        data = remission_package(exp)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            assert names[0] == "expediente.xml"
            expediente_doc = assert_valid("expedienteEni.xsd", zf.read("expediente.xml"))
            for name in names[1:]:
                assert_valid("documentoEni.xsd", zf.read(name))
        assert names[1:] == [
            f"documentos/{e['orden']:04d}_{e['identificador']}.xml" for e in indice.entradas
        ]
        ns = {"m": eni.NS["eniexpmeta"]}
        assert expediente_doc.findtext(".//m:Estado", namespaces=ns) == "E03"
        assert expediente_doc.findtext(".//m:Identificador", namespaces=ns) == exp.identificador
        assert expediente_doc.xpath(".//m:Interesado/text()", namespaces=ns) == ["12345678Z"]
        with pytest.raises(AccionNoPermitida):
            expediente_remit(expediente=exp, actor=tramitador)


class TestReg11:
    def test_an_unsafe_document_raises_a_ten_day_correction_request(self, opened):
        """REG-11 (RD 203/2021 art. 39.2): registro flags a registered document as unsafe."""
        documento = opened.documentos.order_by("orden")[1].documento
        issued = documento_unsafe_flagged(asiento_documento_id=documento.asiento_documento_id)
        assert len(issued) == 1
        req = issued[0]
        assert req.motivo == MotivoRequerimiento.DOCUMENTO_INSEGURO
        assert req.documento_afectado == documento and req.dias == 10
        assert documento.nombre in req.texto
        documento.refresh_from_db()
        assert documento.inseguro_at is not None
        # Flagging twice raises no second request.
        assert documento_unsafe_flagged(asiento_documento_id=documento.asiento_documento_id) == []
        assert Requerimiento.objects.count() == 1
