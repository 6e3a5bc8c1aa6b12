"""The sede as a delivery channel: the notification is available in Mi carpeta."""

from __future__ import annotations

from .base import DeliveryChannel


class SedeChannel(DeliveryChannel):
    code = "sede"

    def make_available(self, notificacion) -> str:
        # Nothing to send anywhere: the sede reads the database (Mi carpeta).
        return notificacion.identificador
