"""The registry's REST API: integrations register entries, citizens read their own (REG-1..6)."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from identidad.models import Interesado, User
from registro.constants import Canal
from registro.models import Asiento, AsientoDocumento, Contador

from .conftest import make_pdf_bytes

MADRID = ZoneInfo("Europe/Madrid")
URL = "/api/registro/asientos/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def integracion(db) -> User:
    """A service user of an integration: not staff, holds ``registro.add_asiento``."""
    user = User.objects.create_user("integracion-licencias", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_asiento"))
    return user


@pytest.fixture
def api(integracion, oficina_sede) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=integracion)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def payload(**overrides) -> dict:
    data = {
        "interesado": {
            "nif": "12345678Z",
            "nombre": "Miren",
            "apellido1": "Etxeberria",
            "apellido2": "Agirre",
        },
        "resumen": "Solicitud de licencia de obra menor en Calle Ercilla 10",
        "expone": "Que desea reformar la cocina.",
        "solicita": "Licencia de obra menor.",
        "unidad_destino": "LA0001234",
        "documentos": [
            {
                "nombre": "presupuesto.pdf",
                "mime": "application/pdf",
                "contenido": base64.b64encode(make_pdf_bytes()).decode(),
            }
        ],
    }
    data.update(overrides)
    return data


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=MADRID), tick=False)


class TestCreate:
    def test_reg4_an_integration_registers_an_entry_with_a_token(self, api, urbanismo):
        with at(2026, 3, 7, 18, 30):  # Saturday: effective on Monday at 00:00 (REG-2)
            response = api.post(URL, payload(), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert re.fullmatch(r"2026/E/\d{8}", body["numero"])
        assert body["numero"] == "2026/E/00000001"
        assert datetime.fromisoformat(body["presented_at"]) == datetime(
            2026, 3, 7, 18, 30, tzinfo=MADRID
        )
        assert datetime.fromisoformat(body["effective_at"]) == datetime(
            2026, 3, 9, 0, 0, tzinfo=MADRID
        )
        assert body["estado"] == "pendiente"
        assert body["justificante_url"].endswith(
            f"/registro/asientos/{body['id']}/justificante.pdf"
        )
        assert body["unidad_destino"] == "LA0001234"
        assert body["interesados"] == [
            {"nif": "12345678Z", "nombre": "Miren Etxeberria Agirre", "rol": "interesado"}
        ]
        assert [d["nombre"] for d in body["documentos"]] == ["presupuesto.pdf"]
        asiento = Asiento.objects.get(pk=body["id"])
        assert asiento.canal == Canal.API
        assert asiento.expone == "Que desea reformar la cocina."

    def test_documents_can_come_as_multipart(self, api, urbanismo):
        data = {
            "interesado.nif": "12345678Z",
            "interesado.nombre": "Miren",
            "interesado.apellido1": "Etxeberria",
            "resumen": "Alegaciones",
            "unidad_destino": "LA0001234",
            "ficheros": [
                SimpleUploadedFile("a.pdf", make_pdf_bytes("A"), content_type="application/pdf"),
                SimpleUploadedFile("b.pdf", make_pdf_bytes("B"), content_type="application/pdf"),
            ],
        }
        response = api.post(URL, data, format="multipart")
        assert response.status_code == 201, response.content
        assert [d["nombre"] for d in response.json()["documentos"]] == ["a.pdf", "b.pdf"]

    def test_reg4_a_retry_with_the_same_idempotency_key_returns_the_same_entry(
        self, api, urbanismo
    ):
        first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="lic-42")
        again = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="lic-42")
        other = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="lic-43")
        assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
        assert again.json()["numero"] == first.json()["numero"]
        assert again.json()["id"] == first.json()["id"]
        assert other.json()["numero"] != first.json()["numero"]
        assert Asiento.objects.count() == 2

    def test_another_integration_with_the_same_key_gets_its_own_entry(
        self, api, urbanismo, oficina_sede
    ):
        first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        otra = User.objects.create_user("otra-integracion", password="x")
        otra.user_permissions.add(Permission.objects.get(codename="add_asiento"))
        client = APIClient()
        client.force_authenticate(otra)
        second = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["numero"] != second.json()["numero"]

    def test_reg1_a_bad_nif_is_a_400_and_nothing_is_written(self, api, urbanismo):
        bad = payload(interesado={"nif": "12345678A", "nombre": "Miren"})
        response = api.post(URL, bad, format="json")
        assert response.status_code == 400
        assert "nif" in response.json()["interesado"]
        assert not Asiento.objects.exists()
        assert not Interesado.objects.exists()

    def test_reg4_a_missing_summary_is_a_400_and_no_number_is_consumed(self, api, urbanismo):
        response = api.post(URL, payload(resumen=""), format="json")
        assert response.status_code == 400
        assert "resumen" in response.json()
        assert not Asiento.objects.exists()
        assert not Interesado.objects.exists()
        ok = api.post(URL, payload(), format="json")
        assert ok.json()["numero"].endswith("/E/00000001")

    def test_a_rejection_by_the_registry_writes_nothing(self, api, urbanismo):
        """A fake PDF passes the serializer and is refused by the service: the new
        interesado is rolled back with it, and the counter is untouched."""
        bad_doc = {
            "nombre": "x.pdf",
            "mime": "application/pdf",
            "contenido": base64.b64encode(b"not a pdf").decode(),
        }
        response = api.post(URL, payload(documentos=[bad_doc]), format="json")
        assert response.status_code == 400
        assert "documentos" in response.json()
        assert not Asiento.objects.exists()
        assert not Interesado.objects.exists()
        assert not AsientoDocumento.objects.exists()
        assert all(c.last_seq == 0 for c in Contador.objects.all())

    def test_an_incomplete_new_interesado_is_a_400_under_interesado(self, api, urbanismo):
        response = api.post(URL, payload(interesado={"nif": "12345678Z"}), format="json")
        assert response.status_code == 400
        assert "nombre" in response.json()["interesado"]
        assert not Interesado.objects.exists()

    def test_content_that_is_not_base64_is_a_400(self, api, urbanismo):
        doc = {"nombre": "x.pdf", "mime": "application/pdf", "contenido": "%%% no %%%"}
        response = api.post(URL, payload(documentos=[doc]), format="json")
        assert response.status_code == 400
        assert "base64" in str(response.json()["documentos"])
        assert not Asiento.objects.exists()

    def test_an_over_long_idempotency_key_is_a_400(self, api, urbanismo):
        response = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 200)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()
        assert not Asiento.objects.exists()

    def test_an_unknown_unit_is_a_400(self, api, urbanismo):
        response = api.post(URL, payload(unidad_destino="LA9999999"), format="json")
        assert response.status_code == 400
        assert "unidad_destino" in response.json()

    def test_anonymous_callers_get_a_401(self, urbanismo, oficina_sede):
        response = APIClient().post(URL, payload(), format="json")
        assert response.status_code == 401
        assert not Asiento.objects.exists()

    def test_a_bad_token_is_a_401(self, urbanismo, oficina_sede):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert client.post(URL, payload(), format="json").status_code == 401

    def test_a_plain_citizen_cannot_register_through_the_api(
        self, ciudadana, urbanismo, oficina_sede
    ):
        client = APIClient()
        client.force_authenticate(ciudadana)
        response = client.post(URL, payload(), format="json")
        assert response.status_code == 403
        assert not Asiento.objects.exists()


class TestRead:
    def test_a_citizen_lists_and_reads_only_their_own_entries(
        self, register, ciudadana, otra_ciudadana
    ):
        mine = register()
        theirs = register(interesados=[otra_ciudadana.interesado], registrado_por=otra_ciudadana)
        client = APIClient()
        client.force_authenticate(ciudadana)
        listing = client.get(URL)
        assert listing.status_code == 200
        assert [a["numero"] for a in listing.json()["results"]] == [mine.numero]
        assert client.get(f"{URL}{mine.pk}/").json()["numero"] == mine.numero
        assert client.get(f"{URL}{theirs.pk}/").status_code == 404

    def test_a_citizen_reads_what_an_integration_registered_for_them(
        self, api, urbanismo, ciudadana
    ):
        created = api.post(URL, payload(), format="json").json()
        client = APIClient()
        client.force_authenticate(ciudadana)
        assert client.get(f"{URL}{created['id']}/").json()["numero"] == created["numero"]

    def test_heads_of_registry_read_the_registry_book(
        self, register, jefe_registro, otra_ciudadana
    ):
        one = register()
        two = register(interesados=[otra_ciudadana.interesado], registrado_por=otra_ciudadana)
        client = APIClient()
        client.force_authenticate(jefe_registro)
        numeros = {a["numero"] for a in client.get(URL).json()["results"]}
        assert numeros == {one.numero, two.numero}
        assert client.get(f"{URL}{two.pk}/").status_code == 200

    def test_issue17_6_staff_of_an_unrelated_unit_read_nothing(
        self, register, funcionario, otra_ciudadana
    ):
        """Being staff is not a permission: no role, no registry entries (404 on each)."""
        one = register()
        client = APIClient()
        client.force_authenticate(funcionario)
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{one.pk}/").status_code == 404

    def test_issue17_6_staff_without_the_permission_cannot_register(
        self, funcionario, urbanismo, oficina_sede
    ):
        client = APIClient()
        client.force_authenticate(funcionario)
        assert client.post(URL, payload(), format="json").status_code == 403
        assert not Asiento.objects.exists()

    def test_anonymous_readers_get_nothing(self, register):
        asiento = register()
        client = APIClient()
        assert client.get(URL).status_code == 401
        assert client.get(f"{URL}{asiento.pk}/").status_code == 401


def test_the_openapi_schema_lists_the_registry_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"post", "get"} <= set(paths["/api/registro/asientos/"])
    assert "get" in paths["/api/registro/asientos/{id}/"]
    params = paths["/api/registro/asientos/"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)


class TestSchemaTruthfulness:
    """Issue 17 item 11: the OpenAPI document says what the API does."""

    @pytest.fixture
    def document(self, client):
        return client.get("/api/schema/?format=json").json()

    def test_an_empty_nif_is_refused_and_the_schema_says_so(self, api, urbanismo, document):
        nif = document["components"]["schemas"]["AsientoInteresadoInput"]["properties"]["nif"]
        assert nif["minLength"] == 1
        response = api.post(URL, payload(interesado={"nif": ""}), format="json")
        assert response.status_code == 400 and "nif" in response.json()["interesado"]

    def test_fields_that_can_be_null_are_declared_nullable(self, document):
        asiento = document["components"]["schemas"]["Asiento"]["properties"]
        assert asiento["procedimiento"]["nullable"] and asiento["unidad_destino"]["nullable"]

    def test_every_error_answer_is_documented(self, document):
        post = document["paths"]["/api/registro/asientos/"]["post"]
        assert {"200", "201", "400", "401", "403", "404", "413"} <= set(post["responses"])
        multipart = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
        json_body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        components = document["components"]["schemas"]
        files = components[multipart.rsplit("/", 1)[1]]["properties"]["ficheros"]
        assert files["items"]["format"] == "binary"
        assert "ficheros" not in components[json_body.rsplit("/", 1)[1]]["properties"]
