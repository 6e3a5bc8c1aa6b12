"""Interfaces of the notification back-ends.

**Delivery channels** (``NOTIFICACIONES_CHANNELS``, a list of dotted paths). The sede itself is
always a channel (``notificaciones.backends.sede.SedeChannel``): the notification is put at the
addressee's disposal in Mi carpeta. The State's shared service (DEHú / Notific@) is added as one
more adapter implementing :class:`DeliveryChannel`: ``make_available`` sends it there and returns
the reference the service gives; ``poll`` returns the accesses and rejections that happened
there since the last call, which the task ``notificaciones_channels_sync_task`` applies with
``notificacion_access_recorded`` — the first access or rejection in either place prevails and
the states stay in step (NOT-10, art. 41.7 Ley 39/2015). No adapter to a real external service
ships yet; see docs/notificaciones.md.

**SMS** (``NOTIFICACIONES_SMS_BACKEND``): :class:`SmsBackend`. Avisos by email use Django's
``EMAIL_BACKEND``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExternalEvent:
    """An access or rejection that happened in an external channel."""

    notificacion_id: int
    at: datetime
    rejected: bool
    reference: str = ""


class DeliveryChannel(ABC):
    code: str = ""

    @abstractmethod
    def make_available(self, notificacion) -> str:
        """Put ``notificacion`` at the addressee's disposal; return the channel's reference."""

    def poll(self) -> list[ExternalEvent]:
        """Accesses and rejections that happened in this channel since the last call."""
        return []


class SmsBackend(ABC):
    @abstractmethod
    def send(self, *, to: str, text: str) -> None:
        """Send ``text`` to the mobile number ``to``; raise on failure (the task retries)."""
