"""Who may edit a procedure: catalogue managers, or staff of the owning unit (issue 3, 5)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .constants import PERMISO_GESTION_CATALOGO
from .models import Procedimiento


def is_catalogue_manager(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(PERMISO_GESTION_CATALOGO)))


def procedimientos_editable_by(user, qs: QuerySet[Procedimiento] | None = None):
    """The procedures ``user`` may edit: all for managers; else those of their units
    (a unit's staff also own the procedures of its sub-units). Resolved in one query."""
    qs = Procedimiento.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_staff:
        return qs.none()
    if is_catalogue_manager(user):
        return qs
    unit_ids = list(user.unidades.values_list("id", flat=True))
    return qs.filter(Q(unit_id__in=unit_ids) | Q(unit__parent_id__in=unit_ids))


def user_can_edit_procedimiento(user, procedimiento: Procedimiento) -> bool:
    return procedimientos_editable_by(user).filter(pk=procedimiento.pk).exists()
