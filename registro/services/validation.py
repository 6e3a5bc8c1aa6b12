"""Validation of a registration: everything is checked before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from identidad.models import Interesado, Unidad
from uploads import Limits

from ..constants import (
    MAX_EXPONE,
    MAX_IDEMPOTENCY_KEY,
    MAX_RESUMEN,
    MAX_SOLICITA,
    Canal,
    Direccion,
    DocumentacionFisica,
)
from ..documentos import DocumentoNuevo, DocumentoPreparado, prepare
from ..models import Oficina

# The code lists a registration is checked against, once (``Choices.values`` builds a new
# list on every access: a measurable share of the registry's hot path, issue 10). A value
# that is not a string (unhashable, say) is refused like any other wrong code.
DIRECCIONES = frozenset(Direccion.values)
CANALES = frozenset(Canal.values)
DOCUMENTACION_FISICA = frozenset(DocumentacionFisica.values)


@dataclass
class Cleaned:
    direction: str
    oficina: Oficina
    canal: str
    interesados: list[Interesado]
    representante: Interesado | None
    documentos: list[DocumentoPreparado]


def validate_registration(
    *,
    direction: str,
    oficina: Oficina | None,
    canal: str,
    interesados: Sequence[Interesado],
    representante: Interesado | None,
    representacion: Any,
    unidad_origen: Unidad | None,
    unidad_destino: Unidad | None,
    resumen: str,
    expone: str,
    solicita: str,
    procedimiento,
    formulario,
    documentacion_fisica: str,
    documentos: Sequence[DocumentoNuevo],
    idioma: str,
    idempotency_key: str | None,
) -> Cleaned:
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (isinstance(direction, str) and direction in DIRECCIONES):
        err("direction", _("Indique si es una entrada o una salida."))
    if oficina is None or not isinstance(oficina, Oficina):
        err("oficina", _("Indique la oficina de registro."))
    elif not oficina.active:
        err("oficina", _("La oficina %(code)s no está activa.") % {"code": oficina.code})
    if not (isinstance(canal, str) and canal in CANALES):
        err("canal", _("Canal de presentación no válido."))
    parties = list(interesados or [])
    if not parties:
        err("interesados", _("Indique al menos un interesado."))
    elif any(not isinstance(p, Interesado) or p.pk is None for p in parties):
        err("interesados", _("Cada interesado debe estar dado de alta con su NIF."))
    elif len({p.pk for p in parties}) != len(parties):
        err("interesados", _("Un interesado aparece más de una vez."))
    if representante is not None:
        if not isinstance(representante, Interesado) or representante.pk is None:
            err("representante", _("El representante debe estar dado de alta con su NIF."))
        elif representacion is None:
            err(
                "representante",
                _("Falta la acreditación de la representación (poder o funcionario habilitado)."),
            )
    if direction == Direccion.ENTRADA and unidad_destino is None:
        err("unidad_destino", _("Indique la unidad de destino."))
    if direction == Direccion.SALIDA and unidad_origen is None:
        err("unidad_origen", _("Indique la unidad que emite la salida."))
    for field, unidad in (("unidad_origen", unidad_origen), ("unidad_destino", unidad_destino)):
        if unidad is not None and not (isinstance(unidad, Unidad) and unidad.pk):
            err(field, _("Unidad no válida."))
    resumen = resumen or ""
    if not resumen.strip():
        err("resumen", _("Escriba un resumen del escrito."))
    elif len(resumen) > MAX_RESUMEN:
        err(
            "resumen",
            _("El resumen no puede superar %(max)d caracteres (tiene %(n)d).")
            % {"max": MAX_RESUMEN, "n": len(resumen)},
        )
    if len(expone or "") > MAX_EXPONE:
        err("expone", _("«Expone» no puede superar %(max)d caracteres.") % {"max": MAX_EXPONE})
    if len(solicita or "") > MAX_SOLICITA:
        err(
            "solicita", _("«Solicita» no puede superar %(max)d caracteres.") % {"max": MAX_SOLICITA}
        )
    if formulario is not None and (
        procedimiento is None or formulario.procedimiento_id != procedimiento.pk
    ):
        err("formulario", _("El formulario no corresponde al procedimiento."))
    if not (isinstance(documentacion_fisica, str) and documentacion_fisica in DOCUMENTACION_FISICA):
        err("documentacion_fisica", _("Valor no válido."))
    if idioma not in dict(settings.LANGUAGES):
        err("idioma", _("Idioma no admitido."))
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        err("idempotency_key", _("Clave de idempotencia no válida."))
    prepared: list[DocumentoPreparado] = []
    limits = Limits.registry()
    for doc in documentos or ():
        try:
            prepared.append(
                prepare(
                    doc,
                    limits=limits,
                    already_count=len(prepared),
                    already_bytes=sum(len(p.data) for p in prepared),
                )
            )
        except ValueError as exc:
            err("documentos", str(exc))
    if errors:
        raise ValidationError(errors)
    return Cleaned(
        direction=direction,
        oficina=oficina,
        canal=canal,
        interesados=parties,
        representante=representante,
        documentos=prepared,
    )
