"""Test settings: base settings, made faster. Nothing else differs from production."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in process; tests/integration switch to the real broker and worker.
CELERY_TASK_ALWAYS_EAGER = True
# One private cache per test process: a shared Redis would let parallel workers' cache.clear()
# (tests/conftest.py) wipe each other's entries mid-test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
NOTIFICACIONES_SMS_BACKEND = "notificaciones.backends.sms.OutboxSmsBackend"
