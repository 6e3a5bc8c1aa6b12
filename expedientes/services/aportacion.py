"""The citizen's filings into an existing case file through the sede: answering a request,
adding documents, allegations. Each one is registered (registro) and then attached."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..constants import EstadoExpediente, EstadoRequerimiento, RolParte, TipoEntrada
from ..models import Expediente, Requerimiento
from .acciones import requerimiento_answer
from .apertura import expediente_attach_asiento

TIPOS_CIUDADANO = (TipoEntrada.SUBSANACION, TipoEntrada.APORTACION, TipoEntrada.ALEGACION)


def _acting_for(expediente: Expediente, user):
    """(interesado, representante, representation context) for ``user`` in this file."""
    from apoderamientos.decision import can_act, person_interesado
    from apoderamientos.services import representation_record

    own = person_interesado(user)
    if own is None:
        raise PermissionDenied(_("No consta su NIF: identifíquese de nuevo."))
    partes = [
        p for p in expediente.partes.select_related("interesado") if p.rol == RolParte.INTERESADO
    ]
    for parte in partes:
        if parte.interesado_id == own.pk:
            return parte.interesado, None, None
    for parte in partes:
        decision = can_act(
            person=user, interesado=parte.interesado, procedimiento=expediente.procedimiento
        )
        if decision.allowed:
            contexto = representation_record(
                person=user,
                interesado=parte.interesado,
                procedimiento=expediente.procedimiento,
                decision=decision,
            )
            return parte.interesado, own, contexto
    raise PermissionDenied(_("No puede actuar en este expediente."))


def expediente_aportacion_register(
    *,
    expediente: Expediente,
    user,
    tipo: str,
    documentos: list,
    texto: str,
    oficina,
    idempotency_key: str | None = None,
):
    """Register the citizen's filing (an entry to the file's unit, its documents hashed and
    stored by registro) and attach it: an answer ends the request's suspension.

    ``documentos`` are ``registro.documentos.DocumentoNuevo`` already checked by the upload
    policy. Refused, with nothing registered, when the file does not accept it."""
    from registro.constants import Canal, Direccion
    from registro.services import asiento_register

    if tipo not in TIPOS_CIUDADANO:
        raise ValidationError(_("Tipo de escrito no válido."))
    if expediente.estado != EstadoExpediente.ABIERTO:
        raise ValidationError(_("El expediente está cerrado: no admite escritos."))
    requerimiento = None
    if tipo == TipoEntrada.SUBSANACION:
        requerimiento = (
            Requerimiento.objects.filter(
                expediente=expediente,
                estado__in=[EstadoRequerimiento.PENDIENTE, EstadoRequerimiento.VENCIDO],
            )
            .order_by("-issued_at")
            .first()
        )
        if requerimiento is None:
            raise ValidationError(_("No hay ningún requerimiento pendiente de respuesta."))
    if not documentos and not (texto or "").strip():
        raise ValidationError(_("Escriba su respuesta o adjunte al menos un documento."))
    interesado, representante, contexto = _acting_for(expediente, user)
    label = TipoEntrada(tipo).label
    asiento = asiento_register(
        direction=Direccion.ENTRADA,
        oficina=oficina,
        canal=Canal.SEDE,
        interesados=[interesado],
        representante=representante,
        representacion=contexto,
        resumen=f"{label}: {expediente.identificador}"[:240],
        unidad_destino=expediente.unidad,
        procedimiento=expediente.procedimiento,
        expone=(texto or "").strip()[:4000],
        documentos=documentos,
        registrado_por=user,
        idempotency_key=idempotency_key,
    )
    if requerimiento is not None:
        requerimiento_answer(requerimiento=requerimiento, asiento=asiento, actor=user)
    else:
        expediente_attach_asiento(expediente=expediente, asiento=asiento, tipo=tipo, actor=user)
    return asiento
