"""Every write of the registry of powers of attorney (REA) and of authorised staff (HAB).

Each service is one transaction; the registration number is taken last, so its counter
row stays locked as briefly as possible.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendario.constants import UnidadPlazo
from calendario.terms import add_term
from identidad.constants import MetodoIdentificacion, NivelGarantia, TipoPersona
from identidad.models import Interesado, Unidad, User
from identidad.services import audit_record
from uploads import Limits, UploadRefused, check_file_size, check_upload

from .constants import (
    ACCEPTANCE_WORKING_DAYS,
    ESTADOS_FINALES,
    MAX_VALIDITY_YEARS,
    CanalOtorgamiento,
    EstadoApoderamiento,
    FirmaConsentimiento,
    TipoApoderamiento,
    TipoEvento,
    TipoHabilitacion,
    ViaRepresentacion,
)
from .decision import Decision, can_act, habilitacion_decision, person_interesado
from .exceptions import HabilitacionDenegada, RepresentacionDenegada
from .models import (
    Apoderamiento,
    ApoderamientoContador,
    ApoderamientoEvento,
    ConsentimientoExpreso,
    Habilitacion,
    RepresentacionContexto,
)
from .otorgamiento import otorgamiento_seal
from .selectors import apoderamientos_search_for_staff, is_desk_staff

# --- Time rules -----------------------------------------------------------------------


def _acceptance_deadline(registered_at: datetime) -> datetime:
    """REA-6: the first instant after the 20 working days the apoderado has to accept.

    The count is the calendar engine's (TIME-2, TIME-3): it starts the day after the
    registration, the last day is a working day and the term runs to the end of that day.
    Stored as an exclusive bound: 00:00 of the day after the last one.
    """
    plazo = add_term(registered_at, ACCEPTANCE_WORKING_DAYS, UnidadPlazo.DIAS_HABILES)
    return plazo.end + timedelta(microseconds=1)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _add_years(instant: datetime, years: int) -> datetime:
    local = timezone.localtime(instant)
    try:
        moved = local.replace(year=local.year + years)
    except ValueError:  # 29 February → 28 February
        moved = local.replace(year=local.year + years, day=28)
    return timezone.make_aware(moved.replace(tzinfo=None))


def _validity_end(since: datetime, until: date | None) -> datetime:
    """REA-4: valid through ``until`` (inclusive), and never beyond 5 years from ``since``."""
    limit = _add_years(since, MAX_VALIDITY_YEARS)
    if until is None:
        return limit
    if until < timezone.localtime(since).date():
        raise ValidationError(
            {"valid_until": _("La fecha de fin de vigencia no puede ser anterior a hoy.")}
        )
    if until > timezone.localtime(limit).date():
        raise ValidationError(
            {
                "valid_until": _(
                    "Un apoderamiento puede valer como máximo %(anos)s años desde su "
                    "inscripción (hasta el %(fecha)s)."
                )
                % {"anos": MAX_VALIDITY_YEARS, "fecha": timezone.localtime(limit).date()}
            }
        )
    return min(_start_of_day(until + timedelta(days=1)), limit)


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _checked_escritura(upload) -> tuple[ContentFile, str]:
    """The deed through the one upload policy (size, type by content, safe content, malware
    scanner): the file to store, under its cleaned name, and its SHA-256. A refusal is a
    ``ValidationError`` on ``escritura`` that says why; nothing is stored."""
    limits = Limits.single(int(settings.REGISTRO_MAX_DOCUMENT_BYTES))
    nombre = getattr(upload, "name", "") or "escritura.pdf"
    try:
        size = getattr(upload, "size", None)
        if isinstance(size, int):
            check_file_size(nombre=nombre, size=size, limits=limits)
        upload.seek(0)
        data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
        checked = check_upload(
            nombre=nombre,
            data=data,
            declared_mime=getattr(upload, "content_type", "") or "",
            limits=limits,
        )
    except UploadRefused as exc:
        raise ValidationError({"escritura": str(exc)}) from exc
    return ContentFile(checked.data, name=checked.nombre), checked.sha256


# --- Registration ---------------------------------------------------------------------


def _next_numero(year: int) -> str:
    """Gapless per year: one counter row, locked until the transaction commits."""
    ApoderamientoContador.objects.get_or_create(year=year)
    counter = ApoderamientoContador.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}/A/{counter.last:06d}"


def _event(
    apoderamiento: Apoderamiento,
    tipo: str,
    instant: datetime,
    actor: User | None,
    detail: dict | None = None,
) -> None:
    ApoderamientoEvento.objects.create(
        apoderamiento=apoderamiento,
        tipo=tipo,
        registered_at=instant,
        actor=actor if actor is not None and actor.is_authenticated else None,
        detail=detail or {},
    )
    audit_record(
        actor=actor,
        action=f"apoderamiento.{tipo}",
        obj=apoderamiento,
        detail={"numero": apoderamiento.numero, **(detail or {})},
    )


def _refresh_state(apoderamiento: Apoderamiento, instant: datetime) -> None:
    apoderamiento.estado = apoderamiento.state_at(instant)


def _check_parties(poderdantes: list[Interesado], apoderado: Interesado) -> None:
    """REA-1, REA-6: one legal person, or one or more natural persons jointly."""
    if not poderdantes:
        raise ValidationError(_("Indique al menos un poderdante."))
    juridicas = [p for p in poderdantes if p.tipo == TipoPersona.JURIDICA]
    if juridicas and len(poderdantes) > 1:
        raise ValidationError(
            _(
                "Una persona jurídica otorga el poder sola; solo varias personas físicas pueden "
                "otorgarlo conjuntamente."
            )
        )
    if len({p.pk for p in poderdantes}) != len(poderdantes):
        raise ValidationError(_("Un poderdante aparece repetido."))
    if any(p.pk == apoderado.pk for p in poderdantes):
        raise ValidationError(_("Nadie puede apoderarse a sí mismo."))


def _check_scope(tipo: str, procedimientos: list) -> None:
    if tipo == TipoApoderamiento.TRAMITES and not procedimientos:
        raise ValidationError(
            {"procedimientos": _("Elija al menos un procedimiento para un poder por trámites.")}
        )
    if tipo != TipoApoderamiento.TRAMITES and procedimientos:
        raise ValidationError(
            {"procedimientos": _("Solo los poderes por trámites enumeran procedimientos.")}
        )


@transaction.atomic
def apoderamiento_register(
    *,
    poderdantes: Iterable[Interesado],
    apoderado: Interesado,
    tipo: str,
    canal: str,
    registered_by: User | None,
    presentante: Interesado | None,
    procedimientos: Iterable = (),
    valid_until: date | None = None,
    granted_on: date | None = None,
    administracion_dir3: str = "",
    oficina: Unidad | None = None,
    escritura: UploadedFile | None = None,
    firma_note: str = "",
) -> Apoderamiento:
    """Register a power (REA-1); use the two channel services below rather than this one.

    Acceptance is implicit when the apoderado presented it (REA-6); powers granted by a legal
    person need the deed verified (bastanteo) before they take effect.
    """
    poderdantes = list(poderdantes)
    procedimientos = list(procedimientos)
    TipoApoderamiento(tipo)
    _check_parties(poderdantes, apoderado)
    _check_scope(tipo, procedimientos)
    now = timezone.now()
    if tipo == TipoApoderamiento.ADMINISTRACION:
        administracion_dir3 = administracion_dir3 or settings.COUNCIL_DIR3
    else:
        administracion_dir3 = ""
    requires_bastanteo = any(p.tipo == TipoPersona.JURIDICA for p in poderdantes)
    apoderamiento = Apoderamiento(
        registered_at=now,
        tipo=tipo,
        apoderado=apoderado,
        administracion_dir3=administracion_dir3,
        granted_on=granted_on or timezone.localtime(now).date(),
        valid_until=_validity_end(now, valid_until),
        canal=canal,
        presentante=presentante,
        registered_by=registered_by,
        oficina=oficina,
        acceptance_deadline=_acceptance_deadline(now),
        requires_bastanteo=requires_bastanteo,
        firma_note=firma_note,
    )
    implicit = presentante is not None and presentante.pk == apoderado.pk
    if implicit:
        apoderamiento.accepted_at = now
    if escritura is not None:
        apoderamiento.escritura, apoderamiento.escritura_sha256 = _checked_escritura(escritura)
    _refresh_state(apoderamiento, now)
    apoderamiento.numero = _next_numero(timezone.localtime(now).year)  # last: brief lock
    apoderamiento.save()
    apoderamiento.poderdantes.set(poderdantes)
    apoderamiento.procedimientos.set(procedimientos)
    _event(
        apoderamiento,
        TipoEvento.REGISTRO,
        now,
        registered_by,
        {"canal": canal, "tipo": tipo, "valid_until": apoderamiento.valid_until.isoformat()},
    )
    if implicit:
        _event(apoderamiento, TipoEvento.ACEPTACION, now, registered_by, {"implicita": True})
    return apoderamiento


@transaction.atomic
def apoderamiento_grant_apud_acta(
    *,
    user: User,
    identification_level: int,
    apoderado: Interesado,
    tipo: str,
    procedimientos: Iterable = (),
    valid_until: date | None = None,
    identification_method: str = "",
) -> Apoderamiento:
    """REA-3: apud acta on the sede by the identified poderdante, in their own name.

    Requires an identification of level *sustancial* or higher. The grant is signed the
    "clave concertada" way: the council seals a PDF of it, which states how the poderdante
    identified, and keeps its CSV on the power (see ``apoderamientos.otorgamiento``).
    """
    if int(identification_level) < NivelGarantia.SUSTANCIAL:
        raise PermissionDenied(
            _(
                "Para otorgar un apoderamiento debe identificarse con un nivel de garantía "
                "sustancial o alto."
            )
        )
    poderdante = person_interesado(user)
    if poderdante is None or poderdante.tipo != TipoPersona.FISICA:
        raise PermissionDenied(_("Solo una persona física identificada puede otorgar aquí."))
    level_label = str(NivelGarantia(int(identification_level)).label)
    method = _method_label(identification_method)
    power = apoderamiento_register(
        poderdantes=[poderdante],
        apoderado=apoderado,
        tipo=tipo,
        canal=CanalOtorgamiento.SEDE,
        registered_by=user,
        presentante=poderdante,
        procedimientos=procedimientos,
        valid_until=valid_until,
        firma_note=_(
            "Otorgado en la sede con %(metodo)s, nivel de garantía %(nivel)s; "
            "documento sellado por el Ayuntamiento."
        )
        % {"metodo": method, "nivel": level_label},
    )
    power.documento_csv = otorgamiento_seal(power, method=method, level_label=level_label)
    power.save(update_fields=["documento_csv"])
    return power


def _method_label(method: str) -> str:
    try:
        return str(MetodoIdentificacion(method).label)
    except ValueError:
        return _("identificación electrónica")


@transaction.atomic
def apoderamiento_register_at_office(
    *,
    staff: User,
    poderdantes: Iterable[Interesado],
    apoderado: Interesado,
    presentante: Interesado,
    tipo: str,
    procedimientos: Iterable = (),
    valid_until: date | None = None,
    granted_on: date | None = None,
    administracion_dir3: str = "",
    oficina: Unidad | None = None,
    escritura: UploadedFile | None = None,
) -> Apoderamiento:
    """REA-3: in person at an assistance office, registered by desk staff."""
    if not is_desk_staff(staff):
        raise PermissionDenied(_("No está autorizado para inscribir apoderamientos."))
    poderdantes = list(poderdantes)
    if presentante.pk != apoderado.pk and presentante.pk not in {p.pk for p in poderdantes}:
        raise ValidationError(
            {"presentante": _("Presenta el apoderamiento un poderdante o el apoderado.")}
        )
    if any(p.tipo == TipoPersona.JURIDICA for p in poderdantes) and escritura is None:
        raise ValidationError(
            {"escritura": _("Aporte la escritura de poder de la persona jurídica.")}
        )
    return apoderamiento_register(
        poderdantes=poderdantes,
        apoderado=apoderado,
        tipo=tipo,
        canal=CanalOtorgamiento.OFICINA,
        registered_by=staff,
        presentante=presentante,
        procedimientos=procedimientos,
        valid_until=valid_until,
        granted_on=granted_on,
        administracion_dir3=administracion_dir3,
        oficina=oficina,
        escritura=escritura,
        firma_note=_("Comparecencia en oficina ante %(persona)s.")
        % {"persona": staff.get_full_name() or staff.get_username()},
    )


# --- Transitions ----------------------------------------------------------------------


def _locked(apoderamiento: Apoderamiento) -> Apoderamiento:
    return Apoderamiento.objects.select_for_update().get(pk=apoderamiento.pk)


def _ensure_not_ended(apoderamiento: Apoderamiento, now: datetime) -> None:
    state = apoderamiento.state_at(now)
    if state in ESTADOS_FINALES:
        raise ValidationError(
            _("El apoderamiento %(numero)s ya no produce efectos (%(estado)s).")
            % {"numero": apoderamiento.numero, "estado": EstadoApoderamiento(state).label}
        )


def _acts_as(actor: User, interesado_ok) -> bool:
    own = person_interesado(actor)
    return (own is not None and interesado_ok(own)) or is_desk_staff(actor)


@transaction.atomic
def apoderamiento_accept(*, apoderamiento: Apoderamiento, actor: User) -> Apoderamiento:
    """REA-6: the apoderado accepts (on the sede, or in person before desk staff)."""
    apoderamiento = _locked(apoderamiento)
    if not _acts_as(actor, lambda own: own.pk == apoderamiento.apoderado_id):
        raise PermissionDenied(_("Solo el apoderado puede aceptar el apoderamiento."))
    now = timezone.now()
    _ensure_not_ended(apoderamiento, now)
    if apoderamiento.accepted_at is not None:
        raise ValidationError(_("El apoderamiento ya estaba aceptado."))
    apoderamiento.accepted_at = now
    _refresh_state(apoderamiento, now)
    apoderamiento.save(update_fields=["accepted_at", "estado"])
    _event(apoderamiento, TipoEvento.ACEPTACION, now, actor)
    return apoderamiento


@transaction.atomic
def apoderamiento_bastantear(
    *, apoderamiento: Apoderamiento, staff: User, note: str
) -> Apoderamiento:
    """Desk staff verify the legal person's deed (bastanteo); effective from now (REA-5)."""
    if not is_desk_staff(staff):
        raise PermissionDenied(_("No está autorizado para bastantear apoderamientos."))
    apoderamiento = _locked(apoderamiento)
    now = timezone.now()
    _ensure_not_ended(apoderamiento, now)
    if not apoderamiento.requires_bastanteo:
        raise ValidationError(_("Este apoderamiento no necesita bastanteo."))
    if apoderamiento.bastanteo_at is not None:
        raise ValidationError(_("El bastanteo ya está hecho."))
    if not note.strip():
        raise ValidationError({"note": _("Indique el resultado del bastanteo.")})
    apoderamiento.bastanteo_at = now
    apoderamiento.bastanteo_by = staff
    apoderamiento.bastanteo_note = note.strip()
    _refresh_state(apoderamiento, now)
    apoderamiento.save(update_fields=["bastanteo_at", "bastanteo_by", "bastanteo_note", "estado"])
    _event(apoderamiento, TipoEvento.BASTANTEO, now, staff)
    return apoderamiento


def _end(apoderamiento: Apoderamiento, estado: str, tipo: str, actor: User | None, at: datetime):
    apoderamiento.estado = estado
    apoderamiento.ended_at = at
    apoderamiento.save(update_fields=["estado", "ended_at"])
    _event(apoderamiento, tipo, at, actor)
    return apoderamiento


@transaction.atomic
def apoderamiento_revoke(*, apoderamiento: Apoderamiento, actor: User) -> Apoderamiento:
    """REA-5: revocation by a poderdante, effective from its registration (now)."""
    apoderamiento = _locked(apoderamiento)
    if not _acts_as(actor, apoderamiento.is_poderdante):
        raise PermissionDenied(_("Solo un poderdante puede revocar el apoderamiento."))
    now = timezone.now()
    _ensure_not_ended(apoderamiento, now)
    return _end(apoderamiento, EstadoApoderamiento.REVOCADO, TipoEvento.REVOCACION, actor, now)


@transaction.atomic
def apoderamiento_renounce(*, apoderamiento: Apoderamiento, actor: User) -> Apoderamiento:
    """REA-5: renunciation by the apoderado, effective from its registration (now)."""
    apoderamiento = _locked(apoderamiento)
    if not _acts_as(actor, lambda own: own.pk == apoderamiento.apoderado_id):
        raise PermissionDenied(_("Solo el apoderado puede renunciar al apoderamiento."))
    now = timezone.now()
    _ensure_not_ended(apoderamiento, now)
    return _end(apoderamiento, EstadoApoderamiento.RENUNCIADO, TipoEvento.RENUNCIA, actor, now)


@transaction.atomic
def apoderamiento_extend(
    *, apoderamiento: Apoderamiento, actor: User, valid_until: date | None = None
) -> Apoderamiento:
    """REA-4: extension before expiry, again up to 5 years from the extension's registration."""
    apoderamiento = _locked(apoderamiento)
    if not _acts_as(actor, apoderamiento.is_poderdante):
        raise PermissionDenied(_("Solo un poderdante puede prorrogar el apoderamiento."))
    now = timezone.now()
    _ensure_not_ended(apoderamiento, now)
    new_end = _validity_end(now, valid_until)
    if new_end <= apoderamiento.valid_until:
        raise ValidationError({"valid_until": _("La prórroga debe ampliar la vigencia actual.")})
    previous = apoderamiento.valid_until
    apoderamiento.valid_until = new_end
    apoderamiento.save(update_fields=["valid_until"])
    _event(
        apoderamiento,
        TipoEvento.PRORROGA,
        now,
        actor,
        {"valid_until_before": previous.isoformat(), "valid_until": new_end.isoformat()},
    )
    return apoderamiento


@transaction.atomic
def apoderamientos_sweep(*, instant: datetime | None = None) -> dict[str, int]:
    """Mark overdue powers: not accepted in 20 working days (REA-6), expired (REA-4).

    Idempotent: a power is claimed with a conditional UPDATE, so two sweeps never both
    record the same ending.
    """
    instant = instant or timezone.now()
    counts = {"no_aceptados": 0, "caducados": 0}
    overdue = Apoderamiento.objects.filter(
        ended_at__isnull=True, accepted_at__isnull=True, acceptance_deadline__lte=instant
    )
    for pk, deadline in overdue.values_list("pk", "acceptance_deadline"):
        claimed = Apoderamiento.objects.filter(pk=pk, ended_at__isnull=True).update(
            estado=EstadoApoderamiento.NO_ACEPTADO, ended_at=deadline
        )
        if claimed:
            _event(Apoderamiento.objects.get(pk=pk), TipoEvento.NO_ACEPTACION, deadline, None)
            counts["no_aceptados"] += 1
    expired = Apoderamiento.objects.filter(ended_at__isnull=True, valid_until__lte=instant)
    for pk, until in expired.values_list("pk", "valid_until"):
        claimed = Apoderamiento.objects.filter(pk=pk, ended_at__isnull=True).update(
            estado=EstadoApoderamiento.CADUCADO, ended_at=until
        )
        if claimed:
            _event(Apoderamiento.objects.get(pk=pk), TipoEvento.CADUCIDAD, until, None)
            counts["caducados"] += 1
    return counts


# --- Staff consultation (REA-7) -------------------------------------------------------


@transaction.atomic
def apoderamiento_consult(
    *, staff: User, apoderamiento_id: int, reason: str, ip: str | None = None
) -> Apoderamiento:
    """A staff consultation of a power: desk staff only, with a stated reason, audited.

    Raises ``Apoderamiento.DoesNotExist`` for anyone else, so the existence of a power is
    never revealed.
    """
    if not is_desk_staff(staff):
        raise Apoderamiento.DoesNotExist
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Indique el motivo de la consulta.")})
    apoderamiento = Apoderamiento.objects.get(pk=apoderamiento_id)
    audit_record(
        actor=staff,
        action="apoderamiento.consulta",
        obj=apoderamiento,
        detail={"numero": apoderamiento.numero, "motivo": reason},
        ip=ip,
    )
    return apoderamiento


@transaction.atomic
def apoderamientos_staff_search(
    *, staff: User, nif: str, reason: str, ip: str | None = None
) -> list[Apoderamiento]:
    """REA-7: desk staff look up the powers of a NIF, stating why; the search is audited.

    Anyone else gets an empty list, as if there were nothing to find.
    """
    if not is_desk_staff(staff):
        return []
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Indique el motivo de la consulta.")})
    found = list(apoderamientos_search_for_staff(nif=nif))
    audit_record(
        actor=staff,
        action="apoderamiento.busqueda",
        object_type="apoderamientos.apoderamiento",
        detail={"nif": nif, "motivo": reason, "numeros": [a.numero for a in found]},
        ip=ip,
    )
    return found


# --- Representation context -----------------------------------------------------------


@transaction.atomic
def representation_record(
    *,
    person: User | Interesado,
    interesado: Interesado,
    procedimiento=None,
    instant: datetime | None = None,
    decision: Decision | None = None,
) -> RepresentacionContexto:
    """Record on what ground ``person`` acts for ``interesado`` now; refuse if none.

    Other apps store the returned object's pk on their own rows. Raises
    ``RepresentacionDenegada`` (a ``PermissionDenied``) carrying the decision's reason.
    """
    instant = instant or timezone.now()
    if decision is None:
        decision = can_act(
            person=person, interesado=interesado, procedimiento=procedimiento, instant=instant
        )
    if not decision.allowed:
        raise RepresentacionDenegada(decision)
    user = person if isinstance(person, User) else None
    return RepresentacionContexto.objects.create(
        actor_user=user,
        actor_interesado=person_interesado(person),
        interesado=interesado,
        procedimiento=procedimiento,
        via=decision.via or ViaRepresentacion.PROPIA,
        apoderamiento=decision.apoderamiento,
        habilitacion=decision.habilitacion,
        consentimiento=decision.consentimiento,
        instant=instant,
        reason=str(decision.reason)[:300],
    )


# --- Personal habilitado (HAB-1..3) ---------------------------------------------------


@transaction.atomic
def habilitacion_register(
    *,
    staff: User,
    tipo: str,
    valid_from: datetime,
    valid_until: datetime,
    procedimientos: Iterable = (),
    all_procedimientos: bool = False,
    oficina: Unidad | None = None,
    registered_by: User | None = None,
) -> Habilitacion:
    """HAB-1: inscribe a member of staff as habilitado of one kind, scope and period."""
    TipoHabilitacion(tipo)
    procedimientos = list(procedimientos)
    if not staff.is_staff:
        raise ValidationError(_("Solo el personal municipal puede ser habilitado."))
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("El fin de la vigencia debe ser posterior.")})
    if not all_procedimientos and not procedimientos:
        raise ValidationError({"procedimientos": _("Indique los procedimientos o marque «todos».")})
    habilitacion = Habilitacion.objects.create(
        staff=staff,
        tipo=tipo,
        all_procedimientos=all_procedimientos,
        oficina=oficina,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    habilitacion.procedimientos.set(procedimientos)
    audit_record(
        actor=registered_by,
        action="habilitacion.alta",
        obj=habilitacion,
        detail={"staff": staff.get_username(), "tipo": tipo},
    )
    return habilitacion


def habilitado_check(
    *,
    staff: User,
    procedimiento,
    instant: datetime | None = None,
    tipo: str = TipoHabilitacion.IDENTIFICACION_FIRMA,
) -> Habilitacion:
    """HAB-3: the valid habilitación, or ``HabilitacionDenegada`` with the reason."""
    decision = habilitacion_decision(
        staff=staff, procedimiento=procedimiento, instant=instant or timezone.now(), tipo=tipo
    )
    if not decision.allowed:
        raise HabilitacionDenegada(decision)
    return decision.habilitacion


def _refuse_habilitado(*, staff, interesado, procedimiento, reason, ip) -> None:
    """Audit a refusal to an authorised official and raise it with its reason."""
    decision = Decision(False, str(reason))
    audit_record(
        actor=staff,
        action="habilitacion.actuacion",
        obj=interesado,
        result="denegado",
        detail={"motivo": str(reason), "procedimiento": getattr(procedimiento, "code", None)},
        ip=ip,
    )
    raise HabilitacionDenegada(decision)


def habilitado_precheck(
    *,
    staff: User,
    interesado: Interesado | None,
    procedimiento,
    obligado_electronico: bool = False,
    instant: datetime | None = None,
    ip: str | None = None,
) -> Habilitacion:
    """HAB-1..3 before an authorised official acts for a citizen: the official must be
    habilitado (identification and signature) for that procedure on that date (HAB-3), and
    the citizen a natural person not obliged to relate electronically (HAB-2, art. 14.2
    Ley 39/2015). Refusals are audited and raised (``HabilitacionDenegada``) with the reason.
    """
    now = instant or timezone.now()
    decision = habilitacion_decision(staff=staff, procedimiento=procedimiento, instant=now)
    if not decision.allowed:
        _refuse_habilitado(
            staff=staff,
            interesado=interesado,
            procedimiento=procedimiento,
            reason=decision.reason,
            ip=ip,
        )
    if interesado is not None and interesado.tipo != TipoPersona.FISICA:
        _refuse_habilitado(
            staff=staff,
            interesado=interesado,
            procedimiento=procedimiento,
            reason=_("El personal habilitado solo puede actuar por personas físicas."),
            ip=ip,
        )
    if obligado_electronico:
        _refuse_habilitado(
            staff=staff,
            interesado=interesado,
            procedimiento=procedimiento,
            reason=_(
                "Esta persona está obligada a relacionarse electrónicamente con la "
                "Administración para este trámite (art. 14.2 Ley 39/2015): no puede presentarlo "
                "un funcionario habilitado en su nombre."
            ),
            ip=ip,
        )
    return decision.habilitacion


def consentimiento_register(
    *,
    staff: User,
    interesado: Interesado,
    procedimiento,
    documento: UploadedFile,
    documento_identidad: str = "",
    firma: str = FirmaConsentimiento.PAPEL,
    ip: str | None = None,
) -> ConsentimientoExpreso:
    """HAB-2: keep the citizen's signed express consent for this official and procedure.

    The official must be habilitado for the procedure today (HAB-3) and the citizen a
    natural person; the signed copy is stored with its SHA-256 and the act is audited.
    """
    now = timezone.now()
    # Outside the write's transaction, so that an audited refusal is kept.
    habilitacion = habilitado_precheck(
        staff=staff, interesado=interesado, procedimiento=procedimiento, instant=now, ip=ip
    )
    return _consentimiento_store(
        staff=staff,
        habilitacion=habilitacion,
        interesado=interesado,
        procedimiento=procedimiento,
        documento=documento,
        documento_identidad=documento_identidad,
        firma=firma,
        now=now,
        ip=ip,
    )


@transaction.atomic
def _consentimiento_store(
    *,
    staff,
    habilitacion,
    interesado,
    procedimiento,
    documento,
    documento_identidad,
    firma,
    now,
    ip,
) -> ConsentimientoExpreso:
    if documento is None or not documento.size:
        raise ValidationError(
            {"consent_document": _("Adjunte el consentimiento expreso firmado por la persona.")}
        )
    consent = ConsentimientoExpreso(
        habilitacion=habilitacion,
        interesado=interesado,
        procedimiento=procedimiento,
        sha256=_sha256(documento),
        given_at=now,
        documento_identidad=documento_identidad,
        firma=firma,
    )
    consent.documento = documento
    consent.save()
    audit_record(
        actor=staff,
        action="habilitacion.consentimiento",
        obj=consent,
        detail={
            "interesado": interesado.nif,
            "procedimiento": getattr(procedimiento, "code", None),
            "sha256": consent.sha256,
            "firma": firma,
            "documento_identidad": documento_identidad,
        },
        ip=ip,
    )
    return consent


def habilitado_act_for(
    *,
    staff: User,
    interesado: Interesado,
    procedimiento,
    consent_document: UploadedFile,
    ip: str | None = None,
) -> RepresentacionContexto:
    """HAB-2, HAB-3: an authorised official acts for a citizen at a district office.

    Refused (``HabilitacionDenegada``, audited) unless the official is habilitado for that
    procedure today and the citizen is a natural person; the written express consent is kept
    (``consentimiento_register``). Returns the representation context to store on the act.
    """
    now = timezone.now()
    habilitacion = habilitado_precheck(
        staff=staff, interesado=interesado, procedimiento=procedimiento, instant=now, ip=ip
    )
    with transaction.atomic():
        consent = _consentimiento_store(
            staff=staff,
            habilitacion=habilitacion,
            interesado=interesado,
            procedimiento=procedimiento,
            documento=consent_document,
            documento_identidad="",
            firma=FirmaConsentimiento.PAPEL,
            now=now,
            ip=ip,
        )
        context = representation_record(
            person=staff,
            interesado=interesado,
            procedimiento=procedimiento,
            instant=consent.given_at,
        )
        audit_record(
            actor=staff,
            action="habilitacion.actuacion",
            obj=context,
            detail={"interesado": interesado.nif, "consentimiento_sha256": consent.sha256},
            ip=ip,
        )
    return context
