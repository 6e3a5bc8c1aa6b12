"""Pluggable back-ends: delivery channels (the sede; DEHú/Notific@ as an adapter) and SMS."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def delivery_channels() -> tuple:
    """The configured delivery channels (``NOTIFICACIONES_CHANNELS``), instantiated once."""
    return tuple(import_string(path)() for path in settings.NOTIFICACIONES_CHANNELS)


@cache
def sms_backend():
    return import_string(settings.NOTIFICACIONES_SMS_BACKEND)()
