"""API of case files: the same scope rules as the web, both ways, and ENI XML that validates."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from expedientes.services import informe_request
from identidad.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


class TestStaffApi:
    def test_the_units_handler_lists_and_reads_the_file_audited(self, api, expediente, tramitador):
        c = as_user(api, tramitador)
        listing = c.get("/api/expedientes/gestion/")
        assert listing.status_code == 200
        assert [r["identificador"] for r in listing.json()["results"]] == [expediente.identificador]
        detail = c.get(f"/api/expedientes/gestion/{expediente.pk}/")
        assert detail.status_code == 200
        body = detail.json()
        assert body["estado"] == "E01"
        assert [d["tipo_documental"] for d in body["documentos"]] == ["TD14", "TD99"]
        assert body["partes"][0]["nif"] == "12345678Z"
        assert AuditEntry.objects.filter(
            action="expedientes.expediente.view", object_id=str(expediente.pk)
        ).exists()

    def test_another_units_handler_and_citizens_get_404(
        self, api, expediente, tramitador_ajeno, ciudadana
    ):
        for user in (tramitador_ajeno, ciudadana):
            c = as_user(api, user)
            assert c.get("/api/expedientes/gestion/").json()["results"] == []
            assert c.get(f"/api/expedientes/gestion/{expediente.pk}/").status_code == 404

    def test_a_colleague_asked_for_a_report_reads_that_file(
        self, api, expediente, tramitador, tramitador_ajeno
    ):
        informe_request(
            expediente=expediente,
            solicitado_a=tramitador_ajeno,
            asunto="Informe",
            preceptivo=False,
            actor=tramitador,
        )
        c = as_user(api, tramitador_ajeno)
        assert c.get(f"/api/expedientes/gestion/{expediente.pk}/").status_code == 200

    def test_document_content_and_eni_xml(self, api, expediente, tramitador):
        from lxml import etree

        from .support import eni_dir

        c = as_user(api, tramitador)
        doc = expediente.documentos.order_by("orden").first().documento_id
        content = c.get(f"/api/expedientes/gestion/{expediente.pk}/documentos/{doc}/contenido/")
        assert content.status_code == 200
        assert b"".join(content.streaming_content).startswith(b"%PDF-")
        xml = c.get(f"/api/expedientes/gestion/{expediente.pk}/documentos/{doc}/eni/")
        assert xml.status_code == 200
        path = eni_dir() / "documentoEni.xsd"
        if path.exists():
            schema = etree.XMLSchema(etree.parse(str(path)))
            assert schema.validate(etree.fromstring(xml.content)), schema.error_log

    def test_anonymous_gets_no_access(self, api, expediente):
        assert api.get("/api/expedientes/gestion/").status_code in (401, 403)
        assert api.get("/api/expedientes/mios/").status_code in (401, 403)


class TestCitizenApi:
    def test_the_person_lists_and_reads_their_file(self, api, expediente, ciudadana):
        c = as_user(api, ciudadana)
        results = c.get("/api/expedientes/mios/").json()["results"]
        assert [r["id"] for r in results] == [expediente.pk]
        assert c.get(f"/api/expedientes/mios/{expediente.pk}/").status_code == 200

    def test_another_citizen_gets_404(self, api, expediente, otra_ciudadana):
        c = as_user(api, otra_ciudadana)
        assert c.get("/api/expedientes/mios/").json()["results"] == []
        assert c.get(f"/api/expedientes/mios/{expediente.pk}/").status_code == 404
        doc = expediente.documentos.first().documento_id
        url = f"/api/expedientes/mios/{expediente.pk}/documentos/{doc}/contenido/"
        assert c.get(url).status_code == 404

    def test_hidden_documents_are_not_served(self, api, expediente, ciudadana):
        member = expediente.documentos.order_by("orden").last()
        member.visible_ciudadano = False
        member.save()
        c = as_user(api, ciudadana)
        body = c.get(f"/api/expedientes/mios/{expediente.pk}/").json()
        assert member.documento.identificador not in [
            d["identificador"] for d in body["documentos"]
        ]
        url = f"/api/expedientes/mios/{expediente.pk}/documentos/{member.documento_id}/contenido/"
        assert c.get(url).status_code == 404
