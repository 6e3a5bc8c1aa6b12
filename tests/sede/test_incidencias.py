"""Incident notices (SEDE-2; Ley 39/2015 art. 32.4): staff publish and end them, the sede
shows them at once on every page, the ended ones stay as the history."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from identidad.models import User
from identidad.roles import Role
from sede.incidencias import aviso_incidencia_create, aviso_incidencia_end, avisos_en_vigor
from sede.models import AvisoIncidencia

pytestmark = pytest.mark.django_db


def _staff(username, *roles):
    user = User.objects.create_user(username, password="x", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def jefa():
    return _staff("jefa-registro", Role.REGISTRY_HEAD)


class TestAvisoServices:
    def test_a_new_notice_shows_on_every_page_at_once_and_ending_it_removes_it(self, client, jefa):
        """SEDE-2: cached list, dropped by the service: no restart, no wait."""
        assert "Registro electrónico sin servicio" not in client.get("/").content.decode()
        aviso = aviso_incidencia_create(
            by=jefa,
            title_es="Registro electrónico sin servicio",
            title_eu="Erregistro elektronikoa zerbitzurik gabe",
            text_es="Los plazos que venzan hoy se amplían un día hábil.",
            extends_terms=True,
        )
        for path in ("/", "/mapa/", "/catalogo/"):
            assert "Registro electrónico sin servicio" in client.get(path).content.decode()
        eu = client.get("/eu/").content.decode()
        assert "Erregistro elektronikoa zerbitzurik gabe" in eu
        # No Basque text: the Spanish one is shown, marked as Spanish.
        assert '<span lang="es">Los plazos que venzan hoy se amplían un día hábil.</span>' in eu

        aviso_incidencia_end(aviso=aviso, by=jefa)
        assert "Registro electrónico sin servicio" not in client.get("/").content.decode()
        page = client.get("/incidencias/").content.decode()
        assert "Historial de incidencias" in page
        assert "Registro electrónico sin servicio" in page  # in the history

    def test_a_notice_scheduled_for_later_is_not_in_force_yet(self, jefa):
        later = timezone.now() + timedelta(hours=2)
        aviso_incidencia_create(
            by=jefa, title_es="Parada", text_es="Mantenimiento", starts_at=later
        )
        assert avisos_en_vigor() == []
        assert [a.title_es for a in avisos_en_vigor(later + timedelta(minutes=1))] == ["Parada"]

    def test_ending_twice_keeps_the_first_end(self, jefa):
        aviso = aviso_incidencia_create(by=jefa, title_es="X", text_es="Y")
        first = aviso_incidencia_end(aviso=aviso, by=jefa).ended_at
        assert aviso_incidencia_end(aviso=aviso, by=jefa).ended_at == first
        assert AvisoIncidencia.objects.count() == 1


class TestStaffPage:
    URL = "/incidencias/gestion/"

    def test_the_head_of_registry_publishes_and_ends_a_notice(self, client, jefa):
        client.force_login(jefa)
        page = client.get(self.URL)
        assert page.status_code == 200
        response = client.post(
            self.URL,
            {"title_es": "Caída de Giltza", "text_es": "No es posible identificarse con Giltza."},
        )
        assert response.status_code == 302
        assert "Caída de Giltza" in client.get("/").content.decode()
        aviso = AvisoIncidencia.objects.get()
        client.post(f"/incidencias/gestion/{aviso.pk}/finalizar/")
        aviso.refresh_from_db()
        assert aviso.ended_at is not None and aviso.ended_by == jefa
        assert "Caída de Giltza" not in client.get("/").content.decode()

    def test_a_blank_notice_is_refused_with_a_message(self, client, jefa):
        client.force_login(jefa)
        page = client.post(self.URL, {"title_es": "", "text_es": ""})
        assert page.status_code == 200
        assert "error-summary" in page.content.decode()
        assert AvisoIncidencia.objects.count() == 0

    @pytest.mark.parametrize("who", ["citizen", "clerk", "staff_without_role"])
    def test_everyone_else_gets_404(self, client, ciudadana, who, jefa):
        user = {
            "citizen": ciudadana,
            "clerk": _staff("clerk", Role.REGISTRY_CLERK),
            "staff_without_role": _staff("nobody"),
        }[who]
        aviso = aviso_incidencia_create(by=jefa, title_es="X", text_es="Y")
        client.force_login(user)
        assert client.get(self.URL).status_code == 404
        assert client.post(self.URL, {"title_es": "A", "text_es": "B"}).status_code == 404
        assert client.post(f"/incidencias/gestion/{aviso.pk}/finalizar/").status_code == 404
        assert AvisoIncidencia.objects.get().ended_at is None

    def test_the_staff_home_links_the_page_for_the_role(self, client, jefa):
        client.force_login(jefa)
        assert self.URL in client.get("/gestion/").content.decode()
