"""The transport seam: how a SICRES 4.0 message reaches another registry entity.

A backend delivers one message (bytes of a ``Fichero_Intercambio_SICRES_4`` or a
``De_Control``) to the registry entity ``destino`` and returns the other side's technical
answer when the transport gives it at once (the control message answering it: ACK, Error,
ACK-Confirmación, ACK-Rechazo), or ``None`` when the answer will arrive later as a message of
its own (``registro.sir.services.mensaje_recibir``, e.g. from the State's SIR node's inbound
service). It raises :class:`TransporteError` when the message could not be delivered: the
exchange stays pending and is retried with backoff, nothing is lost.

Backends hold no state of the exchange: the services decide what to send, record every
message and change states. See ``docs/sir.md`` for how the State's SIR node plugs in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class TransporteError(Exception):
    """The message was not delivered (peer down, timeout, refused at the transport level)."""


class SirBackend(ABC):
    @abstractmethod
    def send(self, *, destino: str, data: bytes) -> bytes | None:
        """Deliver ``data`` to registry entity ``destino``; the synchronous answer or None."""

    def knows(self, destino: str) -> bool:
        """Whether this transport can reach ``destino`` (used to warn a clerk early)."""
        return True
