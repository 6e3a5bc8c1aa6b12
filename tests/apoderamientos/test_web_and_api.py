"""The citizen and desk pages and the API, as a user would use them."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apoderamientos.constants import EstadoApoderamiento as E
from apoderamientos.constants import TipoApoderamiento
from apoderamientos.models import Apoderamiento
from identidad.constants import NivelGarantia
from identidad.models import Interesado
from tests.firma.conftest import make_pdf

from .conftest import at, login

pytestmark = pytest.mark.django_db


class TestCitizenPages:
    def test_granting_needs_a_substantial_identification(self, client, ciudadana):
        login(client, ciudadana, NivelGarantia.BAJO)
        response = client.get(reverse("apoderamientos:otorgar"))
        assert response.status_code == 302
        assert reverse("identidad:login") in response["Location"]

    def test_grant_accept_revoke_through_the_pages(
        self, client, ciudadana, representante, procedimiento, holidays
    ):
        login(client, ciudadana, NivelGarantia.SUSTANCIAL)
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            assert client.get(reverse("apoderamientos:otorgar")).status_code == 200
            response = client.post(
                reverse("apoderamientos:otorgar"),
                {
                    "apoderado_nif": representante.nif,
                    "tipo": TipoApoderamiento.TRAMITES,
                    "procedimientos": [procedimiento.pk],
                    "confirm": "on",
                },
            )
        power = Apoderamiento.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("apoderamientos:detalle", args=[power.pk])
        assert power.estado == E.PENDIENTE_ACEPTACION
        assert list(power.procedimientos.all()) == [procedimiento]

        login(client, representante)
        with time_machine.travel(at(2026, 3, 3, 10), tick=False):
            page = client.get(reverse("apoderamientos:detalle", args=[power.pk])).content.decode()
            assert "Aceptar el apoderamiento" in page
            client.post(reverse("apoderamientos:aceptar", args=[power.pk]))
        power.refresh_from_db()
        assert power.estado == E.ACTIVO

        login(client, ciudadana, NivelGarantia.SUSTANCIAL)
        with time_machine.travel(at(2026, 3, 4, 10), tick=False):
            listing = client.get(reverse("apoderamientos:lista")).content.decode()
            assert power.numero in listing and "Vigente" in listing
            confirm = client.get(reverse("apoderamientos:revocar", args=[power.pk]))
            assert "produce efectos desde este momento" in confirm.content.decode()
            power.refresh_from_db()
            assert power.estado == E.ACTIVO  # asking is not revoking
            client.post(reverse("apoderamientos:revocar", args=[power.pk]))
        power.refresh_from_db()
        assert power.estado == E.REVOCADO

    def test_granting_to_someone_new_asks_for_their_name(self, client, ciudadana, holidays):
        login(client, ciudadana, NivelGarantia.ALTO)
        data = {"apoderado_nif": "11111111H", "tipo": TipoApoderamiento.GENERAL, "confirm": "on"}
        response = client.post(reverse("apoderamientos:otorgar"), data)
        assert response.status_code == 200
        assert "error-summary" in response.content.decode()
        assert not Apoderamiento.objects.exists()
        data |= {"apoderado_nombre": "Ane", "apoderado_apellido1": "Zubiri"}
        response = client.post(reverse("apoderamientos:otorgar"), data)
        assert response.status_code == 302
        assert Apoderamiento.objects.get().apoderado == Interesado.objects.get(nif="11111111H")

    def test_a_too_long_validity_is_explained(self, client, ciudadana, representante, holidays):
        login(client, ciudadana, NivelGarantia.SUSTANCIAL)
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            response = client.post(
                reverse("apoderamientos:otorgar"),
                {
                    "apoderado_nif": representante.nif,
                    "tipo": TipoApoderamiento.GENERAL,
                    "valid_until": "2032-01-01",
                    "confirm": "on",
                },
            )
        assert response.status_code == 200
        assert "5 años" in response.content.decode()
        assert not Apoderamiento.objects.exists()

    def test_extension_page(self, client, ciudadana, representante, holidays):
        from .factories import accept, register

        power = accept(
            register(
                at=at(2026, 3, 2, 10),
                poderdantes=[ciudadana.interesado],
                apoderado=representante.interesado,
            ),
            representante,
            at(2026, 3, 3, 10),
        )
        with time_machine.travel(at(2030, 1, 10, 10), tick=False):
            login(client, ciudadana)
            response = client.post(reverse("apoderamientos:prorrogar", args=[power.pk]), {})
        assert response["Location"] == reverse("apoderamientos:detalle", args=[power.pk])
        power.refresh_from_db()
        assert power.valid_until == at(2035, 1, 10, 10)

    def test_pages_in_basque(self, client, ciudadana):
        login(client, ciudadana)
        response = client.get("/eu/apoderamientos/")
        assert response.status_code == 200
        assert "Mis apoderamientos" not in response.content.decode()


class TestDesk:
    def test_register_a_legal_persons_power_and_verify_the_deed(
        self, client, desk_staff, empresa, representante, holidays
    ):
        login(client, desk_staff)
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            response = client.post(
                reverse("apoderamientos:oficina_nuevo"),
                {
                    "poderdante_nifs": empresa.nif,
                    "apoderado_nif": representante.nif,
                    "presentante": "apoderado",
                    "tipo": TipoApoderamiento.GENERAL,
                    "escritura": SimpleUploadedFile(
                        "poder.pdf", make_pdf("Escritura de poder"), "application/pdf"
                    ),
                },
            )
        power = Apoderamiento.objects.get()
        assert response.status_code == 302
        assert power.accepted_at is not None  # presented by the apoderado: implicit
        assert power.estado == E.PENDIENTE_BASTANTEO
        with time_machine.travel(at(2026, 3, 2, 10, 5), tick=False):
            detail = client.get(response["Location"]).content.decode()
        assert "Registrar el bastanteo" in detail
        with time_machine.travel(at(2026, 3, 2, 10, 10), tick=False):
            client.post(
                reverse("apoderamientos:oficina_bastanteo", args=[power.pk]),
                {"note": "Escritura 45/2026 ante notario de Bilbao: facultades suficientes"},
            )
        power.refresh_from_db()
        assert power.estado == E.ACTIVO
        assert power.bastanteo_by == desk_staff

    def test_the_apoderado_accepts_in_person_at_the_desk(
        self, client, desk_staff, ciudadana, representante, holidays
    ):
        from .factories import register

        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        with time_machine.travel(at(2026, 3, 3, 10), tick=False):
            login(client, desk_staff)
            client.post(reverse("apoderamientos:oficina_aceptar", args=[power.pk]))
        power.refresh_from_db()
        assert power.estado == E.ACTIVO
        assert power.eventos.last().actor == desk_staff

    def test_unrelated_staff_cannot_accept_at_the_desk(
        self, client, unrelated_staff, ciudadana, representante, holidays
    ):
        from .factories import register

        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        login(client, unrelated_staff)
        response = client.post(reverse("apoderamientos:oficina_aceptar", args=[power.pk]))
        assert response.status_code == 404
        power.refresh_from_db()
        assert power.accepted_at is None

    def test_an_unknown_nif_is_explained(self, client, desk_staff, representante):
        login(client, desk_staff)
        response = client.post(
            reverse("apoderamientos:oficina_nuevo"),
            {
                "poderdante_nifs": "00000000T",
                "apoderado_nif": representante.nif,
                "presentante": "poderdante",
                "tipo": TipoApoderamiento.GENERAL,
            },
        )
        assert response.status_code == 200
        assert "no consta en la sede" in response.content.decode()


class TestApi:
    def test_grant_accept_and_ask(self, client, ciudadana, representante, procedimiento, holidays):
        login(client, ciudadana, NivelGarantia.SUSTANCIAL)
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            response = client.post(
                "/api/apoderamientos/",
                {
                    "apoderado_nif": representante.nif,
                    "tipo": "tramites",
                    "procedimientos": [procedimiento.code],
                },
                content_type="application/json",
            )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["numero"] == "2026/A/000001"
        assert body["estado"] == E.PENDIENTE_ACEPTACION
        assert body["procedimientos"][0]["sia_code"] == procedimiento.sia_code

        login(client, representante)
        with time_machine.travel(at(2026, 3, 3, 10), tick=False):
            accepted = client.post(f"/api/apoderamientos/{body['id']}/accept/")
            assert accepted.json()["estado"] == E.ACTIVO
            yes = client.get(
                "/api/apoderamientos/can-act/",
                {"interesado": ciudadana.nif, "procedimiento": procedimiento.code},
            ).json()
            no = client.get("/api/apoderamientos/can-act/", {"interesado": ciudadana.nif}).json()
            picker = client.get(
                "/api/apoderamientos/interesados/", {"procedimiento": procedimiento.code}
            ).json()
        assert yes["allowed"] is True and yes["apoderamiento"] == "2026/A/000001"
        assert no["allowed"] is False and no["reason"]
        assert [p["nif"] for p in picker] == [representante.nif, ciudadana.nif]

    def test_api_grant_needs_a_substantial_identification(self, client, ciudadana, representante):
        login(client, ciudadana, NivelGarantia.BAJO)
        response = client.post(
            "/api/apoderamientos/",
            {"apoderado_nif": representante.nif, "tipo": "general"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert not Apoderamiento.objects.exists()

    def test_the_api_needs_a_login(self, client):
        assert client.get("/api/apoderamientos/").status_code in (401, 403)

    def test_openapi_schema_lists_the_endpoints(self, client, ciudadana):
        login(client, ciudadana)
        response = client.get("/api/schema/")
        assert response.status_code == 200
        schema = response.content.decode()
        for path in (
            "/api/apoderamientos/can-act/",
            "/api/apoderamientos/{id}/accept/",
            "/api/apoderamientos/oficina/{id}/bastanteo/",
        ):
            assert path in schema


def test_office_api_registers_and_verifies(client, desk_staff, empresa, representante, holidays):
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        login(client, desk_staff)
        created = client.post(
            "/api/apoderamientos/oficina/",
            {
                "poderdantes": [empresa.nif],
                "apoderado": representante.nif,
                "presentante": "apoderado",
                "tipo": "general",
                "escritura": SimpleUploadedFile(
                    "poder.pdf", make_pdf("Escritura de poder"), "application/pdf"
                ),
            },
        )
        assert created.status_code == 201, created.content
        assert created.json()["estado"] == E.PENDIENTE_BASTANTEO
        pk = created.json()["id"]
        verified = client.post(
            f"/api/apoderamientos/oficina/{pk}/bastanteo/",
            {"note": "Escritura 7/2026: facultades suficientes"},
            content_type="application/json",
        )
    assert verified.status_code == 200
    assert verified.json()["estado"] == E.ACTIVO


def test_office_api_refuses_unrelated_staff(client, unrelated_staff, empresa, representante):
    login(client, unrelated_staff)
    response = client.post(
        "/api/apoderamientos/oficina/",
        {
            "poderdantes": [empresa.nif],
            "apoderado": representante.nif,
            "presentante": "apoderado",
            "tipo": "general",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Apoderamiento.objects.exists()
