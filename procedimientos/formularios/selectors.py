"""Reads of the form builder, with the access rule applied once: catalogue editors see the
procedures ``permissions.procedimientos_editable_by`` gives them (all of them) and their forms."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from ..models import FormularioVersion, Procedimiento
from ..permissions import procedimientos_editable_by
from ..text import normalize


def procedimientos_for_builder(user, *, q: str = "") -> QuerySet[Procedimiento]:
    qs = procedimientos_editable_by(user, Procedimiento.objects.filter(active=True))
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(search_text__contains=normalize(q)))
    versions = FormularioVersion.objects.only(
        "id", "procedimiento_id", "version", "status", "published_at"
    ).order_by("-version")
    return qs.prefetch_related(Prefetch("formularios", queryset=versions)).order_by("title_es")


def procedimiento_for_builder(user, code: str) -> Procedimiento:
    procedimiento = procedimientos_editable_by(user).filter(code=code).first()
    if procedimiento is None:
        raise Http404
    return procedimiento


def formulario_for_builder(user, pk: int) -> FormularioVersion | None:
    return (
        FormularioVersion.objects.select_related("procedimiento")
        .filter(pk=pk, procedimiento__in=procedimientos_editable_by(user))
        .first()
    )
