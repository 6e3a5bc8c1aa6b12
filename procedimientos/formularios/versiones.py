"""The versioning and review workflow of forms (issue 16, item 2). Every write is here.

    borrador ──enviar──▶ en_revision ──aprobar──▶ aprobado ──publicar──▶ publicado ──▶ sustituido
       ▲                     │                       │
       └──────devolver───────┴───────devolver────────┘   (with the reviewer's comment)

- A catalogue editor creates a draft (a new version, copied from any earlier one), edits it
  (the builder) and sends it to review; from then on its schema and layout are frozen.
- The head of the procedure's unit approves it or sends it back with a comment; nobody approves
  a version they made or sent to review.
- Publishing an approved version freezes it for good and supersedes the published one (one
  published version per procedure). The registered publication checks (``publicacion``; the
  sede's drafts) are asked first: a version that would break citizens' drafts in progress is
  refused with the list of what breaks, unless the publisher chooses to migrate those drafts.

Each step is one transaction, appends a row to the version's history (``FormularioHistorial``:
who, when, from which state to which, comment) and to the audit trail (ENS-1).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from identidad.models import User
from identidad.services import audit_record

from ..constants import (
    ESTADOS_FORMULARIO_EN_CURSO,
    AccionFormulario,
    EstadoFormulario,
)
from ..forms_schema import form_definition_errors
from ..models import FormularioHistorial, FormularioVersion, Procedimiento
from . import consultas
from .publicacion import Evaluacion, evaluar_publicacion, publish_checks


class PublicacionBloqueada(ValidationError):  # noqa: N818 - domain name
    """Publishing would break what depends on the form (citizens' drafts); ``evaluacion`` says
    what, per check and per field."""

    def __init__(self, evaluacion: Evaluacion):
        self.evaluacion = evaluacion
        lang = (get_language() or "es")[:2]
        lines = []
        for impacto in evaluacion.impactos:
            for rotura, n in impacto.resumen():
                lines.append(
                    _("%(campo)s (%(problema)s): %(n)s borrador(es)")
                    % {"campo": rotura.label(lang), "problema": problema_label(rotura.kind), "n": n}
                )
        super().__init__(
            [
                _(
                    "La nueva versión rompería borradores en curso. Corrija la versión o "
                    "publíquela migrando esos borradores."
                ),
                *lines,
            ],
            code="rompe_borradores",
        )


def problema_label(kind: str) -> str:
    from .cambios import NO_VALIDO, OBLIGATORIO, RETIRADO

    return {
        RETIRADO: _("campo retirado con datos"),
        NO_VALIDO: _("respuesta que ya no se acepta"),
        OBLIGATORIO: _("nuevo dato obligatorio"),
    }.get(kind, kind)


def _actor_repr(by: User | None) -> str:
    if by is None:
        return _("proceso automático")
    return by.get_full_name() or by.get_username()


def _record(
    version: FormularioVersion,
    accion: str,
    *,
    from_status: str,
    by: User | None,
    comment: str = "",
    detail: dict[str, Any] | None = None,
    at=None,
) -> FormularioHistorial:
    row = FormularioHistorial.objects.create(
        formulario=version,
        accion=accion,
        from_status=from_status,
        to_status=version.status,
        by=by,
        by_repr=_actor_repr(by)[:200],
        at=at or timezone.now(),
        comment=comment,
        detail=detail or {},
    )
    audit_record(
        actor=by,
        action=f"procedimientos.formulario.{accion}",
        obj=version,
        detail={
            "procedimiento": version.procedimiento.code,
            "version": version.version,
            "from": from_status,
            "to": version.status,
            **(detail or {}),
        },
    )
    return row


def _lock(version: FormularioVersion) -> FormularioVersion:
    Procedimiento.objects.select_for_update().filter(pk=version.procedimiento_id).first()
    return (
        FormularioVersion.objects.select_for_update()
        .select_related("procedimiento", "procedimiento__unit")
        .get(pk=version.pk)
    )


def _refuse(message: str, code: str) -> None:
    raise ValidationError(message, code=code)


def _require_status(version: FormularioVersion, *allowed: str) -> None:
    if version.status not in allowed:
        _refuse(
            _("La versión %(v)s está «%(estado)s»: no admite esta acción.")
            % {"v": version.version, "estado": EstadoFormulario(version.status).label},
            "estado",
        )


def _set_status(version: FormularioVersion, status: str, **extra) -> None:
    version.status = status
    for name, value in extra.items():
        setattr(version, name, value)
    version.save(update_fields=["status", *extra])


# --- New versions ------------------------------------------------------------------------------


def record_created(version: FormularioVersion, *, by: User | None) -> FormularioHistorial:
    """The first row of a version's history (``services.formulario_create_draft``)."""
    return _record(version, AccionFormulario.CREADA, from_status="", by=by)


@transaction.atomic
def version_new_draft(
    *, procedimiento: Procedimiento, by: User | None, desde: FormularioVersion | None = None
) -> FormularioVersion:
    """A new draft (the next version number) copied from ``desde`` — by default the published
    version, else the latest one. One version on its way at a time: when a draft, a version in
    review or an approved one exists, this refuses (``code="en_curso"``)."""
    Procedimiento.objects.select_for_update().filter(pk=procedimiento.pk).first()
    if by is not None and not consultas.puede_editar(by, procedimiento):
        _refuse(_("No puede editar los formularios de este procedimiento."), "permiso")
    en_curso = consultas.version_en_curso(procedimiento)
    if en_curso is not None:
        raise ValidationError(
            _("Ya hay una versión en curso (versión %(v)s, «%(estado)s»): continúe con ella.")
            % {"v": en_curso.version, "estado": EstadoFormulario(en_curso.status).label},
            code="en_curso",
            params={"pk": en_curso.pk},
        )
    versions = FormularioVersion.objects.filter(procedimiento=procedimiento)
    if desde is None:
        desde = (
            versions.filter(status=EstadoFormulario.PUBLICADO).first()
            or versions.order_by("-version").first()
        )
    elif desde.procedimiento_id != procedimiento.pk:
        _refuse(_("Esa versión es de otro procedimiento."), "otro_procedimiento")
    if desde is not None:
        schema, layout = desde.schema, desde.layout
    else:
        schema, layout = _skeleton(procedimiento)
    last = versions.aggregate(n=Max("version"))["n"] or 0
    version = FormularioVersion.objects.create(
        procedimiento=procedimiento,
        version=last + 1,
        schema=schema,
        layout=layout,
        created_by=by,
        basada_en=desde,
    )
    _record(
        version,
        AccionFormulario.CREADA,
        from_status="",
        by=by,
        detail={"basada_en": desde.version if desde else None},
    )
    return version


def _skeleton(procedimiento: Procedimiento) -> tuple[dict, dict]:
    """The starting point of a procedure's first form: what it asks for, in one step."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": procedimiento.title_es,
        "x-title-eu": procedimiento.title_eu or procedimiento.title_es,
        "required": ["solicita"],
        "properties": {
            "solicita": {
                "type": "string",
                "title": "Solicita",
                "x-title-eu": "Eskatzen du",
                "maxLength": 4000,
            }
        },
    }
    layout = {
        "steps": [
            {
                "id": "solicitud",
                "title_es": "Solicitud",
                "title_eu": "Eskaera",
                "fieldsets": [
                    {
                        "id": "solicitud",
                        "legend_es": "Qué solicita",
                        "legend_eu": "Zer eskatzen duzu",
                        "fields": ["/solicita"],
                    }
                ],
            }
        ]
    }
    return schema, layout


# --- The review -------------------------------------------------------------------------------


@transaction.atomic
def version_send_to_review(
    *, version: FormularioVersion, by: User, comment: str = ""
) -> FormularioVersion:
    """A catalogue editor sends a valid draft to the unit head; it is frozen from now on."""
    current = _lock(version)
    if not consultas.puede_editar(by, current.procedimiento):
        _refuse(_("No puede editar los formularios de este procedimiento."), "permiso")
    _require_status(current, EstadoFormulario.BORRADOR)
    errors = form_definition_errors(current.schema, current.layout)
    if errors:
        raise ValidationError(errors, code="definicion")
    _set_status(current, EstadoFormulario.EN_REVISION)
    _record(
        current,
        AccionFormulario.ENVIADA,
        from_status=EstadoFormulario.BORRADOR,
        by=by,
        comment=comment.strip(),
    )
    return current


def _require_reviewer(current: FormularioVersion, by: User) -> None:
    if not consultas.puede_aprobar(by, current.procedimiento):
        _refuse(
            _("Solo la jefatura de la unidad del procedimiento puede revisar esta versión."),
            "permiso",
        )
    if by.pk in consultas.autores_de(current):
        _refuse(
            _("No puede aprobar ni devolver una versión que ha preparado o enviado usted."),
            "propia",
        )


@transaction.atomic
def version_approve(
    *, version: FormularioVersion, by: User, comment: str = ""
) -> FormularioVersion:
    """The head of the procedure's unit approves a version in review (never their own)."""
    current = _lock(version)
    _require_reviewer(current, by)
    _require_status(current, EstadoFormulario.EN_REVISION)
    _set_status(current, EstadoFormulario.APROBADO)
    _record(
        current,
        AccionFormulario.APROBADA,
        from_status=EstadoFormulario.EN_REVISION,
        by=by,
        comment=comment.strip(),
    )
    return current


@transaction.atomic
def version_return(*, version: FormularioVersion, by: User, comment: str) -> FormularioVersion:
    """The unit head sends a version in review (or approved, not yet published) back to draft,
    saying why; the editor can change it again."""
    comment = (comment or "").strip()
    if not comment:
        _refuse(_("Explique qué hay que corregir."), "sin_comentario")
    current = _lock(version)
    _require_reviewer(current, by)
    _require_status(current, EstadoFormulario.EN_REVISION, EstadoFormulario.APROBADO)
    before = current.status
    _set_status(current, EstadoFormulario.BORRADOR)
    _record(current, AccionFormulario.DEVUELTA, from_status=before, by=by, comment=comment)
    return current


# --- Publication --------------------------------------------------------------------------------


def evaluar(version: FormularioVersion) -> Evaluacion:
    """What publishing ``version`` would do to what depends on the form (read only)."""
    return evaluar_publicacion(version)


def _publish(
    current: FormularioVersion,
    *,
    by: User | None,
    accion: str,
    comment: str,
    migrar_borradores: bool,
    detail: dict[str, Any] | None = None,
) -> FormularioVersion:
    errors = form_definition_errors(current.schema, current.layout)
    if errors:
        raise ValidationError(errors, code="definicion")
    published = (
        FormularioVersion.objects.select_for_update()
        .filter(procedimiento_id=current.procedimiento_id, status=EstadoFormulario.PUBLICADO)
        .first()
    )
    if published is not None and published.version > current.version:
        _refuse(
            _("Ya está publicada una versión posterior (%(v)s).") % {"v": published.version},
            "posterior",
        )
    evaluacion = evaluar_publicacion(current)
    if evaluacion.rompe and not migrar_borradores:
        raise PublicacionBloqueada(evaluacion)
    now = timezone.now()
    if published is not None:
        _set_status(published, EstadoFormulario.SUSTITUIDO)
        _record(
            published,
            AccionFormulario.SUSTITUIDA,
            from_status=EstadoFormulario.PUBLICADO,
            by=by,
            detail={"por_version": current.version},
            at=now,
        )
    before = current.status
    _set_status(current, EstadoFormulario.PUBLICADO, published_at=now, published_by=by)
    applied: dict[str, dict[str, int]] = {}
    for check in publish_checks():
        applied[check.key] = check.aplicar(nueva=current, migrar=migrar_borradores, by=by)
    _record(
        current,
        accion,
        from_status=before,
        by=by,
        comment=comment.strip(),
        detail={
            "sustituye": published.version if published else None,
            "migrar_borradores": migrar_borradores,
            "efectos": applied,
            **(detail or {}),
        },
        at=now,
    )
    return current


@transaction.atomic
def version_publish(
    *,
    version: FormularioVersion,
    by: User,
    comment: str = "",
    migrar_borradores: bool = False,
) -> FormularioVersion:
    """Publish an approved version: it is frozen, the published one is superseded, and the
    citizens' drafts in progress move to it — refused (``PublicacionBloqueada``) when that
    would break any of them, unless ``migrar_borradores``: then the answers that no longer fit
    are kept aside on the draft and the citizen is told what to answer again."""
    current = _lock(version)
    proc = current.procedimiento
    if not (consultas.puede_editar(by, proc) or consultas.puede_aprobar(by, proc)):
        _refuse(_("No puede publicar los formularios de este procedimiento."), "permiso")
    _require_status(current, EstadoFormulario.APROBADO)
    return _publish(
        current,
        by=by,
        accion=AccionFormulario.PUBLICADA,
        comment=comment,
        migrar_borradores=migrar_borradores,
    )


@transaction.atomic
def version_publish_without_review(
    *,
    version: FormularioVersion,
    by: User | None = None,
    migrar_borradores: bool = False,
) -> FormularioVersion:
    """Publish a draft with no review step: ONLY for the catalogue import (the catalogue file is
    reviewed in version control and loaded by an operator) and the demo seed. Staff pages and
    the admin go through the review. The publication checks apply just the same."""
    current = _lock(version)
    if current.status not in ESTADOS_FORMULARIO_EN_CURSO:
        _refuse(_("Solo se puede publicar un borrador."), "not_draft")
    return _publish(
        current,
        by=by,
        accion=AccionFormulario.IMPORTADA,
        comment="",
        migrar_borradores=migrar_borradores,
    )


# --- The catalogue as data (catalogo_io) ------------------------------------------------------

# The steps of a version's own review that travel with the catalogue file (who as a name).
ACCIONES_EXPORTADAS = (
    AccionFormulario.CREADA,
    AccionFormulario.ENVIADA,
    AccionFormulario.APROBADA,
    AccionFormulario.DEVUELTA,
    AccionFormulario.PUBLICADA,
)


def historial_exportable(version: FormularioVersion) -> list[dict[str, str]]:
    """The review history of a published version as the catalogue file carries it: the
    history it came with when it was imported, else its own steps (by name, not by user id:
    users differ between installations)."""
    rows = list(version.historial.order_by("at", "pk"))
    imported = next((r for r in rows if r.accion == AccionFormulario.IMPORTADA), None)
    if imported is not None:
        return list(imported.detail.get("historial_origen") or [])
    return [
        {"accion": r.accion, "at": r.at.isoformat(), "by": r.by_repr, "comment": r.comment}
        for r in rows
        if r.accion in ACCIONES_EXPORTADAS
    ]


@transaction.atomic
def version_import(
    *,
    procedimiento: Procedimiento,
    schema: dict[str, Any],
    layout: dict[str, Any],
    numero: int | None = None,
    historial: list[dict[str, str]] | None = None,
    migrar_borradores: bool = False,
) -> FormularioVersion:
    """Publish a form read from the catalogue file (``catalogo_import``): a new version — with
    the file's number when it is free and later than the existing ones — published without
    review (the file was reviewed where it was exported), its original history kept in the
    history row. The publication checks apply: drafts broken → refused unless migrating."""
    errors = form_definition_errors(schema, layout)
    if errors:
        raise ValidationError(errors)
    Procedimiento.objects.select_for_update().filter(pk=procedimiento.pk).first()
    last = (
        FormularioVersion.objects.filter(procedimiento=procedimiento).aggregate(n=Max("version"))[
            "n"
        ]
        or 0
    )
    version = FormularioVersion.objects.create(
        procedimiento=procedimiento,
        version=max(last + 1, numero or 0),
        schema=schema,
        layout=layout,
    )
    _record(version, AccionFormulario.CREADA, from_status="", by=None)
    published = _publish(
        version,
        by=None,
        accion=AccionFormulario.IMPORTADA,
        comment="",
        migrar_borradores=migrar_borradores,
        detail={"version_origen": numero, "historial_origen": list(historial or [])},
    )
    return published


__all__ = [
    "ACCIONES_EXPORTADAS",
    "PublicacionBloqueada",
    "historial_exportable",
    "version_import",
    "evaluar",
    "problema_label",
    "record_created",
    "version_approve",
    "version_new_draft",
    "version_publish",
    "version_publish_without_review",
    "version_return",
    "version_send_to_review",
]
