"""The gateway's callback: the only way a payment becomes paid. Forged, altered or unknown
notifications are refused with 4xx and change nothing; a repeated one changes nothing more;
every notification is kept in an append-only history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pagos.constants import EstadoPago, ResultadoNotificacion
from pagos.models import NotificacionPago
from tests.pagos.support import make_pago, signed_notification

pytestmark = pytest.mark.django_db

URL = "/pagos/notificacion/"


@pytest.fixture
def pago(ciudadana, con_tasa):
    return make_pago(user=ciudadana, procedimiento=con_tasa, amount_cents=2550)


def test_the_url_is_the_documented_one():
    assert reverse("pagos:notificacion") == URL


def test_a_genuine_authorisation_marks_the_payment_paid(client, pago):
    response = client.post(URL, signed_notification(pago))
    assert response.status_code == 200
    pago.refresh_from_db()
    assert pago.estado == EstadoPago.AUTORIZADO
    assert pago.authorisation_code == "123456"
    assert pago.response_code == "0000"
    assert pago.notification_raw["decoded"]["Ds_Order"] == pago.order
    assert pago.decided_at is not None
    (notif,) = NotificacionPago.objects.all()
    assert notif.resultado == ResultadoNotificacion.ACEPTADA and notif.pago == pago


@pytest.mark.parametrize(("code", "estado"), [("0190", "denegado"), ("9915", "anulado")])
def test_a_denial_or_a_cancellation_is_recorded_as_such(client, pago, code, estado):
    assert client.post(URL, signed_notification(pago, response=code)).status_code == 200
    pago.refresh_from_db()
    assert pago.estado == estado and pago.authorisation_code == ""


def test_any_response_from_0000_to_0099_is_an_authorisation(client, pago):
    client.post(URL, signed_notification(pago, response="0099"))
    pago.refresh_from_db()
    assert pago.estado == EstadoPago.AUTORIZADO


class TestForgedCallbacks:
    def _refused(self, client, pago, post, status=400):
        response = client.post(URL, post)
        assert response.status_code == status
        pago.refresh_from_db()
        assert pago.estado == EstadoPago.PENDIENTE
        assert pago.authorisation_code == ""
        last = NotificacionPago.objects.first()
        assert last.resultado == ResultadoNotificacion.RECHAZADA
        return last

    def test_a_bad_signature_is_refused(self, client, pago):
        post = signed_notification(pago)
        post["Ds_Signature"] = signed_notification(pago, response="0190")["Ds_Signature"]
        assert self._refused(client, pago, post).motivo == "bad signature"

    def test_parameters_altered_after_signing_are_refused(self, client, pago):
        from pagos.backends.redsys import decode_parameters, encode_parameters

        post = signed_notification(pago, response="0190")
        params = decode_parameters(post["Ds_MerchantParameters"])
        post["Ds_MerchantParameters"] = encode_parameters({**params, "Ds_Response": "0000"})
        self._refused(client, pago, post)

    def test_a_notification_signed_with_another_key_is_refused(self, client, pago, settings):
        settings.PAGOS_REDSYS_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"  # another 24-byte key
        post = signed_notification(pago)
        settings.PAGOS_REDSYS_KEY = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"
        self._refused(client, pago, post)

    def test_a_genuine_signature_for_the_wrong_amount_is_refused(self, client, pago):
        last = self._refused(client, pago, signed_notification(pago, amount_cents=1))
        assert last.motivo.startswith("amount")

    def test_another_currency_is_refused(self, client, pago):
        self._refused(client, pago, signed_notification(pago, Ds_Currency="840"))

    def test_an_unknown_order_is_refused(self, client, pago):
        self._refused(client, pago, signed_notification(pago, order="0101ZZZZZZZZ"), 404)

    def test_another_merchant_is_refused(self, client, pago):
        self._refused(client, pago, signed_notification(pago, Ds_MerchantCode="111111111"))

    @pytest.mark.parametrize(
        "post",
        [
            {},
            {"Ds_SignatureVersion": "HMAC_SHA256_V1"},
            {
                "Ds_SignatureVersion": "HMAC_SHA512_V2",
                "Ds_MerchantParameters": "e30=",
                "Ds_Signature": "AAAA",
            },
            {
                "Ds_SignatureVersion": "HMAC_SHA256_V1",
                "Ds_MerchantParameters": "%%%",
                "Ds_Signature": "AAAA",
            },
        ],
    )
    def test_malformed_posts_are_refused(self, client, pago, post):
        self._refused(client, pago, post)


def test_a_repeated_notification_changes_nothing_more(client, pago):
    """Redsys retries its notification: one payment, the repeats only recorded."""
    post = signed_notification(pago)
    assert client.post(URL, post).status_code == 200
    pago.refresh_from_db()
    decided = pago.decided_at
    assert client.post(URL, post).status_code == 200
    # A late contrary notification (a denial after the authorisation) changes nothing either.
    assert client.post(URL, signed_notification(pago, response="0190")).status_code == 200
    pago.refresh_from_db()
    assert pago.estado == EstadoPago.AUTORIZADO and pago.decided_at == decided
    resultados = list(NotificacionPago.objects.order_by("pk").values_list("resultado", flat=True))
    assert resultados == ["aceptada", "repetida", "repetida"]


def test_the_history_is_append_only(client, pago):
    client.post(URL, signed_notification(pago))
    notif = NotificacionPago.objects.get()
    notif.motivo = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        notif.save()
    with pytest.raises(ValueError, match="append-only"):
        notif.delete()


def test_the_endpoint_takes_no_get(client):
    assert client.get(URL).status_code == 405


def test_it_needs_no_csrf_token_the_signature_is_the_check(pago):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, signed_notification(pago)).status_code == 200


def test_it_is_rate_limited_per_address(client, pago, settings):
    settings.PAGOS_NOTIFICATION_RATE = "2/m"
    post = {"Ds_SignatureVersion": "HMAC_SHA256_V1"}
    assert [client.post(URL, post).status_code for _ in range(3)] == [400, 400, 429]


def test_without_a_gateway_the_endpoint_refuses(client, pago, settings):
    post = signed_notification(pago)
    settings.PAGOS_GATEWAY = ""
    assert client.post(URL, post).status_code == 404
    pago.refresh_from_db()
    assert pago.estado == EstadoPago.PENDIENTE
