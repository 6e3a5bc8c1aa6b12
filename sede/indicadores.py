"""Evidence the sede gives the catalogue (procedimientos.indicadores), as the one app that may
read every other: ``firma`` — the filing flow takes every application made through a published
form signed (the citizen's identification and the council's seal, or the citizen's own
certificate, sede/filing/signature.py); ``tramitacion`` — case files of the procedure exist in
``expedientes``; ``notificacion`` — electronic notifications of it exist in ``notificaciones``."""

from procedimientos.indicadores import register_evidence


def _signable() -> set[int]:
    from procedimientos.constants import EstadoFormulario
    from procedimientos.models import FormularioVersion

    return set(
        FormularioVersion.objects.filter(status=EstadoFormulario.PUBLICADO).values_list(
            "procedimiento_id", flat=True
        )
    )


register_evidence("firma", _signable)


def _processed() -> set[int]:
    """Procedures with at least one case file processed in `expedientes`."""
    from expedientes.models import Expediente

    return set(
        Expediente.objects.filter(procedimiento__isnull=False)
        .values_list("procedimiento_id", flat=True)
        .distinct()
    )


def _notified() -> set[int]:
    """Procedures with at least one electronic notification made (`notificaciones`).
    Declared here because `notificaciones` does not depend on `procedimientos` (design.md)."""
    from notificaciones.constants import Canal
    from notificaciones.models import Notificacion

    return set(
        Notificacion.objects.filter(canal=Canal.ELECTRONICO, procedimiento__isnull=False)
        .values_list("procedimiento_id", flat=True)
        .distinct()
    )


register_evidence("tramitacion", _processed)
register_evidence("notificacion", _notified)
