"""Writes of the form builder: a new draft version, and one edit operation applied to a draft.

Every write is judged by ``editor.check`` (``form_definition_errors`` in plain words) before it
is saved: an edit that would leave the form invalid changes nothing. Published (or superseded)
versions are frozen (``FormularioCongelado``); the editor creates a new draft instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from identidad.models import User
from identidad.services import audit_record

from ..models import FormularioCongelado, FormularioVersion, Procedimiento
from ..services import formulario_create_draft
from . import editor
from .editor import EdicionInvalida


def _replace(_schema: Any, _layout: Any, *, schema: Any, layout: Any) -> editor.Def:
    """The raw JSON view: the editor's own definition, judged like any other edit."""
    if not isinstance(schema, dict):
        raise EdicionInvalida(*editor.check(schema, layout))
    if layout in (None, ""):
        layout = {}
    if not isinstance(layout, dict):
        raise EdicionInvalida(*editor.check(schema, layout))
    return copy.deepcopy(schema), copy.deepcopy(layout)


OPERATIONS: dict[str, Callable[..., editor.Def]] = {
    "add_field": editor.add_field,
    "add_fieldset": editor.add_fieldset,
    "add_step": editor.add_step,
    "insert_block": editor.insert_block,
    "move": editor.move,
    "delete": editor.delete,
    "edit_step": editor.edit_step,
    "edit_fieldset": editor.edit_fieldset,
    "edit_field": editor.edit_field,
    "set_condition": editor.set_condition,
    "set_required_if": editor.set_required_if,
    "set_validator": editor.set_validator,
    "remove_validator": editor.remove_validator,
    "set_prefill": editor.set_prefill,
    "replace": _replace,
}


@transaction.atomic
def formulario_draft_new(
    *, procedimiento: Procedimiento, copy_latest: bool, by: User | None = None
) -> FormularioVersion:
    """A new draft version of the procedure's form: a copy of its latest version (published or
    not), or an empty form. Recorded in the audit trail (ENS-1)."""
    latest = procedimiento.formularios.order_by("-version").first()
    if copy_latest and latest is not None:
        schema, layout = copy.deepcopy(latest.schema), copy.deepcopy(latest.layout or {})
    else:
        schema, layout = editor.empty()
    draft = formulario_create_draft(
        procedimiento=procedimiento, schema=schema, layout=layout, by=by
    )
    audit_record(
        actor=by,
        action="procedimientos.formulario.create",
        obj=draft,
        detail={"copy_of": latest.version if copy_latest and latest else None},
    )
    return draft


@transaction.atomic
def formulario_builder_apply(
    *, formulario: FormularioVersion, operation: str, by: User | None = None, **kwargs: Any
) -> FormularioVersion:
    """Apply one edit operation (``OPERATIONS``) to a draft and save it, or change nothing.

    Raises ``EdicionInvalida`` (plain es/eu messages) when the edit is refused or its result is
    not a valid form, and ``FormularioCongelado`` on a published or superseded version. Each
    saved edit is recorded in the audit trail with its operation (ENS-1)."""
    locked = FormularioVersion.objects.select_for_update().get(pk=formulario.pk)
    if locked.is_frozen:
        raise FormularioCongelado(f"Form version {locked.pk} is {locked.status}.")
    if operation not in OPERATIONS:
        raise EdicionInvalida(_("Operación desconocida."))
    schema, layout = OPERATIONS[operation](locked.schema, locked.layout or {}, **kwargs)
    errors = editor.check(schema, layout)
    if errors:
        raise EdicionInvalida(*errors)
    locked.schema, locked.layout = schema, layout
    locked.save(update_fields=["schema", "layout"])
    audit_record(
        actor=by,
        action="procedimientos.formulario.edit",
        obj=locked,
        detail={"operation": operation},
    )
    formulario.schema, formulario.layout = schema, layout
    return locked
