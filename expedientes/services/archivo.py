"""Archive and disposal (EXP-6): closed files pass to the archive with their series'
retention; disposal only by an explicit, logged act under the rating authority's decision."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.services import audit_record

from ..constants import EstadoExpediente, TipoEvento
from ..models import Eliminacion, Expediente
from ._common import AccionNoPermitida, bump, event, lock


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def archive(expediente: Expediente, *, at) -> None:
    """Set archive date and retention (the caller saves): permanent when the series has no
    retention or the file has no series."""
    expediente.archivado_at = at
    serie = expediente.flujo.serie
    if serie is not None and serie.retention_years is not None:
        expediente.conservar_hasta = _add_years(timezone.localdate(at), serie.retention_years)
    else:
        expediente.conservar_hasta = None
    event(
        expediente,
        TipoEvento.ARCHIVO,
        _("Archivado. Conservación hasta %(d)s.")
        % {
            "d": expediente.conservar_hasta.isoformat()
            if expediente.conservar_hasta
            else _("permanente")
        },
        at=at,
    )


@transaction.atomic
def expediente_dispose(*, expediente: Expediente, acuerdo: str, actor) -> Eliminacion:
    """Dispose of an archived file whose retention has ended, under the series' rating
    decision: the documents' contents are deleted, the file's identification, metadata and
    index stay, and the act is recorded (who, when, which decision) and audited."""
    acuerdo = (acuerdo or "").strip()
    if not acuerdo:
        raise ValidationError(_("Indique el acuerdo por el que se elimina el expediente."))
    exp = lock(expediente)
    if exp.estado == EstadoExpediente.ABIERTO or exp.archivado_at is None:
        raise AccionNoPermitida(_("Solo se puede eliminar un expediente cerrado y archivado."))
    if exp.eliminado_at is not None:
        raise AccionNoPermitida(_("El expediente ya fue eliminado."))
    serie = exp.flujo.serie
    if serie is None or serie.retention_years is None or not serie.dictamen:
        raise AccionNoPermitida(
            _(
                "La serie del expediente es de conservación permanente o no tiene dictamen de "
                "la autoridad calificadora: no se puede eliminar."
            )
        )
    if exp.conservar_hasta is None or timezone.localdate() < exp.conservar_hasta:
        raise AccionNoPermitida(
            _("El plazo de conservación no ha terminado (hasta %(d)s).")
            % {"d": exp.conservar_hasta}
        )
    now = timezone.now()
    removed = []
    for m in exp.documentos.select_related("documento"):
        documento = m.documento
        if documento.expedientes.exclude(expediente=exp).exists():
            continue  # still part of another file (EXP-4): kept
        for version in documento.versiones.all():
            name = version.content.name
            if name and not name.startswith(("registro/", "firma/")):
                version.content.storage.delete(name)
        removed.append(documento.identificador)
    eliminacion = Eliminacion.objects.create(
        expediente=exp,
        identificador=exp.identificador,
        acuerdo=acuerdo[:250],
        dictamen=serie.dictamen,
        by=actor,
        at=now,
        documentos=removed,
    )
    exp.eliminado_at = now
    bump(exp, "eliminado_at")
    event(exp, TipoEvento.ELIMINACION, _("Eliminado: %(a)s.") % {"a": acuerdo}, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="expedientes.expediente.dispose",
        obj=exp,
        detail={"acuerdo": acuerdo, "dictamen": serie.dictamen, "documentos": len(removed)},
    )
    return eliminacion
