"""Portafirmas API and validation reports (OpenAPI via drf-spectacular)."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firma.constants import EstadoAccion, EstadoPeticion
from firma.models import AccionFirma, PeticionFirma
from firma.services import documento_read
from tests.firma.portafirmas_support import *  # noqa: F403  (fixtures)
from tests.firma.portafirmas_support import make_pdf

pytestmark = pytest.mark.django_db

API = "/api/firma"


def _create(client, pasos, asunto="Decreto API"):
    payload = {
        "asunto": asunto,
        "documentos": [
            {
                "nombre": "decreto.pdf",
                "mime": "application/pdf",
                "contenido": base64.b64encode(make_pdf()).decode(),
            }
        ],
        "pasos": pasos,
    }
    return client.post(f"{API}/peticiones/", payload, content_type="application/json")


class TestPeticionesApi:
    def test_fir5_create_list_pending_and_sign(
        self, client, jefa, alcaldesa, concejal, django_capture_on_commit_callbacks
    ):
        client.force_login(jefa)
        response = _create(
            client,
            [
                {
                    "acciones": [
                        {
                            "firmante": "concejal",
                            "modo": "suplencia",
                            "en_nombre_de": "Alcaldesa Miren Agirre",
                        }
                    ]
                },
                {"acciones": [{"firmante": "alcaldesa"}]},
            ],
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert [p["estado"] for p in body["pasos"]] == ["en_curso", "pendiente"]

        client.force_login(concejal)
        pending = client.get(f"{API}/acciones/pendientes/").json()
        assert [a["asunto"] for a in pending] == ["Decreto API"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{API}/acciones/{pending[0]['id']}/firmar/")
        assert response.status_code == 202

        client.force_login(alcaldesa)
        (accion,) = client.get(f"{API}/acciones/pendientes/").json()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"{API}/acciones/firmar/", {"acciones": [accion["id"]]}, "application/json"
            )
        assert response.status_code == 202
        peticion = client.get(f"{API}/peticiones/{body['id']}/").json()
        assert peticion["estado"] == EstadoPeticion.COMPLETADA
        (doc,) = peticion["documentos"]
        assert doc["csv_firmado"] and doc["csv_firmado"] != doc["csv_borrador"]
        assert doc["url_verificacion"].endswith(f"/verificar/{doc['csv_firmado']}/")

    def test_an_invalid_circuit_is_a_400(self, client, jefa, tecnica):
        client.force_login(jefa)
        response = _create(client, [{"acciones": [{"firmante": "tecnica"}]}])
        assert response.status_code == 400
        assert not PeticionFirma.objects.exists()

    def test_citizens_are_refused(self, client, ciudadana):
        client.force_login(ciudadana)
        assert client.get(f"{API}/acciones/pendientes/").status_code == 403
        assert client.get(f"{API}/peticiones/").status_code == 403


class TestAccionesApi:
    def test_someone_elses_action_is_a_404_and_stays_pending(
        self, client, jefa, alcaldesa, concejal
    ):
        client.force_login(jefa)
        peticion_id = _create(client, [{"acciones": [{"firmante": "alcaldesa"}]}]).json()["id"]
        accion = AccionFirma.objects.get()
        client.force_login(concejal)
        for op in ("firmar", "aprobar", "rechazar"):
            response = client.post(f"{API}/acciones/{accion.pk}/{op}/", {"motivo": "x"})
            assert response.status_code == 404
        assert client.get(f"{API}/peticiones/{peticion_id}/").status_code == 404
        response = client.post(
            f"{API}/acciones/firmar/", {"acciones": [accion.pk]}, "application/json"
        )
        assert response.status_code == 409
        accion.refresh_from_db()
        assert accion.estado == EstadoAccion.PENDIENTE

    def test_reject_with_a_reason(self, client, jefa, alcaldesa):
        client.force_login(jefa)
        _create(client, [{"acciones": [{"firmante": "alcaldesa"}]}])
        accion = AccionFirma.objects.get()
        client.force_login(alcaldesa)
        response = client.post(f"{API}/acciones/{accion.pk}/rechazar/", {"motivo": ""})
        assert response.status_code == 400
        response = client.post(f"{API}/acciones/{accion.pk}/rechazar/", {"motivo": "No procede"})
        assert response.status_code == 200
        assert response.json()["estado"] == EstadoAccion.RECHAZADA
        # Acting again on a finished request is a conflict, not a second rejection.
        response = client.post(f"{API}/acciones/{accion.pk}/rechazar/", {"motivo": "Otra vez"})
        assert response.status_code == 409
        assert PeticionFirma.objects.get().motivo_rechazo == "No procede"


class TestValidacionApi:
    def test_a_document_signed_in_the_portafirmas_validates(
        self, client, jefa, alcaldesa, django_capture_on_commit_callbacks
    ):
        client.force_login(jefa)
        _create(client, [{"acciones": [{"firmante": "alcaldesa"}]}])
        client.force_login(alcaldesa)
        accion = AccionFirma.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{API}/acciones/{accion.pk}/firmar/")
        signed = documento_read(PeticionFirma.objects.get().documentos.get().resultado)
        response = client.post(
            f"{API}/validacion/",
            {"fichero": SimpleUploadedFile("firmado.pdf", signed, "application/pdf")},
        )
        assert response.status_code == 200
        report = response.json()
        assert report["fmt"] == "pades"
        assert len(report["signatures"]) == 1
        assert report["signatures"][0]["integrity_ok"] is True

    def test_an_unsigned_file_cannot_be_validated_and_says_why(self, client, ciudadana):
        client.force_login(ciudadana)
        response = client.post(
            f"{API}/validacion/", {"fichero": SimpleUploadedFile("a.pdf", make_pdf())}
        )
        assert response.status_code == 200
        assert response.json()["result"] == "cannot_validate"
        assert response.json()["reasons"]

    def test_anonymous_users_cannot_validate(self, client):
        response = client.post(
            f"{API}/validacion/", {"fichero": SimpleUploadedFile("a.pdf", make_pdf())}
        )
        assert response.status_code == 403


def test_the_openapi_schema_describes_the_firma_api(client, jefa):
    client.force_login(jefa)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/firma/peticiones/",
        "/api/firma/acciones/pendientes/",
        "/api/firma/validacion/",
    ):
        assert path in schema
