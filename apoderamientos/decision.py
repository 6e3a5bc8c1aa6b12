"""The one question every app asks: may person P act for interesado I in procedure X at T?

``can_act`` reads instants (REA-5), never just the stored state, so an overdue power is
treated as not accepted or expired even before the periodic sweep has marked it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from identidad.constants import TipoPersona
from identidad.models import Interesado, User

from .constants import (
    ACCEPTANCE_WORKING_DAYS,
    EstadoApoderamiento,
    TipoApoderamiento,
    TipoHabilitacion,
    ViaRepresentacion,
)
from .models import Apoderamiento, ConsentimientoExpreso, Habilitacion


@dataclass(frozen=True)
class Decision:
    """The answer and its reason, in the user's language (human readable)."""

    allowed: bool
    reason: str
    via: str | None = None  # a ViaRepresentacion value when allowed
    apoderamiento: Apoderamiento | None = None
    habilitacion: Habilitacion | None = None
    consentimiento: ConsentimientoExpreso | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def person_interesado(person: User | Interesado | None) -> Interesado | None:
    """The interesado a person acts as: itself, or the one linked to a user (by user or NIF)."""
    if person is None:
        return None
    if isinstance(person, Interesado):
        return person
    if not person.is_authenticated:
        return None
    found = Interesado.objects.filter(user=person).first()
    if found is None and person.nif:
        found = Interesado.objects.filter(nif=person.nif).first()
    return found


def _procedimiento_label(procedimiento) -> str:
    """«Title (SIA 123456)» in the current language; REA-2 lists procedures by SIA code."""
    title = getattr(procedimiento, "title", None) or str(procedimiento)
    sia = getattr(procedimiento, "sia_code", "")
    return f"«{title}» (SIA {sia})" if sia else f"«{title}»"


def apoderamiento_evaluate(
    apoderamiento: Apoderamiento, procedimiento, instant: datetime
) -> tuple[bool, int, str]:
    """(allowed, rank, reason) of one power at ``instant``; a higher rank explains better."""
    numero = apoderamiento.numero
    if apoderamiento.registered_at > instant:
        return (
            False,
            0,
            _("El apoderamiento %(numero)s aún no estaba inscrito en esa fecha.")
            % {"numero": numero},
        )
    state = apoderamiento.state_at(instant)
    if state == EstadoApoderamiento.REVOCADO:
        return (
            False,
            1,
            _("El apoderamiento %(numero)s fue revocado el %(fecha)s.")
            % {
                "numero": numero,
                "fecha": _when(apoderamiento.ended_at),
            },
        )
    if state == EstadoApoderamiento.RENUNCIADO:
        return (
            False,
            1,
            _("El apoderado renunció al apoderamiento %(numero)s el %(fecha)s.")
            % {
                "numero": numero,
                "fecha": _when(apoderamiento.ended_at),
            },
        )
    if state == EstadoApoderamiento.CADUCADO:
        return (
            False,
            1,
            _("El apoderamiento %(numero)s caducó el %(fecha)s.")
            % {
                "numero": numero,
                "fecha": _when(apoderamiento.ended_at or apoderamiento.valid_until),
            },
        )
    if state == EstadoApoderamiento.NO_ACEPTADO:
        return (
            False,
            1,
            _(
                "El apoderamiento %(numero)s no fue aceptado por el apoderado en el plazo de "
                "%(dias)s días hábiles."
            )
            % {"numero": numero, "dias": ACCEPTANCE_WORKING_DAYS},
        )
    if state == EstadoApoderamiento.PENDIENTE_ACEPTACION:
        return (
            False,
            2,
            _(
                "El apoderamiento %(numero)s está pendiente de que el apoderado lo acepte "
                "(plazo hasta el %(fecha)s)."
            )
            % {"numero": numero, "fecha": _day(apoderamiento.acceptance_last_instant)},
        )
    if state == EstadoApoderamiento.PENDIENTE_BASTANTEO:
        return (
            False,
            3,
            _(
                "El apoderamiento %(numero)s está pendiente de que el personal municipal "
                "verifique la escritura de poder (bastanteo)."
            )
            % {"numero": numero},
        )
    # Active at that instant: does its scope (REA-2) cover the procedure?
    if (
        apoderamiento.tipo == TipoApoderamiento.ADMINISTRACION
        and apoderamiento.administracion_dir3 != settings.COUNCIL_DIR3
    ):
        return (
            False,
            4,
            _("El apoderamiento %(numero)s se otorgó ante otra administración (%(dir3)s).")
            % {"numero": numero, "dir3": apoderamiento.administracion_dir3},
        )
    if apoderamiento.tipo == TipoApoderamiento.TRAMITES:
        if procedimiento is None:
            return (
                False,
                4,
                _("El apoderamiento %(numero)s solo vale para los trámites que enumera.")
                % {"numero": numero},
            )
        if not apoderamiento.procedimientos.filter(pk=procedimiento.pk).exists():
            return (
                False,
                4,
                _("El apoderamiento %(numero)s no incluye el procedimiento %(procedimiento)s.")
                % {"numero": numero, "procedimiento": _procedimiento_label(procedimiento)},
            )
    return (
        True,
        5,
        _("Actúa con el apoderamiento %(numero)s (%(tipo)s), vigente hasta el %(fecha)s.")
        % {
            "numero": numero,
            "tipo": apoderamiento.get_tipo_display(),
            "fecha": _day(apoderamiento.valid_through),
        },
    )


def habilitacion_decision(
    *,
    staff: User,
    procedimiento,
    instant: datetime,
    tipo: str = TipoHabilitacion.IDENTIFICACION_FIRMA,
) -> Decision:
    """HAB-3: is ``staff`` registered as habilitado of ``tipo`` for the procedure on that date?"""
    mine = Habilitacion.objects.filter(staff=staff, tipo=tipo)
    found = mine.valid_at(instant).covering(procedimiento).first()
    if found is not None:
        return Decision(
            True,
            _("%(persona)s está habilitado (%(tipo)s) para este procedimiento.")
            % {
                "persona": staff.get_full_name() or staff.get_username(),
                "tipo": found.get_tipo_display(),
            },
            via=ViaRepresentacion.HABILITACION,
            habilitacion=found,
        )
    if not mine.exists():
        reason = _("No consta inscrito como personal habilitado (%(tipo)s).") % {
            "tipo": TipoHabilitacion(tipo).label
        }
    elif not mine.valid_at(instant).exists():
        reason = _("Su habilitación no estaba vigente el %(fecha)s.") % {"fecha": _when(instant)}
    elif procedimiento is None:
        reason = _("Su habilitación solo cubre procedimientos concretos.")
    else:
        reason = _("Su habilitación no incluye el procedimiento %(procedimiento)s.") % {
            "procedimiento": _procedimiento_label(procedimiento)
        }
    return Decision(False, reason)


def _consent_for(habilitacion: Habilitacion, interesado: Interesado, procedimiento, instant):
    """HAB-2: the express consent given that day for this official, citizen and procedure."""
    day = timezone.localtime(instant).date()
    candidates = ConsentimientoExpreso.objects.filter(
        habilitacion__staff=habilitacion.staff,
        interesado=interesado,
        procedimiento=procedimiento,
        given_at__lte=instant,
    ).order_by("-given_at")
    for consent in candidates[:5]:
        if timezone.localtime(consent.given_at).date() == day:
            return consent
    return None


def _habilitado_decision(staff: User, interesado: Interesado, procedimiento, instant) -> Decision:
    decision = habilitacion_decision(staff=staff, procedimiento=procedimiento, instant=instant)
    if not decision.allowed:
        return decision
    if interesado.tipo != TipoPersona.FISICA:
        return Decision(False, _("El personal habilitado solo puede actuar por personas físicas."))
    consent = _consent_for(decision.habilitacion, interesado, procedimiento, instant)
    if consent is None:
        return Decision(
            False,
            _("No consta el consentimiento expreso de %(interesado)s para este trámite.")
            % {"interesado": interesado.display_name},
        )
    return Decision(
        True,
        decision.reason,
        via=ViaRepresentacion.HABILITACION,
        habilitacion=decision.habilitacion,
        consentimiento=consent,
    )


def can_act(
    *,
    person: User | Interesado,
    interesado: Interesado,
    procedimiento=None,
    instant: datetime | None = None,
) -> Decision:
    """May ``person`` act for ``interesado`` in ``procedimiento`` at ``instant`` — and why.

    Grounds, in order: acting for oneself; a power registered in the REA that is accepted,
    bastanteado when needed, in force and covering the procedure; an authorised official
    (HAB-1..3) with the citizen's express consent given that same day.
    """
    instant = instant or timezone.now()
    own = person_interesado(person)
    if own is not None and own.pk == interesado.pk:
        return Decision(True, _("Actúa en su propio nombre."), via=ViaRepresentacion.PROPIA)

    best: tuple[int, str] | None = None
    if own is not None:
        powers = Apoderamiento.objects.filter(apoderado=own, poderdantes=interesado).distinct()
        for apoderamiento in powers:
            allowed, rank, reason = apoderamiento_evaluate(apoderamiento, procedimiento, instant)
            if allowed:
                return Decision(
                    True, reason, via=ViaRepresentacion.APODERAMIENTO, apoderamiento=apoderamiento
                )
            if best is None or rank > best[0]:
                best = (rank, reason)
    if isinstance(person, User) and person.is_staff:
        decision = _habilitado_decision(person, interesado, procedimiento, instant)
        if decision.allowed or best is None:
            return decision
    if best is not None:
        return Decision(False, best[1])
    return Decision(
        False,
        _("No consta ningún apoderamiento de %(interesado)s a su favor.")
        % {"interesado": interesado.display_name},
    )
