"""Citizen and staff pages of notifications: the access rule both ways (404 for everyone
else), the NOT-7 warning before opening, es/eu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notificaciones.constants import Estado
from tests.expedientes.conftest import staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


@pytest.fixture
def notificacion(electronica, prepare):
    return prepare(electronica)


class TestCitizen:
    def test_not_7_the_warning_comes_before_the_content(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        page = client.get(reverse("notificaciones:detalle", args=[notificacion.pk])).content
        page = page.decode()
        assert "Antes de abrirla" in page and "art. 43.2" in page
        assert "Se le notifica la liquidación" not in page  # content hidden until access
        assert reverse("notificaciones:acceder", args=[notificacion.pk]) in page

    def test_opening_shows_the_content_and_accepts_it(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        response = client.post(reverse("notificaciones:acceder", args=[notificacion.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Se le notifica la liquidación" in page
        notificacion.refresh_from_db()
        assert notificacion.estado == Estado.ACEPTADA

    def test_rejection_asks_for_confirmation_then_rejects(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        url = reverse("notificaciones:rechazar", args=[notificacion.pk])
        assert "art. 41.5" in client.get(url).content.decode()
        notificacion.refresh_from_db()
        assert notificacion.estado == Estado.PUESTA  # a GET changes nothing
        client.post(url)
        notificacion.refresh_from_db()
        assert notificacion.estado == Estado.RECHAZADA

    def test_mi_carpeta_lists_it_pending_first(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        page = client.get(reverse("sede:mi_carpeta")).content.decode()
        assert reverse("notificaciones:detalle", args=[notificacion.pk]) in page
        assert "se entenderá rechazada el" in page

    def test_basque(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        page = client.get(f"/eu/notificaciones/{notificacion.pk}/").content.decode()
        assert 'lang="eu"' in page and "Ireki aurretik" in page

    @pytest.mark.parametrize(
        "name", ["detalle", "acceder", "rechazar", "evidencia"], ids=lambda n: n
    )
    def test_another_citizen_gets_404_everywhere(self, client, otra_ciudadana, notificacion, name):
        client.force_login(otra_ciudadana)
        args = [notificacion.pk, "puesta"] if name == "evidencia" else [notificacion.pk]
        url = reverse(f"notificaciones:{name}", args=args)
        response = client.post(url) if name == "acceder" else client.get(url)
        assert response.status_code == 404
        notificacion.refresh_from_db()
        assert notificacion.estado == Estado.PUESTA

    def test_anonymous_is_sent_to_identify(self, client, notificacion):
        response = client.get(reverse("notificaciones:detalle", args=[notificacion.pk]))
        assert response.status_code == 302


class TestStaff:
    def test_staff_of_the_unit_see_it_with_its_avisos(self, client, tramitador, notificacion):
        client.force_login(tramitador)
        page = client.get(reverse("notificaciones:gestion")).content.decode()
        assert notificacion.identificador in page
        page = client.get(
            reverse("notificaciones:gestion_detalle", args=[notificacion.pk])
        ).content.decode()
        assert "Avisos por correo y SMS" in page and "Enviado" in page

    def test_staff_of_another_unit_get_404(self, client, tramitador_ajeno, notificacion):
        client.force_login(tramitador_ajeno)
        assert (
            notificacion.identificador
            not in client.get(reverse("notificaciones:gestion")).content.decode()
        )
        url = reverse("notificaciones:gestion_detalle", args=[notificacion.pk])
        assert client.get(url).status_code == 404

    def test_staff_without_a_role_get_404(self, client, urbanismo, notificacion):
        client.force_login(staff_user("sinrol", [urbanismo]))
        assert client.get(reverse("notificaciones:gestion")).status_code == 404

    def test_a_citizen_gets_404_on_staff_pages(self, client, ciudadana, notificacion):
        client.force_login(ciudadana)
        url = reverse("notificaciones:gestion_detalle", args=[notificacion.pk])
        assert client.get(url).status_code == 404
