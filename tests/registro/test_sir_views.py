"""The clerk's exchange screens and the exchange API: who may see and do what (each rule both
ways: the right person can, everyone else gets a 404), and the inbound SICRES endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from registro.models import Asiento, Intercambio
from registro.sir import services
from registro.sir.constants import EstadoIntercambio, Sentido, TipoMensaje
from tests.registro.sir_fixtures import *  # noqa: F403
from tests.registro.sir_support import REMOTE, read, remote_fichero

pytestmark = pytest.mark.django_db
E = EstadoIntercambio


@pytest.fixture
def incoming(register, oficina_sede, transport):
    """A pre-entry received from another administration."""
    data = remote_fichero(
        register(), identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code
    )
    services.mensaje_recibir(data)
    return Intercambio.objects.get(sentido=Sentido.ENTRADA)


@pytest.fixture
def outgoing(register, clerk, transport):
    return services.intercambio_enviar(asiento=register(), entidad_destino="O00001234", actor=clerk)


TRAYS = ["registro:sir_entrada", "registro:sir_salida"]


@pytest.mark.parametrize("name", TRAYS)
def test_trays_are_for_registry_staff_in_scope(client, name, clerk, head, incoming, outgoing):
    for user in (clerk, head):
        client.force_login(user)
        page = client.get(reverse(name))
        assert page.status_code == 200
        identificador = incoming.identificador if "entrada" in name else outgoing.identificador
        assert identificador in page.content.decode()


@pytest.mark.parametrize("name", TRAYS)
def test_trays_are_404_for_everyone_else(client, name, plain_staff, ciudadana, incoming):
    for user in (plain_staff, ciudadana):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", TRAYS)
def test_a_clerk_of_another_office_sees_only_their_offices_exchanges(
    client, name, other_clerk, incoming, outgoing
):
    client.force_login(other_clerk)
    page = client.get(reverse(name)).content.decode()
    assert incoming.identificador not in page and outgoing.identificador not in page


def test_the_incoming_tray_shows_states_and_pending_acknowledgements(
    client, clerk, incoming, transport, django_capture_on_commit_callbacks
):
    transport.down = True
    with django_capture_on_commit_callbacks(execute=True):
        services.intercambio_confirmar(intercambio=incoming, actor=clerk)
    client.force_login(clerk)
    page = client.get(reverse("registro:sir_entrada")).content.decode()
    assert "Confirmado: asiento de entrada" in page
    assert "ACK-Confirmación" in page
    assert "connection refused" in page
    filtered = client.get(reverse("registro:sir_entrada"), {"estado": E.RECIBIDO})
    assert incoming.identificador not in filtered.content.decode()


def test_the_detail_page_and_its_decisions_are_for_the_office_only(
    client, clerk, other_clerk, plain_staff, incoming, transport
):
    url = reverse("registro:sir_intercambio", args=[incoming.pk])
    for user in (other_clerk, plain_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        response = client.post(reverse("registro:sir_confirmar", args=[incoming.pk]))
        assert response.status_code == 404
    assert not Asiento.objects.filter(canal="sir").exists()
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "Confirmar y registrar" in page and "Rechazar y devolver" in page
    assert "recibir" in page  # the history


def test_a_clerk_confirms_a_pre_entry_from_the_page(
    client, clerk, incoming, transport, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registro:sir_confirmar", args=[incoming.pk]), follow=True)
    assert response.status_code == 200
    asiento = Asiento.objects.get(canal="sir")
    assert asiento.numero in response.content.decode()
    incoming.refresh_from_db()
    assert incoming.estado == E.ACEPTADO and incoming.asiento == asiento


def test_rejecting_without_a_reason_shows_the_form_error(client, clerk, incoming):
    client.force_login(clerk)
    response = client.post(reverse("registro:sir_rechazar", args=[incoming.pk]), {"motivo": ""})
    assert response.status_code == 400
    assert "Motivo del rechazo" in response.content.decode()
    incoming.refresh_from_db()
    assert incoming.estado == E.RECIBIDO


def test_the_entry_page_shows_its_exchanges_to_staff_in_scope(client, clerk, ciudadana, outgoing):
    url = reverse("registro:asiento_detalle", args=[outgoing.asiento_id])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "Intercambios con otras administraciones" in page
    assert outgoing.identificador in page
    assert reverse("registro:sir_enviar", args=[outgoing.asiento_id]) in page
    client.force_login(ciudadana)  # she filed it: she sees her receipt, not the exchanges
    page = client.get(url).content.decode()
    assert outgoing.identificador not in page


def test_sending_from_the_entry_is_for_its_office(client, clerk, other_clerk, register, transport):
    asiento = register()
    url = reverse("registro:sir_enviar", args=[asiento.pk])
    client.force_login(other_clerk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"entidad_destino": "O00001234"}).status_code == 404
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"entidad_destino": "o00001234"})
    intercambio = Intercambio.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registro:sir_intercambio", args=[intercambio.pk])
    assert intercambio.entidad_destino == "O00001234"


def test_the_staff_home_lists_the_trays_for_clerks_only(client, clerk, plain_staff):
    client.force_login(clerk)
    home = client.get(reverse("gestion:home")).content.decode()
    assert reverse("registro:sir_entrada") in home and reverse("registro:sir_salida") in home
    client.force_login(plain_staff)
    home = client.get(reverse("gestion:home")).content.decode()
    assert reverse("registro:sir_entrada") not in home


# --- API ----------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_lists_exchanges_in_scope_with_their_history(clerk, other_clerk, incoming, outgoing):
    body = api(clerk).get("/api/registro/sir/intercambios/").json()
    ids = {row["identificador"] for row in body["results"]}
    assert ids == {incoming.identificador, outgoing.identificador}
    row = api(clerk).get(f"/api/registro/sir/intercambios/{incoming.pk}/").json()
    assert row["estado"] == E.RECIBIDO
    assert [e["accion"] for e in row["eventos"]] == ["recibir"]
    assert row["eventos"][0]["mensaje"] == TipoMensaje.ACK
    only_in = api(clerk).get("/api/registro/sir/intercambios/", {"sentido": "entrada"}).json()
    assert [r["identificador"] for r in only_in["results"]] == [incoming.identificador]
    assert api(other_clerk).get("/api/registro/sir/intercambios/").json()["results"] == []
    assert api(other_clerk).get(f"/api/registro/sir/intercambios/{incoming.pk}/").status_code == (
        404
    )
    assert api().get("/api/registro/sir/intercambios/").status_code in (401, 403)


def test_api_sends_and_decides_with_the_clerks_permissions(
    clerk, other_clerk, plain_staff, register, incoming, transport
):
    asiento = register()
    payload = {"asiento": asiento.pk, "entidad_destino": "O00001234"}
    assert (
        api(other_clerk).post("/api/registro/sir/intercambios/", payload, format="json").status_code
        == 404
    )
    assert (
        api(plain_staff).post("/api/registro/sir/intercambios/", payload, format="json").status_code
        == 403
    )
    created = api(clerk).post("/api/registro/sir/intercambios/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["estado"] == E.PENDIENTE
    bad = api(clerk).post(
        "/api/registro/sir/intercambios/",
        {**payload, "entidad_destino": "O00099999"},
        format="json",
    )
    assert bad.status_code == 400 and "entidad_destino" in bad.json()
    rejected = api(clerk).post(
        f"/api/registro/sir/intercambios/{incoming.pk}/rechazar/", {"motivo": "No"}, format="json"
    )
    assert rejected.status_code == 200 and rejected.json()["estado"] == E.DEVUELTO
    again = api(clerk).post(
        f"/api/registro/sir/intercambios/{incoming.pk}/confirmar/", {}, format="json"
    )
    assert again.status_code == 400  # not possible any more


def test_the_exchange_api_is_in_the_openapi_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"
    ]
    assert "/api/registro/sir/intercambios/{id}/confirmar/" in paths
    assert "/api/registro/sir/mensajes/" in paths


# --- Inbound endpoint ---------------------------------------------------------------------


INBOUND = "/api/registro/sir/mensajes/"


def test_the_inbound_endpoint_is_off_without_a_token(client, settings):
    settings.REGISTRO_SIR_INBOUND_TOKEN = ""
    response = client.post(INBOUND, b"<De_Control/>", content_type="application/xml")
    assert response.status_code == 404


def test_the_inbound_endpoint_needs_the_right_token(client, settings, register, oficina_sede):
    settings.REGISTRO_SIR_INBOUND_TOKEN = "s3cret-token"
    data = remote_fichero(
        register(), identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code
    )
    for header in ("", "Bearer wrong", "Token s3cret-token"):
        response = client.post(
            INBOUND, data, content_type="application/xml", HTTP_AUTHORIZATION=header
        )
        assert response.status_code == 403
    assert not Intercambio.objects.exists()
    response = client.post(
        INBOUND, data, content_type="application/xml", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200
    assert read(response.content)["Tipo_Mensaje"] == TipoMensaje.ACK
    garbage = client.post(
        INBOUND,
        b"\x00garbage",
        content_type="application/xml",
        HTTP_AUTHORIZATION="Bearer s3cret-token",
    )
    assert garbage.status_code == 400


def test_the_inbound_endpoint_bounds_the_message_size(client, settings):
    settings.REGISTRO_SIR_INBOUND_TOKEN = "s3cret-token"
    settings.REGISTRO_SIR_MAX_MESSAGE_BYTES = 1000
    response = client.post(
        INBOUND,
        b"<a>" + b"x" * 2000 + b"</a>",
        content_type="application/xml",
        HTTP_AUTHORIZATION="Bearer s3cret-token",
    )
    assert response.status_code == 400


def test_the_inbound_endpoint_answers_503_without_the_xsds(client, settings, tmp_path):
    from registro.sir.mensajes import _schema

    settings.REGISTRO_SIR_INBOUND_TOKEN = "s3cret-token"
    settings.REGISTRO_SIR_XSD_DIR = tmp_path
    _schema.cache_clear()
    try:
        response = client.post(
            INBOUND,
            b"<De_Control/>",
            content_type="application/xml",
            HTTP_AUTHORIZATION="Bearer s3cret-token",
        )
    finally:
        _schema.cache_clear()
    assert response.status_code == 503


def test_the_inbound_endpoint_skips_the_browser_machinery_not_its_checks(
    client, settings, register, oficina_sede
):
    """Issue 18: the machine endpoint goes straight to its view (no session, CSRF, locale,
    user), but the host is still validated, the token still required, and the answer still
    carries the security headers."""
    settings.REGISTRO_SIR_INBOUND_TOKEN = "s3cret-token"
    data = remote_fichero(
        register(), identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code
    )
    client.cookies["sessionid"] = "not-a-session"
    response = client.post(
        INBOUND, data, content_type="application/xml", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200
    assert read(response.content)["Tipo_Mensaje"] == TipoMensaje.ACK
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    vary = response.get("Vary", "")
    assert "Cookie" not in vary and "Accept-Language" not in vary  # no session, no locale
    assert not response.cookies
    other_host = client.post(
        INBOUND,
        data,
        content_type="application/xml",
        HTTP_AUTHORIZATION="Bearer s3cret-token",
        HTTP_HOST="evil.example",
    )
    assert other_host.status_code == 400
    assert Intercambio.objects.count() == 1


def test_the_trays_speak_basque(client, clerk, incoming):
    client.force_login(clerk)
    page = client.get("/eu" + reverse("registro:sir_entrada")).content.decode()
    assert "Beste administrazio batzuetatik jasotako trukeak" in page
    assert "Jasoa, berresteko zain (aurre-idazpena)" in page


@pytest.mark.parametrize("action", ["confirmar", "reenviar"])
def test_deciding_on_an_exchange_we_sent_is_refused_not_a_500(client, clerk, outgoing, action):
    """Found by the access matrix with real objects (issue 17.13): confirming (or forwarding)
    an OUTGOING exchange had no transition at all and answered 500. It is refused with the
    reason, on the page and in the API, and nothing changes."""
    client.force_login(clerk)
    before = outgoing.estado
    data = {"entidad_destino": "O00005678"} if action == "reenviar" else {}
    page = client.post(reverse(f"registro:sir_{action}", args=[outgoing.pk]), data)
    assert page.status_code == 400
    assert "no es posible en un intercambio enviado" in page.content.decode()
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.post(f"/api/registro/sir/intercambios/{outgoing.pk}/{action}/", data)
    assert response.status_code == 400
    outgoing.refresh_from_db()
    assert outgoing.estado == before


def test_a_peers_message_is_answered_without_drfs_request_machinery(
    client, settings, register, oficina_sede, monkeypatch
):
    """Issue 18: a POST of XML with the token is answered by ``machine_post`` (the same checks
    and answer, without DRF's per-request objects); anything else still goes to the view."""
    from registro.sir.api import SirMensajesApi

    settings.REGISTRO_SIR_INBOUND_TOKEN = "s3cret-token"
    data = remote_fichero(
        register(), identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code
    )

    def not_here(*args, **kwargs):
        raise AssertionError("DRF's dispatch was used")

    monkeypatch.setattr(SirMensajesApi, "initial", not_here)
    response = client.post(
        INBOUND, data, content_type="text/xml", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200 and response["Content-Length"] == str(len(response.content))
    assert read(response.content)["Tipo_Mensaje"] == TipoMensaje.ACK
    monkeypatch.undo()
    wrong_type = client.post(
        INBOUND, data, content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert wrong_type.status_code == 415  # the view's own answer
