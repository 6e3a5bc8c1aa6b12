"""SMS back-ends for avisos: console and file (demo, tests). A provider's gateway implements
:class:`~notificaciones.backends.base.SmsBackend` and is named in ``NOTIFICACIONES_SMS_BACKEND``."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import SmsBackend

logger = logging.getLogger("notificaciones.sms")


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class FileSmsBackend(SmsBackend):
    """Appends each message to ``NOTIFICACIONES_SMS_FILE_PATH`` (one line per message)."""

    def send(self, *, to: str, text: str) -> None:
        path = Path(settings.NOTIFICACIONES_SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{timezone.now().isoformat()}\t{to}\t{text}\n")


class OutboxSmsBackend(SmsBackend):
    """Keeps messages in memory (tests): ``OutboxSmsBackend.outbox``."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append((to, text))


class FailingSmsBackend(SmsBackend):
    """Always fails (tests of the retry path)."""

    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("SMS gateway unreachable")
