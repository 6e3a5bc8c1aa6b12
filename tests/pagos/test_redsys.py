"""Redsys HMAC_SHA256_V1: the per-order key (3DES-CBC of the order with the merchant key) and
the HMAC-SHA256 signature of Ds_MerchantParameters, checked against a published vector."""

from __future__ import annotations

import base64
import json

import pytest

from pagos.backends.base import NotificacionInvalida, ReturnUrls
from pagos.backends.redsys import (
    RedsysGateway,
    decode_parameters,
    encode_parameters,
    order_key,
    sign,
    signatures_match,
)

# Redsys' public test key and a notification signed with it, from the sample that ships with
# Redsys' PHP API (ejemploRecepcionaPet.php, minube/redsys-api).
TEST_KEY = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"
VECTOR_PARAMS = (
    "eyJEc19EYXRlIjoiMzAlMkYwOCUyRjIwMjIiLCJEc19Ib3VyIjoiMTIlM0ExOCIsIkRzX1NlY3VyZVBheW1lbnQiOiIx"
    "IiwiRHNfQ2FyZF9Db3VudHJ5IjoiNzI0IiwiRHNfQW1vdW50IjoiMTU5MDAiLCJEc19DdXJyZW5jeSI6Ijk3OCIsIkRz"
    "X09yZGVyIjoiTU4wMDAwNDkiLCJEc19NZXJjaGFudENvZGUiOiIzNTU4NjgxMDAiLCJEc19UZXJtaW5hbCI6IjAwMSIs"
    "IkRzX1Jlc3BvbnNlIjoiMDAwMCIsIkRzX01lcmNoYW50RGF0YSI6IiIsIkRzX1RyYW5zYWN0aW9uVHlwZSI6IjAiLCJE"
    "c19Db25zdW1lckxhbmd1YWdlIjoiMSIsIkRzX0F1dGhvcmlzYXRpb25Db2RlIjoiMDAyNDEzIiwiRHNfQ2FyZF9CcmFu"
    "ZCI6IjEiLCJEc19Qcm9jZXNzZWRQYXlNZXRob2QiOiI1IiwiRHNfQ29udHJvbF8xNjYxODU0NjgzOTg4IjoiMTY2MTg1"
    "NDY4Mzk4OCJ9"
)
VECTOR_SIGNATURE = "O9aFvML5qK8VBQhV4GK8kFHvmAQaSnX1hfckr7abzIs="


def test_the_published_redsys_notification_vector_verifies():
    assert decode_parameters(VECTOR_PARAMS)["Ds_Order"] == "MN000049"
    assert sign(TEST_KEY, "MN000049", VECTOR_PARAMS) == VECTOR_SIGNATURE


def test_the_gateway_accepts_the_vector_and_reads_it(settings):
    settings.PAGOS_REDSYS_KEY = TEST_KEY
    settings.PAGOS_REDSYS_MERCHANT_CODE = "355868100"
    notif = RedsysGateway().parse_notification(
        {
            "Ds_SignatureVersion": "HMAC_SHA256_V1",
            "Ds_MerchantParameters": VECTOR_PARAMS,
            "Ds_Signature": VECTOR_SIGNATURE,
        }
    )
    assert (notif.order, notif.amount_cents, notif.currency) == ("MN000049", 15900, "978")
    assert notif.authorised and notif.authorisation_code == "002413"


def test_the_per_order_key_is_the_order_zero_padded_and_3des_cbc_encrypted():
    # 12 characters → 16 bytes (two 3DES blocks), as Redsys' own libraries compute it.
    assert len(order_key(TEST_KEY, "1234ABCDEFGH")) == 16
    assert len(order_key(TEST_KEY, "12345678")) == 8
    assert order_key(TEST_KEY, "1234ABCDEFGH") != order_key(TEST_KEY, "1234ABCDEFGI")


def test_a_base64url_signature_matches_its_standard_form():
    signature = sign(TEST_KEY, "1234ABCDEFGH", encode_parameters({"a": "b"}))
    url_safe = signature.replace("+", "-").replace("/", "_").rstrip("=")
    assert signatures_match(url_safe, signature)
    assert not signatures_match("AAAA", signature)
    assert not signatures_match("not base64 !!", signature)


def test_a_request_round_trips_through_the_gateway_check(settings):
    class _Pago:
        order = "1204ABCDEFGH"
        amount_cents = 4800
        concept_es = "Tasa"

    gateway = RedsysGateway()
    urls = ReturnUrls(notification="https://x/n", ok="https://x/ok", ko="https://x/ko")
    form = gateway.redirect_form(pago=_Pago(), urls=urls, language="eu")
    assert form.url == settings.PAGOS_REDSYS_URL
    params = json.loads(base64.b64decode(form.fields["Ds_MerchantParameters"]))
    assert params["DS_MERCHANT_AMOUNT"] == "4800"
    assert params["DS_MERCHANT_ORDER"] == "1204ABCDEFGH"
    assert params["DS_MERCHANT_CURRENCY"] == "978"
    assert params["DS_MERCHANT_CONSUMERLANGUAGE"] == "013"  # euskera
    assert params["DS_MERCHANT_MERCHANTURL"] == "https://x/n"
    assert gateway.verify_request(form.fields)["DS_MERCHANT_ORDER"] == "1204ABCDEFGH"
    tampered = dict(form.fields)
    tampered["Ds_MerchantParameters"] = encode_parameters({**params, "DS_MERCHANT_AMOUNT": "1"})
    with pytest.raises(NotificacionInvalida):
        gateway.verify_request(tampered)


def test_the_system_checks_catch_a_broken_configuration(settings):
    from pagos.checks import pagos_configuration

    settings.DEBUG = True  # the demo: the simulator is fine
    assert pagos_configuration(None) == []
    settings.PAGOS_SIMULADOR = False
    assert [p.id for p in pagos_configuration(None)] == ["pagos.E001"]
    settings.PAGOS_GATEWAY = "pagos.backends.redsys.RedsysGateway"
    settings.PAGOS_REDSYS_KEY = ""
    assert [p.id for p in pagos_configuration(None)] == ["pagos.E002"]
    settings.DEBUG, settings.PAGOS_SIMULADOR = False, True
    settings.PAGOS_REDSYS_KEY = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"
    assert [p.id for p in pagos_configuration(None)] == ["pagos.W001"]
