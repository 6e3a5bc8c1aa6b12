"""Incident notices of the sede (SEDE-2; Ley 39/2015 art. 32.4): writes and reads.

Staff publish a notice and end it (staff page or admin); the sede shows the notices in force on
every page at once — the list is cached and the cache is dropped by every write here — and keeps
the ended ones as the history, the basis for extending terms when the sede fails.
(A module of its own: ``services.py`` holds the filing flow.)
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.services import audit_record

from .models import AvisoIncidencia

CACHE_KEY = "sede:avisos-incidencia:abiertos"
CACHE_SECONDS = 60  # a safety net only: every write drops the cache


def _forget() -> None:
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    cache.delete(CACHE_KEY)


@transaction.atomic
def aviso_incidencia_create(
    *,
    by,
    title_es: str,
    text_es: str,
    title_eu: str = "",
    text_eu: str = "",
    extends_terms: bool = False,
    starts_at: datetime | None = None,
) -> AvisoIncidencia:
    aviso = AvisoIncidencia(
        title_es=title_es.strip(),
        title_eu=title_eu.strip(),
        text_es=text_es.strip(),
        text_eu=text_eu.strip(),
        extends_terms=extends_terms,
        starts_at=starts_at or timezone.now(),
        created_by=by,
    )
    aviso.full_clean()
    aviso.save()
    audit_record(actor=by, action="sede.aviso_incidencia.create", obj=aviso)
    _forget()
    return aviso


@transaction.atomic
def aviso_incidencia_end(
    *, aviso: AvisoIncidencia, by, at: datetime | None = None
) -> AvisoIncidencia:
    """End a notice (it stays in the history). Ending it twice changes nothing."""
    aviso = AvisoIncidencia.objects.select_for_update().get(pk=aviso.pk)
    if aviso.ended_at is not None:
        return aviso
    at = at or timezone.now()
    if at < aviso.starts_at:
        raise ValidationError(_("El fin de la incidencia no puede ser anterior a su inicio."))
    aviso.ended_at = at
    aviso.ended_by = by
    aviso.save(update_fields=["ended_at", "ended_by"])
    audit_record(actor=by, action="sede.aviso_incidencia.end", obj=aviso)
    _forget()
    return aviso


def _open_notices() -> list[AvisoIncidencia]:
    """Notices not ended (or ending in the future), from the cache when possible."""
    notices = cache.get(CACHE_KEY)
    if notices is None:
        now = timezone.now()
        notices = list(
            AvisoIncidencia.objects.filter(ended_at__isnull=True)
            | AvisoIncidencia.objects.filter(ended_at__gt=now)
        )
        cache.set(CACHE_KEY, notices, CACHE_SECONDS)
    return notices


def avisos_en_vigor(at: datetime | None = None) -> list[AvisoIncidencia]:
    """The notices in force at ``at`` (now), newest first."""
    at = at or timezone.now()
    return sorted(
        (n for n in _open_notices() if n.in_force(at)), key=lambda n: n.starts_at, reverse=True
    )


def avisos_historial() -> QuerySet[AvisoIncidencia]:
    """Every ended notice, newest first (the public history)."""
    return AvisoIncidencia.objects.filter(ended_at__lte=timezone.now()).order_by("-starts_at")
