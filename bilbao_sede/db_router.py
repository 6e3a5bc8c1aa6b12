"""An optional read replica (``DATABASE_REPLICA_URL``) for the reads that tolerate a little
lag — the public catalogue, CSV verification (``/verificar/``) and the registry book — and
nothing else (issue 10, "beyond one machine"; docs/configuration.md, README "Scaling").

The rules, all here:

- Only GET/HEAD requests to ``REPLICA_READ_PATHS`` (with or without a language prefix) may
  read from the replica, and only rows of ``REPLICA_READ_MODELS``: sessions, users and
  everything else come from the primary.
- Never a read that follows the reader's own write: any POST/PUT/PATCH/DELETE answer sets a
  short cookie (``REPLICA_PIN_SECONDS``) that pins that browser to the primary, so the
  citizen who has just filed, or the clerk who has just registered an entry, reads it back
  from where it was written.
- Never a write: every write goes to the primary, and after a write in a request every later
  read of that request does too; a read inside a transaction stays on the primary.
- Without ``DATABASE_REPLICA_URL`` nothing changes (the router answers "default").
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "sede_primary"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Paths whose pages read from the replica (the i18n prefix is ignored).
REPLICA_READ_PATHS = ("/catalogo/", "/verificar/", "/registro/libro/")
# Apps (or single models, "app.model") whose rows those pages may read from it: the
# catalogue, documents and their CSVs, the registry, the calendar, and the units (DIR3).
REPLICA_READ_MODELS = frozenset(
    {"procedimientos", "firma", "registro", "calendario", "identidad.unidad"}
)

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads():
    """Within this block, reads of ``REPLICA_READ_MODELS`` rows may go to the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Reads to the replica only inside ``replica_reads()``; writes always to the primary."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label not in REPLICA_READ_MODELS and meta.label_lower not in (
            REPLICA_READ_MODELS
        ):
            return None
        if connections["default"].in_atomic_block:
            return None  # a read inside a transaction must see that transaction
        return REPLICA

    def db_for_write(self, model, **hints):
        _replica_reads.set(False)  # what follows a write in this request reads the primary
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # a read-only copy of the primary: never migrated by itself
        return None


def _path_reads_from_replica(path: str) -> bool:
    languages = [code for code, _name in settings.LANGUAGES]
    for code in languages:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            path = path[len(prefix) - 1 :]
            break
    return path.startswith(REPLICA_READ_PATHS)


class ReplicaReadsMiddleware:
    """Opens ``replica_reads()`` around the views of ``REPLICA_READ_PATHS`` and pins a
    browser to the primary for ``REPLICA_PIN_SECONDS`` after it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = (
            replica_configured()
            and request.method in ("GET", "HEAD")
            and PIN_COOKIE not in request.COOKIES
            and _path_reads_from_replica(request.path_info)
        )
        if use_replica:
            with replica_reads():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if request.method in UNSAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
