"""``/healthz`` (liveness) and ``/readyz`` (readiness) for the orchestrator and the proxy.

Answered by the first middleware, before host validation and the HTTPS redirect, so a probe
that connects by address gets an answer. ``/healthz``: the process serves requests (nothing
else is touched). ``/readyz``: the database, the broker, the document storage and the council
seal key are reachable — 200 when all are, 503 naming what is not.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3


def check_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker: tasks run in the request (demo)
    from bilbao_sede.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


def check_storage() -> None:
    from django.core.files.storage import default_storage

    default_storage.exists("readyz-probe")  # raises when the bucket is unreachable or missing
    if settings.STORAGE_BACKEND == "local":
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            raise OSError(f"MEDIA_ROOT {root} is not writable")


def check_seal() -> None:
    from firma.keys import get_signer

    get_signer("sello")  # loaded once per process, then kept


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "seal": check_seal,
}


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure makes the instance not ready
            logger.warning("readyz: %s not ready: %s", name, exc)
            results[name] = f"error: {type(exc).__name__}: {str(exc)[:200]}"
        else:
            results[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
    return all(v.startswith("ok") for v in results.values()), results


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return HttpResponse("ok\n", content_type="text/plain")
        if request.path == "/readyz":
            ready, results = readiness()
            return JsonResponse(
                {"status": "ok" if ready else "unavailable", "checks": results},
                status=200 if ready else 503,
            )
        return self.get_response(request)
