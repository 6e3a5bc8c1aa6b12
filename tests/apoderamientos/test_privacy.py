"""REA-7: only poderdante and apoderado see a power; staff consult with a reason, audited.

The matrix: each page and API endpoint × each person. Anyone else gets a 404.
"""

import pytest
from django.urls import reverse

from apoderamientos.constants import EstadoApoderamiento
from apoderamientos.models import Apoderamiento
from identidad.models import AuditEntry

from .conftest import at, login
from .factories import accept, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def power(ciudadana, representante, holidays):
    p = register(
        at=at(2026, 3, 2, 10),
        poderdantes=[ciudadana.interesado],
        apoderado=representante.interesado,
    )
    return accept(p, representante, at(2026, 3, 3, 10))


def _who(name, request):
    return request.getfixturevalue(name)


CITIZEN_PAGES = [
    "apoderamientos:detalle",
    "apoderamientos:prorrogar",
    "apoderamientos:revocar",
    "apoderamientos:renunciar",
]


@pytest.mark.parametrize("page", CITIZEN_PAGES)
@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("ciudadana", 200),
        ("representante", 200),
        ("otra_ciudadana", 404),
        ("unrelated_staff", 404),
        ("desk_staff", 404),  # the citizen pages are not the desk: no party, no power
    ],
)
def test_citizen_pages(client, power, page, person, status, request):
    login(client, _who(person, request))
    response = client.get(reverse(page, args=[power.pk]))
    assert response.status_code == status
    if status == 200:
        assert power.numero in response.content.decode()


@pytest.mark.parametrize(
    ("person", "sees"),
    [("ciudadana", True), ("representante", True), ("otra_ciudadana", False)],
)
def test_the_list_shows_only_ones_own_powers(client, power, person, sees, request):
    login(client, _who(person, request))
    response = client.get(reverse("apoderamientos:lista"))
    assert response.status_code == 200
    assert (power.numero in response.content.decode()) is sees


@pytest.mark.parametrize("action", ["revocar", "renunciar", "aceptar"])
def test_a_third_citizen_cannot_act_on_it(client, power, otra_ciudadana, action):
    login(client, otra_ciudadana)
    response = client.post(reverse(f"apoderamientos:{action}", args=[power.pk]))
    assert response.status_code == 404
    power.refresh_from_db()
    assert power.estado == EstadoApoderamiento.ACTIVO


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("ciudadana", 200),
        ("representante", 200),
        ("otra_ciudadana", 404),
        ("unrelated_staff", 404),
    ],
)
def test_api_retrieve(client, power, person, status, request):
    login(client, _who(person, request))
    response = client.get(f"/api/apoderamientos/{power.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["numero"] == power.numero


def test_api_list_of_a_third_citizen_is_empty(client, power, otra_ciudadana):
    login(client, otra_ciudadana)
    assert client.get("/api/apoderamientos/").json()["results"] == []


def test_api_revoke_by_a_third_citizen_is_a_404(client, power, otra_ciudadana):
    login(client, otra_ciudadana)
    assert client.post(f"/api/apoderamientos/{power.pk}/revoke/").status_code == 404
    power.refresh_from_db()
    assert power.ended_at is None


class TestStaffDesk:
    @pytest.mark.parametrize(
        "url",
        [
            "/apoderamientos/oficina/",
            "/apoderamientos/oficina/nuevo/",
            "/apoderamientos/oficina/{pk}/?motivo=Comprobar+representacion",
            "/api/apoderamientos/oficina/{pk}/?motivo=Comprobar+representacion",
        ],
    )
    @pytest.mark.parametrize("person", ["unrelated_staff", "ciudadana", "representante"])
    def test_unrelated_staff_and_citizens_see_nothing(self, client, power, url, person, request):
        login(client, _who(person, request))
        response = client.get(url.format(pk=power.pk))
        assert response.status_code == 404
        assert not AuditEntry.objects.filter(action="apoderamiento.consulta").exists()

    def test_desk_staff_must_state_a_reason_first(self, client, power, desk_staff):
        login(client, desk_staff)
        response = client.get(reverse("apoderamientos:oficina_detalle", args=[power.pk]))
        assert response.status_code == 200
        assert power.numero not in response.content.decode()
        assert not AuditEntry.objects.filter(action="apoderamiento.consulta").exists()

    def test_a_consultation_with_a_reason_is_shown_and_audited(self, client, power, desk_staff):
        login(client, desk_staff)
        response = client.get(
            reverse("apoderamientos:oficina_detalle", args=[power.pk]),
            {"motivo": "Solicitud de licencia presentada por el gestor"},
        )
        assert response.status_code == 200
        assert power.numero in response.content.decode()
        entry = AuditEntry.objects.get(action="apoderamiento.consulta")
        assert entry.actor == desk_staff
        assert entry.detail["motivo"] == "Solicitud de licencia presentada por el gestor"
        assert entry.object_id == str(power.pk)

    def test_api_consultation_needs_a_reason_and_is_audited(self, client, power, desk_staff):
        login(client, desk_staff)
        url = f"/api/apoderamientos/oficina/{power.pk}/"
        assert client.get(url).status_code == 400
        response = client.get(url, {"motivo": "Verificar antes de registrar"})
        assert response.status_code == 200
        assert response.json()["numero"] == power.numero
        assert AuditEntry.objects.filter(action="apoderamiento.consulta").count() == 1

    def test_the_search_by_nif_is_audited(self, client, power, desk_staff, ciudadana):
        login(client, desk_staff)
        response = client.get(
            reverse("apoderamientos:oficina"),
            {"nif": ciudadana.nif, "motivo": "Atención en oficina"},
        )
        assert power.numero in response.content.decode()
        entry = AuditEntry.objects.get(action="apoderamiento.busqueda")
        assert entry.detail["numeros"] == [power.numero]

    def test_an_unknown_power_is_a_404_for_desk_staff_too(self, client, power, desk_staff):
        login(client, desk_staff)
        missing = Apoderamiento.objects.order_by("-pk").first().pk + 100
        response = client.get(
            reverse("apoderamientos:oficina_detalle", args=[missing]), {"motivo": "Comprobación"}
        )
        assert response.status_code == 404
