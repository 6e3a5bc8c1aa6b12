"""API of notifications: recipients open their own (403 with the reason without a power in
force, 404 for others), staff create and follow those of their units."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notificaciones.constants import Estado

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council_seal")]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def notificacion(electronica, prepare):
    return prepare(electronica)


def test_the_recipient_lists_and_opens_it_and_then_sees_the_text(api, ciudadana, notificacion):
    api.force_authenticate(ciudadana)
    listed = api.get("/api/notificaciones/mias/").json()["results"]
    assert [n["identificador"] for n in listed] == [notificacion.identificador]
    assert listed[0]["texto"] is None  # not before the comparecencia
    opened = api.post(f"/api/notificaciones/mias/{notificacion.pk}/acceder/")
    assert opened.status_code == 200
    assert opened.json()["estado"] == Estado.ACEPTADA
    assert opened.json()["texto"] == "Se le notifica la liquidación de la tasa."
    again = api.post(f"/api/notificaciones/mias/{notificacion.pk}/rechazar/")
    assert again.status_code == 409


def test_another_citizen_gets_404(api, otra_ciudadana, notificacion):
    api.force_authenticate(otra_ciudadana)
    assert api.get(f"/api/notificaciones/mias/{notificacion.pk}/").status_code == 404
    assert api.post(f"/api/notificaciones/mias/{notificacion.pk}/acceder/").status_code == 404
    notificacion.refresh_from_db()
    assert notificacion.estado == Estado.PUESTA


def test_staff_create_one_for_their_unit_and_other_units_do_not_see_it(
    api, tramitador, tramitador_ajeno, electronica
):
    api.force_authenticate(tramitador)
    created = api.post(
        "/api/notificaciones/gestion/",
        {
            "destinatario_nif": electronica.nif,
            "asunto": "Resolución",
            "texto": "Se estima su solicitud.",
            "recursos": "Recurso de reposición en un mes.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["estado"] == Estado.PUESTA and body["expira_at"]
    assert {a["canal"] for a in body["avisos"]} == {"email", "sms"}
    api.force_authenticate(tramitador_ajeno)
    assert api.get(f"/api/notificaciones/gestion/{body['id']}/").status_code == 404


def test_a_notification_without_appeals_is_a_400_with_the_reason(api, tramitador, electronica):
    api.force_authenticate(tramitador)
    response = api.post(
        "/api/notificaciones/gestion/",
        {"destinatario_nif": electronica.nif, "asunto": "A", "texto": "T", "recursos": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "recursos" in response.json()


def test_citizens_cannot_create(api, ciudadana, electronica):
    api.force_authenticate(ciudadana)
    response = api.post(
        "/api/notificaciones/gestion/",
        {"destinatario_nif": electronica.nif, "asunto": "A", "texto": "T", "recursos": "R"},
        format="json",
    )
    assert response.status_code == 404
