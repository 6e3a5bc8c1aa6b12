"""The payment gateway interface: one class per gateway, named by ``PAGOS_GATEWAY``.

A gateway does two things for the sede: it builds the signed form the citizen's browser
posts to the gateway (redirect), and it reads and verifies the notification the gateway
sends server-to-server to the callback — the only thing that can mark a payment paid."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class NotificacionInvalida(Exception):  # noqa: N818 - the domain's word
    """A notification that is not the gateway's (bad signature, malformed, wrong merchant)."""

    def __init__(self, motivo: str, *, order: str = "", decoded: dict | None = None):
        super().__init__(motivo)
        self.motivo = motivo
        self.order = order
        self.decoded = decoded


@dataclass(frozen=True)
class ReturnUrls:
    notification: str  # server-to-server callback (absolute)
    ok: str  # the citizen's browser after paying (absolute)
    ko: str  # ... after a refusal or a cancellation


@dataclass(frozen=True)
class RedirectForm:
    """What the citizen's browser POSTs to the gateway (a plain HTML form)."""

    url: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayNotification:
    """A verified notification: who signed it has been checked; the amount has not."""

    order: str
    amount_cents: int
    currency: str
    response_code: int
    authorisation_code: str
    raw: dict  # what arrived (the signed parameters as received, and their decoding)

    @property
    def authorised(self) -> bool:
        from ..constants import AUTHORISED_RESPONSES

        return self.response_code in AUTHORISED_RESPONSES

    @property
    def cancelled(self) -> bool:
        from ..constants import CANCELLED_RESPONSES

        return self.response_code in CANCELLED_RESPONSES


class PaymentGateway(ABC):
    name: str = ""

    @abstractmethod
    def redirect_form(self, *, pago, urls: ReturnUrls, language: str) -> RedirectForm:
        """The signed form that sends the citizen to pay ``pago``."""

    @abstractmethod
    def parse_notification(self, post: Mapping[str, str]) -> GatewayNotification:
        """Verify and read a notification; raise ``NotificacionInvalida`` if it is not genuine."""


def get_gateway() -> PaymentGateway | None:
    """The configured gateway, or None when online payment is not configured."""
    path = getattr(settings, "PAGOS_GATEWAY", "") or ""
    if not path:
        return None
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PAGOS_GATEWAY={path!r} cannot be imported: {exc}") from exc
    return cls()
