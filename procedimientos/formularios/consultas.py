"""Reads of the form workflow, with the access rule applied here once.

- A **catalogue editor** (``procedimientos.editar_formularios``) works on the procedures they
  may edit (``procedimientos.permissions``: all of them for catalogue managers).
- A **unit head** (``procedimientos.aprobar_formularios``) reviews the forms of the procedures of
  their units and the units below (``identidad.scope``); administrators see every unit.
- Anyone else: the versions do not exist for them (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from identidad.scope import staff_scope

from ..constants import (
    ESTADOS_FORMULARIO_EN_CURSO,
    PERMISO_APROBAR_FORMULARIOS,
    PERMISO_EDITAR_FORMULARIOS,
    AccionFormulario,
    EstadoFormulario,
)
from ..models import FormularioHistorial, FormularioVersion, Procedimiento
from ..permissions import procedimientos_editable_by

# Actions on a version (URL ``procedimientos:formulario_version_accion``).
ENVIAR = "enviar"
APROBAR = "aprobar"
DEVOLVER = "devolver"
PUBLICAR = "publicar"
ACCIONES = (ENVIAR, APROBAR, DEVOLVER, PUBLICAR)


def _active_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def puede_editar(user, procedimiento: Procedimiento) -> bool:
    if not (_active_staff(user) and user.has_perm(PERMISO_EDITAR_FORMULARIOS)):
        return False
    return procedimientos_editable_by(user).filter(pk=procedimiento.pk).exists()


def puede_aprobar(user, procedimiento: Procedimiento) -> bool:
    if not (_active_staff(user) and user.has_perm(PERMISO_APROBAR_FORMULARIOS)):
        return False
    scope = staff_scope(user)
    return scope.sees_all_units or procedimiento.unit_id in scope.unit_ids


def procedimientos_visibles(user) -> QuerySet[Procedimiento]:
    """The procedures whose form versions ``user`` may see (one query, filtered in SQL)."""
    if not _active_staff(user):
        return Procedimiento.objects.none()
    rule = Q(pk__in=[])
    if user.has_perm(PERMISO_EDITAR_FORMULARIOS):
        rule |= Q(pk__in=procedimientos_editable_by(user).values("pk"))
    if user.has_perm(PERMISO_APROBAR_FORMULARIOS):
        scope = staff_scope(user)
        rule |= Q() if scope.sees_all_units else Q(unit_id__in=sorted(scope.unit_ids))
    return Procedimiento.objects.filter(rule)


def procedimiento_visible_get(user, code: str) -> Procedimiento:
    """``Procedimiento.DoesNotExist`` unless ``user`` may see its forms."""
    return procedimientos_visibles(user).select_related("unit").get(code=code)


def version_visible_get(user, pk: int) -> FormularioVersion:
    """``FormularioVersion.DoesNotExist`` unless ``user`` may see it."""
    return (
        FormularioVersion.objects.select_related(
            "procedimiento", "procedimiento__unit", "created_by", "published_by", "basada_en"
        )
        .filter(procedimiento__in=procedimientos_visibles(user))
        .get(pk=pk)
    )


def versiones_de(procedimiento: Procedimiento) -> QuerySet[FormularioVersion]:
    return (
        FormularioVersion.objects.filter(procedimiento=procedimiento)
        .select_related("created_by", "published_by")
        .defer("schema", "layout")
        .order_by("-version")
    )


def version_en_curso(procedimiento: Procedimiento) -> FormularioVersion | None:
    """The version on its way to publication (draft, in review or approved), if any."""
    return (
        FormularioVersion.objects.filter(
            procedimiento=procedimiento, status__in=ESTADOS_FORMULARIO_EN_CURSO
        )
        .defer("schema", "layout")
        .order_by("-version")
        .first()
    )


def historial_de(version: FormularioVersion) -> QuerySet[FormularioHistorial]:
    return version.historial.select_related("by").order_by("at", "pk")


def autores_de(version: FormularioVersion) -> set[int]:
    """Who made the version: its creator and whoever sent it to review (they may not approve
    it: the four-eyes rule of the workflow)."""
    ids = set(
        version.historial.filter(accion=AccionFormulario.ENVIADA)
        .exclude(by=None)
        .values_list("by_id", flat=True)
    )
    if version.created_by_id:
        ids.add(version.created_by_id)
    return ids


def bandeja_revision(user) -> QuerySet[FormularioVersion]:
    """The versions awaiting the approval of ``user`` (a unit head): in review, of their units,
    not made by themselves. Oldest request first."""
    if not (_active_staff(user) and user.has_perm(PERMISO_APROBAR_FORMULARIOS)):
        return FormularioVersion.objects.none()
    scope = staff_scope(user)
    qs = FormularioVersion.objects.filter(status=EstadoFormulario.EN_REVISION)
    if not scope.sees_all_units:
        qs = qs.filter(procedimiento__unit_id__in=sorted(scope.unit_ids))
    own = FormularioHistorial.objects.filter(accion=AccionFormulario.ENVIADA, by=user).values(
        "formulario_id"
    )
    return (
        qs.exclude(created_by=user)
        .exclude(pk__in=own)
        .select_related("procedimiento", "procedimiento__unit", "created_by")
        .defer("schema", "layout")
        .order_by("created_at", "pk")
    )


def acciones_permitidas(user, version: FormularioVersion) -> dict[str, bool]:
    """Which actions ``user`` may take on ``version`` now (the services check the same)."""
    proc = version.procedimiento
    editor = puede_editar(user, proc)
    approver = puede_aprobar(user, proc)
    own = user.pk in autores_de(version) if approver else True
    status = version.status
    return {
        ENVIAR: editor and status == EstadoFormulario.BORRADOR,
        APROBAR: approver and not own and status == EstadoFormulario.EN_REVISION,
        DEVOLVER: approver
        and not own
        and status in (EstadoFormulario.EN_REVISION, EstadoFormulario.APROBADO),
        PUBLICAR: (editor or approver) and status == EstadoFormulario.APROBADO,
        "nuevo_borrador": editor,
        "propia": approver and own,
    }
