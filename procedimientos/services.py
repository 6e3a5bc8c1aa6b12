"""Writes of the catalogue: procedures, the review workflow and form versions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.models import User

from .constants import (
    TIPOS_CON_FIRMA,
    TRANSICIONES_ADAPTACION,
    EstadoAdaptacion,
)
from .forms_schema import form_definition_errors
from .models import CambioEstadoAdaptacion, FormularioVersion, Procedimiento
from .text import normalize


def procedimiento_search_text(procedimiento: Procedimiento) -> str:
    """The normalised text the catalogue search matches (es and eu)."""
    parts = [
        procedimiento.code,
        procedimiento.sia_code,
        procedimiento.title_es,
        procedimiento.title_eu,
        procedimiento.summary_es,
        procedimiento.summary_eu,
    ]
    return normalize(" ".join(p for p in parts if p))


def signature_required_for(filing_kind: str) -> bool:
    """CAT-5 (Ley 39/2015 art. 11.2): applications, declarations, appeals need a signature."""
    return filing_kind in TIPOS_CON_FIRMA


@transaction.atomic
def procedimiento_save(*, procedimiento: Procedimiento, validate: bool = True) -> Procedimiento:
    """Validate and store a procedure, keeping its search text up to date."""
    procedimiento.search_text = procedimiento_search_text(procedimiento)
    if validate:
        procedimiento.full_clean()
    procedimiento.save()
    return procedimiento


@transaction.atomic
def procedimiento_change_status(
    *,
    procedimiento: Procedimiento,
    to_status: str,
    by: User | None,
    note: str = "",
) -> Procedimiento:
    """Move a procedure along the review workflow (pending → in review → standardised →
    published, or back for rework). Records who and when; refuses any other jump."""
    current = Procedimiento.objects.select_for_update().get(pk=procedimiento.pk)
    allowed = TRANSICIONES_ADAPTACION[current.adaptation_status]
    if to_status not in allowed:
        raise ValidationError(
            _("No se puede pasar de «%(from)s» a «%(to)s».")
            % {
                "from": EstadoAdaptacion(current.adaptation_status).label,
                "to": EstadoAdaptacion(to_status).label
                if to_status in EstadoAdaptacion.values
                else to_status,
            },
            code="invalid_transition",
        )
    now = timezone.now()
    CambioEstadoAdaptacion.objects.create(
        procedimiento=current,
        from_status=current.adaptation_status,
        to_status=to_status,
        by=by,
        at=now,
        note=note,
    )
    current.adaptation_status = to_status
    current.adaptation_changed_at = now
    if to_status == EstadoAdaptacion.NORMALIZADO:
        current.standardised_at = now
    if to_status == EstadoAdaptacion.PUBLICADO:
        current.published_at = now
    if by is not None and current.adaptation_owner_id is None:
        current.adaptation_owner = by
    current.save(
        update_fields=[
            "adaptation_status",
            "adaptation_changed_at",
            "standardised_at",
            "published_at",
            "adaptation_owner",
            "updated_at",
        ]
    )
    procedimiento.refresh_from_db()
    return current


@transaction.atomic
def formulario_create_draft(
    *,
    procedimiento: Procedimiento,
    schema: dict[str, Any],
    layout: dict[str, Any],
    by: User | None = None,
) -> FormularioVersion:
    """A new draft version (the next number); published versions are never edited.

    Staff start drafts with ``formularios.versiones.version_new_draft`` (one version on its
    way at a time, copied from an earlier one); this takes a definition given whole (the
    catalogue import, the builder's own tools)."""
    from .formularios.versiones import record_created

    errors = form_definition_errors(schema, layout)
    if errors:
        raise ValidationError(errors)
    Procedimiento.objects.select_for_update().filter(pk=procedimiento.pk).first()
    last = procedimiento.formularios.aggregate(n=Max("version"))["n"] or 0
    version = FormularioVersion.objects.create(
        procedimiento=procedimiento, version=last + 1, schema=schema, layout=layout, created_by=by
    )
    record_created(version, by=by)
    return version


@transaction.atomic
def formulario_update_draft(
    *, formulario: FormularioVersion, schema: dict[str, Any], layout: dict[str, Any]
) -> FormularioVersion:
    """Edit a draft. On a frozen version (in review, approved, published) this raises
    ``FormularioCongelado``."""
    errors = form_definition_errors(schema, layout)
    if errors:
        raise ValidationError(errors)
    formulario.schema = schema
    formulario.layout = layout
    formulario.save()
    return formulario


def formulario_publish(
    *, formulario: FormularioVersion, by: User | None, migrar_borradores: bool = False
) -> FormularioVersion:
    """Publish a draft WITHOUT the review step: the catalogue import and the demo seed only
    (``formularios.versiones.version_publish_without_review``). Staff publish approved versions
    with ``formularios.versiones.version_publish``."""
    from .formularios.versiones import version_publish_without_review

    published = version_publish_without_review(
        version=formulario, by=by, migrar_borradores=migrar_borradores
    )
    formulario.refresh_from_db()
    return published
