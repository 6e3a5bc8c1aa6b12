"""Redsys (the Spanish card-payment gateway), signature version HMAC_SHA256_V1.

Request: ``Ds_MerchantParameters`` = base64 of a JSON object (DS_MERCHANT_AMOUNT in cents,
DS_MERCHANT_ORDER, ...); ``Ds_Signature`` = base64(HMAC-SHA256(K, Ds_MerchantParameters)),
where the per-order key K = 3DES-CBC(merchant key, order number zero-padded to a multiple of
8 bytes, IV of 8 zero bytes) and the merchant key is the base64-decoded secret from Redsys'
back office. The notification is signed the same way with the order in ``Ds_Order``; its
signature comes base64url-encoded. Endpoints (``PAGOS_REDSYS_URL``):
test ``https://sis-t.redsys.es:25443/sis/realizarPago``, production
``https://sis.redsys.es/sis/realizarPago``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import unquote

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..constants import CURRENCY_EUR
from .base import (
    GatewayNotification,
    NotificacionInvalida,
    PaymentGateway,
    RedirectForm,
    ReturnUrls,
)

SIGNATURE_VERSION = "HMAC_SHA256_V1"
TEST_URL = "https://sis-t.redsys.es:25443/sis/realizarPago"
PRODUCTION_URL = "https://sis.redsys.es/sis/realizarPago"
# Redsys' consumer language codes.
LANGUAGES = {"es": "001", "eu": "013"}


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional (Redsys uses both)."""
    data = text.strip().replace("-", "+").replace("_", "/")
    data += "=" * (-len(data) % 4)
    return base64.b64decode(data, validate=True)


def order_key(merchant_key_b64: str, order: str) -> bytes:
    """The per-order key: the order number 3DES-CBC encrypted with the merchant key."""
    key = _b64decode(merchant_key_b64)
    raw = order.encode("ascii")
    raw += b"\0" * (-len(raw) % 8)
    encryptor = Cipher(TripleDES(key), modes.CBC(b"\0" * 8)).encryptor()
    return encryptor.update(raw) + encryptor.finalize()


def sign(merchant_key_b64: str, order: str, merchant_parameters: str) -> str:
    """``Ds_Signature`` (standard base64) of ``merchant_parameters`` as sent."""
    mac = hmac.new(
        order_key(merchant_key_b64, order), merchant_parameters.encode("ascii"), hashlib.sha256
    )
    return base64.b64encode(mac.digest()).decode("ascii")


def encode_parameters(params: Mapping[str, str]) -> str:
    return base64.b64encode(json.dumps(dict(params)).encode("utf-8")).decode("ascii")


def decode_parameters(merchant_parameters: str) -> dict:
    try:
        decoded = json.loads(_b64decode(merchant_parameters))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise NotificacionInvalida("Ds_MerchantParameters is not base64 JSON") from exc
    if not isinstance(decoded, dict):
        raise NotificacionInvalida("Ds_MerchantParameters is not a JSON object")
    return decoded


def signatures_match(received: str, expected: str) -> bool:
    """Constant-time comparison of two signatures, whatever base64 alphabet each uses."""
    try:
        a, b = _b64decode(received), _b64decode(expected)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(a, b)


def _field(params: dict, name: str) -> str:
    """Notification fields come as ``Ds_Order`` (sometimes ``DS_ORDER``), URL-encoded."""
    for key, value in params.items():
        if key.lower() == name.lower():
            return unquote(str(value))
    return ""


class RedsysGateway(PaymentGateway):
    name = "redsys"

    def __init__(self) -> None:
        self.url = self.endpoint()
        self.merchant_code = str(getattr(settings, "PAGOS_REDSYS_MERCHANT_CODE", "") or "")
        self.terminal = str(getattr(settings, "PAGOS_REDSYS_TERMINAL", "1") or "1")
        self.key = str(getattr(settings, "PAGOS_REDSYS_KEY", "") or "")
        if not self.merchant_code or not self.key:
            raise ImproperlyConfigured(
                "The Redsys gateway needs PAGOS_REDSYS_MERCHANT_CODE and PAGOS_REDSYS_KEY."
            )

    def endpoint(self) -> str:
        return str(getattr(settings, "PAGOS_REDSYS_URL", "") or TEST_URL)

    # --- request --------------------------------------------------------------------
    def request_parameters(self, *, pago, urls: ReturnUrls, language: str) -> dict[str, str]:
        return {
            "DS_MERCHANT_AMOUNT": str(pago.amount_cents),
            "DS_MERCHANT_ORDER": pago.order,
            "DS_MERCHANT_MERCHANTCODE": self.merchant_code,
            "DS_MERCHANT_CURRENCY": CURRENCY_EUR,
            "DS_MERCHANT_TRANSACTIONTYPE": "0",  # authorisation
            "DS_MERCHANT_TERMINAL": self.terminal,
            "DS_MERCHANT_MERCHANTURL": urls.notification,
            "DS_MERCHANT_URLOK": urls.ok,
            "DS_MERCHANT_URLKO": urls.ko,
            "DS_MERCHANT_PRODUCTDESCRIPTION": (pago.concept_es or "")[:125],
            "DS_MERCHANT_MERCHANTNAME": str(settings.COUNCIL_NAME)[:25],
            "DS_MERCHANT_CONSUMERLANGUAGE": LANGUAGES.get(language[:2], "001"),
        }

    def redirect_form(self, *, pago, urls: ReturnUrls, language: str) -> RedirectForm:
        params = encode_parameters(self.request_parameters(pago=pago, urls=urls, language=language))
        return RedirectForm(
            url=self.url,
            fields={
                "Ds_SignatureVersion": SIGNATURE_VERSION,
                "Ds_MerchantParameters": params,
                "Ds_Signature": sign(self.key, pago.order, params),
            },
        )

    def verify_request(self, post: Mapping[str, str]) -> dict:
        """What the gateway checks on a payment request (the simulator plays the gateway)."""
        params = str(post.get("Ds_MerchantParameters", ""))
        decoded = decode_parameters(params)
        order = _field(decoded, "DS_MERCHANT_ORDER")
        if post.get("Ds_SignatureVersion") != SIGNATURE_VERSION or not order:
            raise NotificacionInvalida("unknown signature version or no order", decoded=decoded)
        if not signatures_match(str(post.get("Ds_Signature", "")), sign(self.key, order, params)):
            raise NotificacionInvalida("bad signature", order=order, decoded=decoded)
        if _field(decoded, "DS_MERCHANT_MERCHANTCODE") != self.merchant_code:
            raise NotificacionInvalida("another merchant", order=order, decoded=decoded)
        return decoded

    # --- notification ---------------------------------------------------------------
    def notification_fields(self, *, order: str, amount_cents: int, response: str, auth: str):
        """The parameters of a notification (used by the simulator, which plays Redsys)."""
        return {
            "Ds_Amount": str(amount_cents),
            "Ds_Currency": CURRENCY_EUR,
            "Ds_Order": order,
            "Ds_MerchantCode": self.merchant_code,
            "Ds_Terminal": self.terminal.zfill(3),
            "Ds_Response": response,
            "Ds_AuthorisationCode": auth,
            "Ds_TransactionType": "0",
            "Ds_SecurePayment": "1",
        }

    def signed_notification(self, fields: Mapping[str, str]) -> dict[str, str]:
        params = encode_parameters(fields)
        signature = sign(self.key, fields["Ds_Order"], params)
        return {
            "Ds_SignatureVersion": SIGNATURE_VERSION,
            "Ds_MerchantParameters": params,
            "Ds_Signature": signature.replace("+", "-").replace("/", "_"),  # as Redsys sends it
        }

    def parse_notification(self, post: Mapping[str, str]) -> GatewayNotification:
        version = str(post.get("Ds_SignatureVersion", ""))
        params = str(post.get("Ds_MerchantParameters", ""))
        received = str(post.get("Ds_Signature", ""))
        if version != SIGNATURE_VERSION:
            raise NotificacionInvalida(f"unknown signature version {version[:40]!r}")
        if not params or not received:
            raise NotificacionInvalida("no parameters or no signature")
        decoded = decode_parameters(params)
        order = _field(decoded, "Ds_Order")
        if not order or len(order) > 12:
            raise NotificacionInvalida("no valid order number", decoded=decoded)
        if not signatures_match(received, sign(self.key, order, params)):
            raise NotificacionInvalida("bad signature", order=order, decoded=decoded)
        if _field(decoded, "Ds_MerchantCode") != self.merchant_code:
            raise NotificacionInvalida("another merchant", order=order, decoded=decoded)
        try:
            amount = int(_field(decoded, "Ds_Amount"))
            response = int(_field(decoded, "Ds_Response"))
        except ValueError as exc:
            raise NotificacionInvalida("bad amount or response", order=order) from exc
        return GatewayNotification(
            order=order,
            amount_cents=amount,
            currency=_field(decoded, "Ds_Currency"),
            response_code=response,
            authorisation_code=_field(decoded, "Ds_AuthorisationCode").strip()[:12],
            raw={
                "Ds_SignatureVersion": version,
                "Ds_MerchantParameters": params,
                "Ds_Signature": received,
                "decoded": decoded,
            },
        )
