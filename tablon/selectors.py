"""Reads of the notice board."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from procedimientos.text import search_terms

from .models import Edicto, ResumenDiario


def _in_force(at: datetime) -> Q:
    return (
        Q(published_from__lte=at, published_until__gt=at)
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        & ~Q(csv="")
    )


def edictos_en_vigor(*, q: str = "", kind: str = "", at: datetime | None = None) -> QuerySet:
    """Edicts on the board now, newest first; ``q`` matches every word in es or eu,
    accent- and case-insensitively."""
    qs = Edicto.objects.filter(_in_force(at or timezone.now())).select_related("organo")
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_from", "-pk")


def edicto_public_get(public_id) -> Edicto:
    """An edict that is, or was, on the board (not one scheduled for later)."""
    return Edicto.objects.select_related("organo").get(
        public_id=public_id, published_from__lte=timezone.now(), csv__gt=""
    )


def edictos_staff_list() -> QuerySet:
    return Edicto.objects.select_related("organo", "created_by").order_by("-created_at")


def resumenes_recientes(limit: int = 30) -> QuerySet:
    return ResumenDiario.objects.order_by("-date")[:limit]
