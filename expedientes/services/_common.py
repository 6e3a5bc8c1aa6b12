"""Helpers shared by the services: the refusal, the row lock with version check, events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import EstadoExpediente
from ..models import Evento, Expediente


class AccionNoPermitida(ValidationError):  # noqa: N818 - a refusal with a message for the user
    """The action does not apply to the case file in its current state (nothing changed)."""


def lock(expediente: Expediente | int, *, expected_version: int | None = None) -> Expediente:
    """The case file, locked for this transaction (``SELECT … FOR UPDATE``).

    ``expected_version`` is the version the user saw: if someone changed the file since,
    the action is refused (two clerks acting on one file at once cannot both win).
    """
    pk = expediente if isinstance(expediente, int) else expediente.pk
    locked = (
        Expediente.objects.select_for_update(of=("self",))
        .select_related("flujo", "procedimiento", "unidad")
        .get(pk=pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise AccionNoPermitida(
            _(
                "Otra persona ha modificado el expediente mientras lo consultaba. Vuelva a "
                "abrirlo y repita la acción."
            ),
            code="stale",
        )
    return locked


def require_open(expediente: Expediente) -> None:
    if expediente.estado != EstadoExpediente.ABIERTO:
        raise AccionNoPermitida(
            _("El expediente %(id)s está %(estado)s: no admite esta acción.")
            % {"id": expediente.identificador, "estado": expediente.get_estado_display().lower()},
            code="estado",
        )


def bump(expediente: Expediente, *fields: str) -> None:
    """Save the changed ``fields`` and the next version."""
    expediente.version += 1
    expediente.save(update_fields=[*fields, "version", "updated_at"])


def event(
    expediente: Expediente,
    tipo: str,
    detalle: str = "",
    *,
    actor=None,
    visible: bool = False,
    at=None,
) -> Evento:
    return Evento.objects.create(
        expediente=expediente,
        at=at or timezone.now(),
        tipo=tipo,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detalle=str(detalle)[:500],
        visible_ciudadano=visible,
    )
