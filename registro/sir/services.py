"""Every write of the registry exchange (SIR, SICRES 4.0; REG-7..10).

The state machine lives here and only here: :data:`TRANSITIONS` lists, for each direction and
action, the states it may start from and the state it leads to; :func:`_move` refuses any
other move, appends the event to the exchange's history and records it in the audit trail.

Flow (NTI-SICRES4 §V): a clerk sends an entry (``intercambio_enviar``: new identifier from the
gapless counter, REG-9) → the delivery task builds the SICRES 4.0 file, validates it against
the XSD and hands it to the transport (``backends``) → the destination answers ACK (or Error) →
later it sends Confirmación (with its entry number) or Rechazo (with the reason, to the
Entidad Registral de Inicio), which this side answers with ACK-Confirmación / ACK-Rechazo.
Incoming files (``mensaje_recibir``) are validated (XSD, identifiers, annex hashes, the upload
policy), acknowledged and kept as a pre-entry until a clerk confirms it (a numbered entry via
``asiento_register``) or rejects it (only a trace is kept). What is owed to the other side is
an outbox on the row (``pendiente``), re-sent with backoff by the sweep until answered.
"""

from __future__ import annotations

import contextlib
import logging
import os
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from bilbao_sede.prepared import Prepared
from identidad.models import AuditEntry, Unidad
from identidad.services import audit_entry, audit_record

from ..constants import Canal, Direccion, DocumentacionFisica, TipoAnexo, ValidezDocumento
from ..documentos import DocumentoNuevo, prepare
from ..models import Asiento, Oficina, validate_office_code
from ..selectors import (
    asiento_documentos_from_json,
    asiento_partes_from_json,
    documentos_json_sql,
    partes_json_sql,
)
from ..sicres import (
    MADRID,
    build_fichero,
    fichero_bytes,
    fichero_tree,
    identificador_fichero,
    sicres_datetime,
)
from . import statements
from .backends import TransporteError, get_backend
from .constants import (
    MAX_DESCRIPCION_MENSAJE,
    CodigoError,
    EstadoIntercambio,
    Pendiente,
    Sentido,
    TipoAnotacion,
    TipoMensaje,
)
from .mensajes import (
    CONTROL_ROOT,
    FICHERO_ROOT,
    Control,
    InvalidMessageError,
    XsdUnavailableError,
    build_control,
    fichero_recipients,
    parse_xml,
    read_control,
    read_fichero,
    readdress,
    validate,
)
from .models import ContadorIntercambio, Intercambio, IntercambioEvento, IntercambioFichero

logger = logging.getLogger(__name__)

E = EstadoIntercambio
S = Sentido

# (direction, action) -> (states it may start from, state it leads to). ``None`` as a start
# state: the action creates the exchange.
TRANSITIONS: dict[tuple[str, str], tuple[frozenset, str]] = {
    # Outgoing
    (S.SALIDA, "enviar"): (frozenset({None}), E.PENDIENTE),
    (S.SALIDA, "ack"): (frozenset({E.PENDIENTE}), E.ENVIADO),
    (S.SALIDA, "error"): (frozenset({E.PENDIENTE}), E.ERROR),
    (S.SALIDA, "agotado"): (frozenset({E.PENDIENTE}), E.ERROR),
    (S.SALIDA, "reintentar"): (frozenset({E.ERROR}), E.PENDIENTE),
    (S.SALIDA, "confirmacion"): (frozenset({E.PENDIENTE, E.ENVIADO}), E.CONFIRMADO),
    (S.SALIDA, "rechazo"): (frozenset({E.PENDIENTE, E.ENVIADO}), E.RECHAZADO),
    # Incoming
    (S.ENTRADA, "recibir"): (frozenset({None, E.ERROR}), E.RECIBIDO),
    (S.ENTRADA, "refusar"): (frozenset({None, E.ERROR}), E.ERROR),
    (S.ENTRADA, "confirmar"): (frozenset({E.RECIBIDO}), E.ACEPTADO),
    (S.ENTRADA, "rechazar"): (frozenset({E.RECIBIDO}), E.DEVUELTO),
    (S.ENTRADA, "reenviar"): (frozenset({E.RECIBIDO}), E.REENVIADO),
    (S.ENTRADA, "ack_confirmacion"): (frozenset({E.ACEPTADO}), E.ACEPTADO),
    (S.ENTRADA, "ack_rechazo"): (frozenset({E.DEVUELTO}), E.DEVUELTO),
    # A pre-entry forwarded (Reenvío): the destination's Confirmación is relayed to the
    # office that sent it here, until it acknowledges it.
    (S.ENTRADA, "confirmacion_reenviada"): (frozenset({E.REENVIADO}), E.REENVIADO),
    (S.ENTRADA, "ack_confirmacion_reenviada"): (frozenset({E.REENVIADO}), E.REENVIADO),
}

CLAIM_TIMEOUT = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
NIF_DOCUMENTS = {"N", "C", "E"}
# The code lists an annex is read against, once (``Choices.values`` builds a list per call).
TIPOS_ANEXO = frozenset(TipoAnexo.values)
VALIDECES = frozenset(ValidezDocumento.values)


class TransitionNotAllowedError(ValidationError):
    """The action is not possible in the exchange's current state."""


# --- State machine ------------------------------------------------------------------------


def _check(intercambio: Intercambio | None, sentido: str, accion: str) -> str:
    current = None if intercambio is None or intercambio.pk is None else intercambio.estado
    if (sentido, accion) not in TRANSITIONS:  # e.g. confirming an exchange we sent
        if sentido == S.SALIDA:
            message = _("La acción «%(accion)s» no es posible en un intercambio enviado.")
        else:
            message = _("La acción «%(accion)s» no es posible en un intercambio recibido.")
        raise TransitionNotAllowedError(message % {"accion": accion})
    allowed, target = TRANSITIONS[(sentido, accion)]
    if current not in allowed:
        raise TransitionNotAllowedError(
            _("La acción «%(accion)s» no es posible en un intercambio en estado «%(estado)s».")
            % {
                "accion": accion,
                "estado": E(current).label if current else "-",
            }
        )
    return target


def _event_row(
    intercambio: Intercambio,
    accion: str,
    *,
    estado_anterior: str = "",
    mensaje: str = "",
    detalle: str = "",
    actor=None,
) -> IntercambioEvento:
    return IntercambioEvento(
        intercambio=intercambio,
        at=timezone.now(),
        accion=accion,
        mensaje=mensaje,
        estado_anterior=estado_anterior,
        estado=intercambio.estado,
        detalle=detalle[:1024],
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _event(intercambio: Intercambio, accion: str, **kwargs) -> IntercambioEvento:
    evento = _event_row(intercambio, accion, **kwargs)
    evento.save()
    return evento


def _transition(
    intercambio: Intercambio,
    accion: str,
    *,
    actor=None,
    mensaje: str = "",
    detalle: str = "",
    **changes,
) -> tuple[IntercambioEvento, AuditEntry]:
    """Apply ``accion`` to ``intercambio`` in memory (checked against :data:`TRANSITIONS`)
    and return the event and the audit row of that move, unsaved: :func:`_move` writes them
    with the ORM, ``statements`` in one statement."""
    target = _check(intercambio, intercambio.sentido, accion)
    previous = "" if intercambio.pk is None else intercambio.estado
    intercambio.estado = target
    for name, value in changes.items():
        setattr(intercambio, name, value)
    evento = _event_row(
        intercambio,
        accion,
        estado_anterior=previous,
        mensaje=mensaje,
        detalle=detalle,
        actor=actor,
    )
    audit = audit_entry(
        actor=actor,
        action=f"registro.sir.{accion}",
        obj=intercambio,
        detail={
            "identificador": intercambio.identificador or "",
            "sentido": intercambio.sentido,
            "estado_anterior": previous,
            "estado": target,
            **({"mensaje": mensaje} if mensaje else {}),
            **({"detalle": detalle[:300]} if detalle else {}),
        },
    )
    return evento, audit


def _move(intercambio: Intercambio, accion: str, **kwargs) -> Intercambio:
    """Apply ``accion`` (checked against :data:`TRANSITIONS`), save, append the event and
    record it in the audit trail — all in the caller's transaction."""
    evento, audit = _transition(intercambio, accion, **kwargs)
    intercambio.save()
    evento.save()  # its exchange, saved now, gives it its id
    audit.object_id = str(intercambio.pk)
    audit.save(force_insert=True)
    return intercambio


# --- Identifiers (REG-9) ------------------------------------------------------------------


def take_identificador(entidad: str, year: int) -> str:
    """``<entidad>_<YY>_<8 digits>`` from the (entity, year) counter, locked until the commit:
    take it LAST in the transaction (a rollback gives the number back: no gaps)."""
    table = ContadorIntercambio._meta.db_table
    sql = (
        f"UPDATE {table} SET last_seq = last_seq + 1 "  # noqa: S608 - table name is ours
        "WHERE entidad = %s AND year = %s RETURNING last_seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [entidad, year])
        row = cursor.fetchone()
        if row is None:
            ContadorIntercambio.objects.bulk_create(
                [ContadorIntercambio(entidad=entidad, year=year)], ignore_conflicts=True
            )
            cursor.execute(sql, [entidad, year])
            row = cursor.fetchone()
    return f"{entidad}_{year % 100:02}_{row[0]:08}"


def _own_codes() -> set[str]:
    return set(Oficina.objects.filter(active=True).values_list("code", flat=True))


# --- Sending ------------------------------------------------------------------------------


ACTIVE_OUTGOING = (E.PENDIENTE, E.ENVIADO, E.CONFIRMADO)


def intercambio_enviar(
    *,
    asiento: Asiento,
    entidad_destino: str,
    entidad_destino_nombre: str = "",
    actor=None,
    prueba: bool = False,
) -> Intercambio:
    """Send a numbered entry to another registry entity (DIR3 office code). Returns the
    exchange; sending the same entry to the same destination again while that exchange is
    pending, sent or confirmed returns it (a double click sends once). Delivery happens
    after the commit (task + sweep)."""
    code = (entidad_destino or "").strip().upper()
    if not validate_office_code.regex.match(code):
        raise ValidationError(
            {"entidad_destino": _("Código de entidad registral de destino no válido.")}
        )
    if asiento.seq is None:
        raise ValidationError(_("Solo se puede enviar un asiento numerado."))
    if code in _own_codes():
        raise ValidationError(
            {"entidad_destino": _("%(code)s es una oficina de este registro.") % {"code": code}}
        )
    oficina = asiento.oficina
    with transaction.atomic():
        existing = (
            Intercambio.objects.select_for_update()
            .filter(
                sentido=S.SALIDA,
                asiento=asiento,
                entidad_destino=code,
                estado__in=ACTIVE_OUTGOING,
            )
            .first()
        )
        if existing is not None:
            return existing
        partes = list(asiento.partes.all()[:1])
        intercambio = Intercambio(
            sentido=S.SALIDA,
            tipo_anotacion=TipoAnotacion.ENVIO,
            asiento=asiento,
            oficina=oficina,
            entidad_origen=oficina.code,
            entidad_origen_nombre=oficina.name_es[:120],
            entidad_destino=code,
            entidad_destino_nombre=(entidad_destino_nombre or "")[:120],
            entidad_inicio=oficina.code,
            unidad_destino_codigo=asiento.unidad_destino.dir3 if asiento.unidad_destino else "",
            numero_registro_origen=asiento.numero,
            fecha_registro_origen=sicres_datetime(asiento.presented_at),
            resumen=asiento.resumen[:240],
            interesado=(f"{partes[0].nombre} ({partes[0].nif})" if partes else "")[:200],
            prueba=prueba,
            pendiente=Pendiente.FICHERO,
            proximo_intento_at=timezone.now(),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _move(intercambio, "enviar", actor=actor, detalle=code)
        documentos = list(asiento.documentos.order_by("orden"))
        # Last: the identifier (the counter row is held until the commit).
        year = timezone.now().astimezone(MADRID).year
        identificador = take_identificador(oficina.code, year)
        Intercambio.objects.filter(pk=intercambio.pk).update(identificador=identificador)
        intercambio.identificador = identificador
        IntercambioFichero.objects.bulk_create(
            [
                IntercambioFichero(
                    intercambio=intercambio,
                    sentido=S.SALIDA,
                    identificador_intercambio=identificador,
                    identificador_fichero=identificador_fichero(identificador, orden, d.nombre),
                    secuencia=orden,
                    nombre=d.nombre[:80],
                    mime=d.mime[:80],
                    size=d.size,
                    sha256=d.sha256,
                )
                for orden, d in enumerate(documentos, start=1)
            ]
        )
        pk = intercambio.pk
        transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=pk))
    return intercambio


def intercambio_reintentar(*, intercambio: Intercambio, actor=None) -> Intercambio:
    """A clerk sends again an outgoing exchange that ended in Error (same identifier)."""
    with transaction.atomic():
        row = Intercambio.objects.select_for_update().get(pk=intercambio.pk)
        _move(
            row,
            "reintentar",
            actor=actor,
            pendiente=Pendiente.FICHERO,
            intentos=0,
            proximo_intento_at=timezone.now(),
            codigo_error="",
            ultimo_error="",
        )
        transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=row.pk))
    return row


def intercambio_enqueue(*, intercambio_id: int) -> bool:
    """Publish the delivery task; never raise (the sweep retries what was not published)."""
    try:
        from .tasks import intercambio_entregar_task

        intercambio_entregar_task.delay(intercambio_id)
    except Exception:  # noqa: BLE001 - broker down, or the eager task failed
        logger.exception("Delivery of exchange %s left for the sweep", intercambio_id)
        return False
    return True


def outgoing_message(intercambio: Intercambio) -> tuple[str, bytes]:
    """(destination entity, bytes) of what ``intercambio`` owes the other side, validated
    against the SICRES 4.0 XSD. Deterministic: a re-send carries the same bytes."""
    if intercambio.pendiente == Pendiente.FICHERO:
        if intercambio.fichero:
            with default_storage.open(intercambio.fichero.name, "rb") as fh:
                data = fh.read()
        else:
            asiento = intercambio.asiento
            if asiento is None:
                raise ValueError(f"exchange {intercambio.pk} owes a file but has no entry")
            partes = getattr(intercambio, "_partes_json", None)  # read with the claim
            documentos = getattr(intercambio, "_documentos_json", None)
            root = fichero_tree(
                asiento,
                identificador=intercambio.identificador or "",
                entidad_destino=intercambio.entidad_destino,
                entidad_destino_nombre=intercambio.entidad_destino_nombre,
                prueba=intercambio.prueba,
                tipo_anotacion=intercambio.tipo_anotacion,
                nombre_usuario=getattr(intercambio, "_nombre_usuario", None),
                partes=None if partes is None else asiento_partes_from_json(asiento, partes),
                documentos=(
                    None
                    if documentos is None
                    else asiento_documentos_from_json(asiento, documentos)
                ),
            )
            # The tree built, validated as it is serialised: parsing the bytes back gave the
            # same tree (no DTD, no entities, blank text dropped) at the cost of a parse.
            validate(root)
            return intercambio.entidad_destino, fichero_bytes(root)
        validate(parse_xml(data))
        return intercambio.entidad_destino, data
    ours = intercambio.oficina.code if intercambio.oficina_id else intercambio.entidad_destino
    if intercambio.pendiente == Pendiente.CONFIRMACION:
        control = Control(
            tipo=TipoMensaje.CONFIRMACION,
            origen=ours,
            destino=intercambio.entidad_origen,
            identificador=intercambio.identificador,
            numero_registro_destino=intercambio.numero_registro_destino,
            fecha_registro_destino=intercambio.fecha_registro_destino,
            prueba=intercambio.prueba,
        )
    elif intercambio.pendiente == Pendiente.RECHAZO:
        control = Control(
            tipo=TipoMensaje.RECHAZO,
            origen=ours,
            destino=intercambio.entidad_inicio or intercambio.entidad_origen,
            identificador=intercambio.identificador,
            descripcion=intercambio.motivo,
            prueba=intercambio.prueba,
        )
    else:
        raise ValueError(f"nothing to send for exchange {intercambio.pk}")
    return control.destino, build_control(control)


def backoff(intentos: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** min(max(intentos - 1, 0), 16)), BACKOFF_MAX)


@contextmanager
def _claimed(intercambio_id: int, now: datetime):
    """Hold the delivery of one exchange for this process, so that two workers never send the
    same message at once; yields the exchange loaded for building its message (with
    ``OUTGOING_RELATED``), or None when another process holds it. PostgreSQL: a session
    advisory lock (no write, no commit; released at the end, or by the server if the worker
    dies), taken by the very query that loads the exchange (one round trip fewer, issue 18);
    the common answer's record releases it in its own round trip (:func:`_ack_recorded`).
    Elsewhere: a conditional UPDATE that pushes the next attempt by ``CLAIM_TIMEOUT``."""
    if connection.vendor != "postgresql":
        outgoing = Intercambio.objects.select_related(*OUTGOING_RELATED)
        claimed = (
            Intercambio.objects.filter(pk=intercambio_id)
            .exclude(pendiente="")
            .filter(Q(proximo_intento_at__isnull=True) | Q(proximo_intento_at__lte=now))
            .update(proximo_intento_at=now + CLAIM_TIMEOUT)
        )
        yield _load_outgoing(outgoing.get(pk=intercambio_id)) if claimed else None
        return
    key = [ADVISORY_NAMESPACE, intercambio_id % 2**31]
    intercambio = next(iter(_CLAIM(key[1], intercambio_id)), None)
    if intercambio is None or not intercambio._delivery_locked:
        yield None
        return
    intercambio._delivery_key = key
    try:
        yield intercambio
    finally:
        if intercambio._delivery_locked:  # not released with the answer's record
            _release(key, intercambio_id)


def _release(key: list[int], intercambio_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    except DatabaseError:  # the connection is gone, and the lock with it
        logger.warning("Could not release the delivery lock of exchange %s", intercambio_id)


ADVISORY_NAMESPACE = 0x5349  # "SI"
# What building an outgoing file reads with the claim elsewhere than on PostgreSQL. Few
# joins on purpose: a database plans a chain of seven LEFT JOINs for longer than it runs
# it, on every delivery. The entry's units come next in one query (:func:`_load_outgoing`);
# its procedure and registering user, when it has them, lazily.
OUTGOING_RELATED = ("oficina", "asiento__oficina")
# The claim on PostgreSQL: the exchange, its office, its entry with the entry's office and
# units, and the delivery lock taken by the same query. Compiled once per process and
# prepared once per connection (``Prepared``): its hundred-odd columns were the largest
# Python cost of a delivery, and the server plans its six-table join once, not on every
# delivery (~0.5 ms). Unordered (one row by its key).
# The entry's parties and documents come in the same statement, as JSON arrays
# (``registro.selectors.partes_json_sql``), and the registering user's username: one round
# trip for what the file needs, not four.
_ASIENTO_ID = f"{Intercambio._meta.db_table}.asiento_id"
# Of the related rows, only the columns a message is built from (the exchange's own are all
# read): the claim's row was ~120 columns, most of them an office's opening hours and
# address, a unit's names in Basque, the entry's receipt state — read, decoded and set on
# instances on every delivery for nothing. A deferred column would still load if used.
_CLAIM_COLUMNS = (
    *(f.attname for f in Intercambio._meta.concrete_fields),
    "oficina__code",
    "oficina__name_es",
    *(
        f"asiento__{name}"
        for name in (
            "year",
            "direction",
            "seq",
            "presented_at",
            "effective_at",
            "canal",
            "resumen",
            "expone",
            "solicita",
            "procedimiento_id",
            "documentacion_fisica",
            "registrado_por_id",
            "hash",
        )
    ),
    "asiento__oficina__code",
    "asiento__oficina__name_es",
    "asiento__unidad_origen__dir3",
    "asiento__unidad_origen__name_es",
    "asiento__unidad_destino__dir3",
    "asiento__unidad_destino__name_es",
)
_CLAIM = Prepared(
    lambda key, pk: (
        Intercambio.objects.select_related(
            *OUTGOING_RELATED, "asiento__unidad_origen", "asiento__unidad_destino"
        )
        .only(*_CLAIM_COLUMNS)
        .annotate(
            _delivery_locked=RawSQL("pg_try_advisory_lock(%s, %s)", (ADVISORY_NAMESPACE, key)),
            _partes_json=RawSQL(partes_json_sql(_ASIENTO_ID), ()),
            _documentos_json=RawSQL(documentos_json_sql(_ASIENTO_ID), ()),
            _nombre_usuario=F(f"asiento__registrado_por__{get_user_model().USERNAME_FIELD}"),
        )
        .filter(pk=pk)
        .order_by()[:1]
    )
)
_UNIDADES = Prepared(lambda a, b: Unidad.objects.filter(pk__in=[a, b]).order_by())
ANSWER_TIMEOUT = timedelta(minutes=10)


def intercambio_entregar(*, intercambio_id: int, now: datetime | None = None) -> bool:
    """Deliver what exchange ``intercambio_id`` owes the other side, once; idempotent.

    Claims the exchange (:func:`_claimed`), builds and validates the message, hands it to the
    transport OUTSIDE any transaction, and records the message and its synchronous answer in
    one transaction. A failed delivery is recorded with the next attempt (exponential
    backoff); the sweep publishes it again then. Returns whether it was sent.
    """
    now = now or timezone.now()
    with _claimed(intercambio_id, now) as intercambio:
        if intercambio is None:
            return False
        return _entregar(intercambio, now)


def _entregar(intercambio: Intercambio, now: datetime) -> bool:
    intercambio_id = intercambio.pk
    due = intercambio.proximo_intento_at is None or intercambio.proximo_intento_at <= now
    if not intercambio.pendiente or (connection.vendor == "postgresql" and not due):
        return False
    pendiente = intercambio.pendiente
    try:
        destino, data = outgoing_message(intercambio)
    except (InvalidMessageError, XsdUnavailableError) as exc:
        _entrega_fallida(intercambio_id, f"{exc.__class__.__name__}: {exc}", now)
        return False
    try:
        reply = get_backend().send(destino=destino, data=data)
    except TransporteError as exc:
        _entrega_fallida(intercambio_id, str(exc), now)
        return False
    answer = None
    if reply:
        try:  # parsed and validated before any lock is taken
            root = parse_xml(reply)
            if root.tag != CONTROL_ROOT:
                raise InvalidMessageError(CodigoError.XML, f"unexpected answer {root.tag[:40]!r}")
            validate(root)
            answer = read_control(root)
            if answer.identificador != intercambio.identificador:
                raise InvalidMessageError(
                    CodigoError.IDENTIFICADOR, "the answer is about another exchange"
                )
        except InvalidMessageError as exc:
            _entrega_fallida(intercambio_id, f"respuesta no válida: {exc.detalle}", now)
            return False
    sent = f"{destino} ({len(data)} bytes)"
    if (
        answer is not None
        and answer.tipo == TipoMensaje.ACK
        and pendiente == Pendiente.FICHERO
        and connection.vendor == "postgresql"
        and _ack_recorded(intercambio, sent)
    ):
        return True
    # One transaction: the message sent and the answer it got.
    with transaction.atomic():
        row = Intercambio.objects.select_for_update().get(pk=intercambio_id)
        tipo = TipoMensaje.CONFIRMACION if pendiente == Pendiente.CONFIRMACION else ""
        tipo = TipoMensaje.RECHAZO if pendiente == Pendiente.RECHAZO else tipo
        row.intentos += 1
        row.ultimo_error = ""
        if answer is None:  # the answer will come as a message of its own
            _event(row, "mensaje_enviado", mensaje=tipo, detalle=sent)
            row.proximo_intento_at = now + ANSWER_TIMEOUT
            row.save(update_fields=["intentos", "ultimo_error", "proximo_intento_at", "updated_at"])
        else:  # the message and its answer in one event
            _apply_control(row, answer, enviado=sent)
    return True


def _ack_recorded(intercambio: Intercambio, enviado: str) -> bool:
    """The common answer to a delivered file, ACK, recorded as :func:`_apply_control`
    records it (one more attempt, ``ack`` as :data:`TRANSITIONS` allows, nothing owed any
    more, its event and audit row) in ONE statement that writes only while the stored
    exchange is still in the state it was claimed in and owes that file. False when it was
    not (another message moved it meanwhile): nothing was written, the caller's general path
    locks the row and decides.

    Committed without waiting for the WAL flush, the delivery lock released in the same
    round trip (``statements.move_if``): were the database to lose this commit in a crash,
    the exchange would be owed again and delivered again, and the destination recognises the
    retransmission and answers ACK again (REG-10) — nothing the other side holds depends on
    this row, and the file's destination committed its copy before answering."""
    desde, _target = TRANSITIONS[(intercambio.sentido, "ack")]
    estado_anterior = intercambio.estado
    if estado_anterior not in desde:
        return False
    evento, audit = _transition(
        intercambio,
        "ack",
        mensaje=TipoMensaje.ACK,
        pendiente="",
        codigo_error="",
        ultimo_error="",
        detalle=enviado,
    )
    moved, released = statements.move_if(
        intercambio,
        names=("estado", "pendiente", "codigo_error", "ultimo_error", "updated_at"),
        increment=("intentos",),
        estado_anterior=estado_anterior,
        pendiente=Pendiente.FICHERO,
        evento=evento,
        audit=audit,
        release=getattr(intercambio, "_delivery_key", None),
    )
    if released:
        setattr(intercambio, "_delivery_locked", False)  # noqa: B010 - an annotation
    return moved


def _load_outgoing(intercambio: Intercambio) -> Intercambio:
    """Read the origin and destination units of the exchange's entry in one query."""
    asiento = intercambio.asiento if intercambio.asiento_id else None
    if asiento is None:
        return intercambio
    ids = [pk for pk in (asiento.unidad_origen_id, asiento.unidad_destino_id) if pk is not None]
    if ids:
        unidades = {u.pk: u for u in _UNIDADES(ids[0], ids[-1])}
        for name in ("unidad_origen", "unidad_destino"):
            pk = getattr(asiento, f"{name}_id")
            if pk in unidades:
                setattr(asiento, name, unidades[pk])
    return intercambio


def _entrega_fallida(intercambio_id: int, error: str, now: datetime) -> None:
    with transaction.atomic():
        row = Intercambio.objects.select_for_update().get(pk=intercambio_id)
        if not row.pendiente:
            return
        row.intentos += 1
        row.ultimo_error = error[:300]
        if (
            row.pendiente == Pendiente.FICHERO
            and row.intentos >= settings.REGISTRO_SIR_MAX_ATTEMPTS
        ):
            _move(row, "agotado", pendiente="", detalle=error)
            return
        row.proximo_intento_at = now + backoff(row.intentos)
        row.save(update_fields=["intentos", "ultimo_error", "proximo_intento_at", "updated_at"])
        _event(row, "entrega_fallida", detalle=error)


def intercambios_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Publish again every delivery that is due (peer or worker was down). Returns how many."""
    now = now or timezone.now()
    due = list(
        Intercambio.objects.exclude(pendiente="")
        .filter(Q(proximo_intento_at__isnull=True) | Q(proximo_intento_at__lte=now))
        .order_by("proximo_intento_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if intercambio_enqueue(intercambio_id=pk))


# --- Receiving ----------------------------------------------------------------------------


def mensaje_recibir(data: bytes, *, respuesta_a: int | None = None) -> bytes | None:
    """Process one SICRES 4.0 message from another registry entity and return the technical
    answer to send back (a ``De_Control``), or None when none is due (it was itself an
    answer). Raises ``InvalidMessageError`` only when the bytes are not a SICRES message at all
    (not XML, unknown root); ``XsdUnavailableError`` when the XSDs are missing (try later)."""
    root = parse_xml(data)
    if root.tag == FICHERO_ROOT:
        return _recibir_fichero(root, data)
    if root.tag == CONTROL_ROOT:
        return _recibir_control(root, respuesta_a=respuesta_a)
    raise InvalidMessageError(CodigoError.XML, f"unknown message {root.tag[:40]!r}")


def _error_reply(
    *,
    origen: str,
    destino: str,
    identificador: str,
    exc: InvalidMessageError,
    ficheros: tuple[str, ...] = (),
) -> bytes:
    return build_control(
        Control(
            tipo=TipoMensaje.ERROR,
            origen=(origen or "X")[:21],
            destino=(destino or "X")[:21],
            identificador=(identificador or "-")[:33],
            descripcion=exc.detalle,
            codigo_error=exc.codigo,
            ficheros=ficheros,
        )
    )


def _recibir_fichero(root, data: bytes, *, fresh: bool = False) -> bytes:
    """``fresh``: read the destination office from the database, not from this process's
    memory of it (:func:`_oficina_activa`)."""
    origen, destino = fichero_recipients(root)
    identificador = root.findtext("De_Internos_Control/Identificador_Intercambio") or ""
    try:
        validate(root)
        fichero = read_fichero(root)
        oficina = _oficina_activa(fichero.destino, fresh=fresh)
        if oficina is None:
            raise InvalidMessageError(
                CodigoError.DESTINO,
                f"{fichero.destino} is not a registry office here",
                identificador,
            )
        notas = _check_anexos(fichero)
    except InvalidMessageError as exc:
        _refusar(root, origen=origen, destino=destino, identificador=identificador, exc=exc)
        return _error_reply(origen=destino, destino=origen, identificador=identificador, exc=exc)

    try:  # the common case, a new exchange: stored without looking it up first
        return _store_nuevo(fichero, oficina, data, notas=notas)
    except statements.OficinaChangedError:  # deactivated or renamed since we read it
        if fresh:
            raise
        _OFICINAS.pop(fichero.destino, None)
        return _recibir_fichero(root, data, fresh=True)
    except IntegrityError:  # known under this identifier (REG-10): decided below
        pass
    if not fresh and connection.vendor == "postgresql":
        # The rules below write with the office as read: read it afresh (a rare path).
        _OFICINAS.pop(fichero.destino, None)
        oficina = _oficina_activa(fichero.destino, fresh=True)
        if oficina is None:
            return _recibir_fichero(root, data, fresh=True)  # refused as above
    for _attempt in (1, 2):
        try:
            return _store_fichero(fichero, oficina, data, notas=notas)
        except IntegrityError:  # the same exchange arriving twice at once: the other won
            continue
    raise AssertionError("unreachable")


_OFICINA_ACTIVA = Prepared(
    lambda code: Oficina.objects.filter(code=code, active=True).order_by()[:1]
)


# The active offices this process has read, by code (PostgreSQL): a new incoming exchange
# is written only while its office is still active with that code and name — the insert
# checks it in the same statement (``statements.insert_exchange``) — so a deactivated or
# renamed office is read again at its first message, and refused or renamed as before.
# Issue 18: one round trip fewer on every message received.
_OFICINAS: dict[str, Oficina] = {}


def _oficina_activa(code: str, *, fresh: bool = False) -> Oficina | None:
    """The active office of this registry with ``code`` (unique), if any. On PostgreSQL
    remembered (see ``_OFICINAS``) unless ``fresh``."""
    if connection.vendor != "postgresql":
        return next(iter(_OFICINA_ACTIVA(code)), None)
    oficina = None if fresh else _OFICINAS.get(code)
    if oficina is None:
        oficina = next(iter(_OFICINA_ACTIVA(code)), None)
        if oficina is not None:
            _OFICINAS[code] = oficina
        else:
            _OFICINAS.pop(code, None)
    return oficina


def _check_anexos(fichero) -> list[str]:
    """Each annex: its declared SHA-256 matches its bytes (REG-10: a tampered annex is an
    Error, never an entry), the registry's upload policy (type by content, safe content,
    size, malware scanner), and its signature where it carries one (a broken signature is an
    Error; one that cannot be fully verified here — e.g. a chain we do not trust — is
    accepted and noted for the clerk). Returns those notes."""
    notes = []
    for anexo in fichero.anexos:
        if not anexo.huella_declarada:
            raise InvalidMessageError(
                CodigoError.HASH,
                f"{anexo.identificador_fichero}: no Huella_SHA256 in Otros_Metadatos_Generales",
                fichero.identificador,
            )
        if anexo.huella_declarada != anexo.sha256:
            raise InvalidMessageError(
                CodigoError.HASH,
                f"{anexo.identificador_fichero}: SHA-256 does not match the declared hash",
                fichero.identificador,
            )
        try:
            prepare(_documento(anexo))
        except ValueError as exc:
            raise InvalidMessageError(
                CodigoError.ANEXO, f"{anexo.identificador_fichero}: {exc}", fichero.identificador
            ) from exc
        note = _check_firma(anexo, fichero.identificador)
        if note:
            notes.append(note)
    return notes


def _looks_signed(data: bytes) -> bool:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return b"/ByteRange" in data
    if head.startswith(b"<"):
        return b"http://www.w3.org/2000/09/xmldsig#" in data
    return head[:1] == b"\x30"  # a CMS (CAdES) structure


def _check_firma(anexo, identificador: str) -> str:
    if not _looks_signed(anexo.data):
        return ""
    from firma.validation import INVALID
    from firma.validation import validate as validate_signature

    report = validate_signature(anexo.data)
    if report.result == INVALID:
        raise InvalidMessageError(
            CodigoError.FIRMA,
            f"{anexo.identificador_fichero}: {report.summary}"[:MAX_DESCRIPCION_MENSAJE],
            identificador,
        )
    return f"{anexo.identificador_fichero}: firma {report.result}"


def _documento(anexo) -> DocumentoNuevo:
    return DocumentoNuevo(
        nombre=anexo.nombre,
        content=anexo.data,
        mime=anexo.mime,
        tipo_anexo=anexo.tipo_anexo if anexo.tipo_anexo in TIPOS_ANEXO else "02",
        validez=anexo.validez if anexo.validez in VALIDECES else "04",
    )


def _refusar(
    root, *, origen: str, destino: str, identificador: str, exc: InvalidMessageError
) -> None:
    """Keep a trace of a refused file (never its content, never an entry)."""
    if not identificador or len(identificador) > 33:
        logger.warning("SIR file refused without a usable identifier: %s", exc.detalle)
        return
    with transaction.atomic():
        row = (
            Intercambio.objects.select_for_update()
            .filter(sentido=S.ENTRADA, identificador=identificador)
            .first()
        )
        if row is not None and row.estado != E.ERROR:
            # Already received: a different file under a used identifier (REG-10).
            _event(
                row,
                "duplicado_rechazado",
                mensaje=TipoMensaje.ERROR,
                detalle=f"{exc.codigo}: {exc.detalle}",
            )
            return
        row = row or Intercambio(
            sentido=S.ENTRADA,
            identificador=identificador,
            entidad_origen=origen[:21],
            entidad_destino=destino[:21],
            oficina=Oficina.objects.filter(code=destino).first(),
        )
        row.resumen = (root.findtext("De_Asiento/Resumen") or "")[:240]
        _move(
            row,
            "refusar",
            mensaje=TipoMensaje.ERROR,
            detalle=f"{exc.codigo}: {exc.detalle}",
            codigo_error=exc.codigo,
            pendiente="",
        )


def _ack_for(fichero) -> Control:
    return Control(
        tipo=TipoMensaje.ACK,
        origen=fichero.destino,
        destino=fichero.origen,
        identificador=fichero.identificador,
        prueba=fichero.prueba,
        ficheros=tuple(a.identificador_fichero for a in fichero.anexos),
    )


def _recibido(fichero, oficina: Oficina) -> dict:
    """The columns of an incoming exchange, from its file."""
    primero = fichero.interesados[0][0] if fichero.interesados else None
    return {
        "tipo_anotacion": fichero.tipo_anotacion,
        "oficina": oficina,
        "entidad_origen": fichero.origen,
        "entidad_origen_nombre": fichero.origen_nombre[:120],
        "entidad_destino": fichero.destino,
        "entidad_destino_nombre": oficina.name_es[:120],
        "entidad_inicio": fichero.inicio,
        "unidad_destino_codigo": fichero.unidad_destino,
        "numero_registro_origen": fichero.numero_registro,
        "fecha_registro_origen": fichero.fecha_registro,
        "resumen": fichero.resumen[:240],
        "interesado": (f"{primero.display} ({primero.documento})" if primero else "")[:200],
        "prueba": fichero.prueba,
        "huella": fichero.huella,
        "codigo_error": "",
        "pendiente": "",
    }


def _fichero_name(fichero) -> str:
    return f"registro/sir/entrada/{fichero.identificador}.xml"


def _store_payload(data: bytes, name: str) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def _anexo_rows(row: Intercambio, fichero) -> list[IntercambioFichero]:
    return [
        IntercambioFichero(
            intercambio=row,
            sentido=S.ENTRADA,
            identificador_intercambio=fichero.identificador,
            identificador_fichero=a.identificador_fichero,
            secuencia=a.secuencia,
            nombre=a.nombre[:80],
            mime=a.mime[:80],
            size=len(a.data),
            sha256=a.sha256,
        )
        for a in fichero.anexos
    ]


def _store_anexos(row: Intercambio, fichero) -> None:
    IntercambioFichero.objects.bulk_create(_anexo_rows(row, fichero))


def _store_nuevo(fichero, oficina: Oficina, data: bytes, *, notas: list[str]) -> bytes:
    """A new incoming exchange, stored without a look-up first: an exchange already known
    under this identifier fails the row's insert (unique constraint) and the caller decides
    as REG-10 says (:func:`_store_fichero`).

    PostgreSQL: the file is saved first under a free name (never over another exchange's
    file: the storage picks another name when it is taken), then ONE statement inserts the
    row naming it, its event, its audit row and its files, and commits (issue 18); when the
    statement is refused, the file just saved is deleted. Elsewhere: the row first in a
    transaction, then the file, the event, the audit row and the files."""
    if connection.vendor == "postgresql":
        return _store_nuevo_pg(fichero, oficina, data, notas=notas)
    name = _fichero_name(fichero)
    with transaction.atomic():
        row = Intercambio(sentido=S.ENTRADA, identificador=fichero.identificador)
        _move(
            row,
            "recibir",
            mensaje=TipoMensaje.ACK,
            detalle="; ".join(notas),
            fichero=name,
            **_recibido(fichero, oficina),
        )
        stored = _store_payload(data, name)  # no row of ours names it: an orphan at most
        if stored != name:
            Intercambio.objects.filter(pk=row.pk).update(fichero=stored)
        _store_anexos(row, fichero)
    return build_control(_ack_for(fichero))


def _save_new(data: bytes, name: str) -> str:
    """Save ``data`` under ``name`` if that name is free, else under a free name the storage
    picks (never over another file); returns the name used.

    On a local disk: created with ``O_EXCL`` (a taken name is refused, nothing is
    overwritten) and written, as ``FileSystemStorage.save`` itself does at its core — without
    its name checks, existence probe, retries and path arithmetic, which cost several times
    the write on every message received (issue 18). No reader finds the file half-written:
    nothing names it until the exchange's row, inserted after this. A taken name, a folder
    not made yet, another storage: the storage's own ``save``, as before."""
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        path = storage.path(name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except (FileExistsError, FileNotFoundError):
            fd = None  # taken, or the folder does not exist yet: the storage decides
        if fd is not None:
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                if storage.file_permissions_mode is not None:
                    os.chmod(path, storage.file_permissions_mode)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                raise
            return name
    return storage.save(name, ContentFile(data))


def _store_nuevo_pg(fichero, oficina: Oficina, data: bytes, *, notas: list[str]) -> bytes:
    stored = _save_new(data, _fichero_name(fichero))
    row = Intercambio(sentido=S.ENTRADA, identificador=fichero.identificador)
    evento, audit = _transition(
        row,
        "recibir",
        mensaje=TipoMensaje.ACK,
        detalle="; ".join(notas),
        fichero=stored,
        **_recibido(fichero, oficina),
    )
    try:
        statements.insert_exchange(row, evento, audit, _anexo_rows(row, fichero))
    except (IntegrityError, statements.OficinaChangedError):
        default_storage.delete(stored)  # nothing was written: no row of ours names the file
        raise
    return build_control(_ack_for(fichero))


def _store_fichero(fichero, oficina: Oficina, data: bytes, *, notas: list[str]) -> bytes:
    ack = _ack_for(fichero)
    with transaction.atomic():
        row = (
            Intercambio.objects.select_for_update()
            .filter(sentido=S.ENTRADA, identificador=fichero.identificador)
            .first()
        )
        if row is not None and row.estado != E.ERROR:
            if row.huella == fichero.huella:
                # A retransmission (our ACK was lost): identified, answered, not stored again.
                _event(row, "duplicado", mensaje=TipoMensaje.ACK, detalle=_("Retransmisión"))
                return build_control(ack)
            exc = InvalidMessageError(
                CodigoError.DUPLICADO,
                "Identificador_Intercambio already received with other files",
                fichero.identificador,
            )
            _event(row, "duplicado_rechazado", mensaje=TipoMensaje.ERROR, detalle=exc.detalle)
            return _error_reply(
                origen=fichero.destino,
                destino=fichero.origen,
                identificador=fichero.identificador,
                exc=exc,
            )
        again = row is not None  # a file refused before, sent again corrected
        row = row or Intercambio(sentido=S.ENTRADA, identificador=fichero.identificador)
        stored = _store_payload(data, _fichero_name(fichero))
        _move(
            row,
            "recibir",
            mensaje=TipoMensaje.ACK,
            detalle="; ".join(notas),
            fichero=stored,
            **_recibido(fichero, oficina),
        )
        if again:
            IntercambioFichero.objects.filter(intercambio=row).delete()
        _store_anexos(row, fichero)
    return build_control(ack)


# Which of our rows a control message is about, by its type.
_ABOUT_OUTGOING = {TipoMensaje.ACK, TipoMensaje.CONFIRMACION, TipoMensaje.RECHAZO}
_ABOUT_INCOMING = {TipoMensaje.ACK_CONFIRMACION, TipoMensaje.ACK_RECHAZO}


def _recibir_control(root, *, respuesta_a: int | None) -> bytes | None:
    origen = root.findtext("Codigo_Entidad_Registral_Origen") or ""
    destino = root.findtext("Codigo_Entidad_Registral_Destino") or ""
    identificador = root.findtext("Identificador_Intercambio") or ""
    try:
        validate(root)
    except InvalidMessageError as exc:
        return _error_reply(origen=destino, destino=origen, identificador=identificador, exc=exc)
    control = read_control(root)
    with transaction.atomic():
        row = _row_for(control, respuesta_a)
        if row is None or control.destino not in _own_codes():
            exc = InvalidMessageError(
                CodigoError.DESCONOCIDO,
                f"no exchange {control.identificador} here for {control.destino}",
                control.identificador,
            )
            return _answer_error(control, exc)
        return _apply_control(row, control)


def _row_for(control: Control, respuesta_a: int | None) -> Intercambio | None:
    qs = Intercambio.objects.select_for_update().filter(identificador=control.identificador)
    if respuesta_a is not None:
        row = qs.filter(pk=respuesta_a).first()
        if row is not None:
            return row
    if control.tipo in _ABOUT_OUTGOING:
        return qs.filter(sentido=S.SALIDA).first()
    if control.tipo in _ABOUT_INCOMING:
        return qs.filter(sentido=S.ENTRADA).first()
    # An Error: about what we sent last under this identifier.
    return qs.exclude(pendiente="").first() or qs.filter(sentido=S.SALIDA).first()


def _answer_error(control: Control, exc: InvalidMessageError) -> bytes | None:
    if control.tipo not in (TipoMensaje.CONFIRMACION, TipoMensaje.RECHAZO):
        logger.warning("SIR control message %s refused: %s", control.tipo, exc.detalle)
        return None  # nobody waits for an answer to an answer
    return _error_reply(
        origen=control.destino,
        destino=control.origen,
        identificador=control.identificador,
        exc=exc,
    )


def _apply_control(row: Intercambio, control: Control, *, enviado: str = "") -> bytes | None:
    """Apply a control message to ``row`` (locked). ``enviado``: the answer came back to a
    message this registry just sent (described there), recorded in the same event."""
    tipo = control.tipo
    if tipo in (TipoMensaje.CONFIRMACION, TipoMensaje.RECHAZO):
        # A confirmation comes from the destination we sent to; a rejection may also come
        # from the entity a destination forwarded it to (it returns to the Inicio).
        if tipo == TipoMensaje.CONFIRMACION and control.origen != row.entidad_destino:
            return _answer_error(
                control,
                InvalidMessageError(
                    CodigoError.DESTINO,
                    f"{control.origen} is not the destination of {row.identificador}",
                    row.identificador,
                ),
            )
        final = E.CONFIRMADO if tipo == TipoMensaje.CONFIRMACION else E.RECHAZADO
        ack = Control(
            tipo=TipoMensaje.ACK_CONFIRMACION
            if tipo == TipoMensaje.CONFIRMACION
            else TipoMensaje.ACK_RECHAZO,
            origen=control.destino,
            destino=control.origen,
            identificador=row.identificador,
            prueba=row.prueba,
        )
        if row.estado == final:  # re-sent because our ACK was lost: answer again
            _event(row, "duplicado", mensaje=tipo)
            return build_control(ack)
        try:
            if tipo == TipoMensaje.CONFIRMACION:
                _move(
                    row,
                    "confirmacion",
                    mensaje=tipo,
                    pendiente="",
                    numero_registro_destino=control.numero_registro_destino,
                    fecha_registro_destino=control.fecha_registro_destino,
                    detalle=control.numero_registro_destino,
                )
                if row.tipo_anotacion == TipoAnotacion.REENVIO:
                    _relay_confirmacion(row, control)
            else:
                _move(
                    row,
                    "rechazo",
                    mensaje=tipo,
                    pendiente="",
                    motivo=control.descripcion[:MAX_DESCRIPCION_MENSAJE],
                    detalle=control.descripcion,
                )
        except TransitionNotAllowedError as exc:
            return _answer_error(
                control,
                InvalidMessageError(CodigoError.ESTADO, str(exc.messages[0]), row.identificador),
            )
        return build_control(ack)

    # Answers to what we sent: ACK, Error, ACK-Confirmación, ACK-Rechazo.
    if tipo == TipoMensaje.ACK:
        if row.estado == E.PENDIENTE:
            _move(row, "ack", mensaje=tipo, pendiente="", codigo_error="", detalle=enviado)
        else:
            row.save(update_fields=["intentos", "ultimo_error", "updated_at"])
            _event(row, "duplicado", mensaje=tipo)
    elif tipo == TipoMensaje.ERROR:
        detalle = f"{control.codigo_error}: {control.descripcion}".strip(": ")
        if row.sentido == S.SALIDA and row.estado == E.PENDIENTE:
            _move(
                row,
                "error",
                mensaje=tipo,
                pendiente="",
                codigo_error=control.codigo_error
                if control.codigo_error in CodigoError.values
                else "",
                ultimo_error=detalle[:300],
                detalle=f"{enviado} {detalle}".strip(),
            )
        else:  # an Error answering our Confirmación/Rechazo: stop, show it to the clerk
            row.pendiente = ""
            row.ultimo_error = detalle[:300]
            row.save(update_fields=["pendiente", "ultimo_error", "intentos", "updated_at"])
            _event(row, "error_recibido", mensaje=tipo, detalle=detalle)
    elif tipo == TipoMensaje.ACK_CONFIRMACION and row.pendiente == Pendiente.CONFIRMACION:
        accion = "ack_confirmacion_reenviada" if row.estado == E.REENVIADO else "ack_confirmacion"
        _move(row, accion, mensaje=tipo, pendiente="", detalle=enviado)
    elif tipo == TipoMensaje.ACK_RECHAZO and row.pendiente == Pendiente.RECHAZO:
        _move(row, "ack_rechazo", mensaje=tipo, pendiente="", detalle=enviado)
    else:
        row.save(update_fields=["intentos", "ultimo_error", "updated_at"])
        _event(row, "duplicado", mensaje=tipo, detalle=enviado)
    return None


def _relay_confirmacion(salida: Intercambio, control: Control) -> None:
    """The registry a pre-entry was forwarded to confirmed it: tell the office that sent it
    here (the incoming exchange under the same identifier), with the final destination's
    number and date, re-sent until acknowledged — so the first sender of a forwarding chain
    learns where its entry was registered."""
    entrada = (
        Intercambio.objects.select_for_update()
        .filter(sentido=S.ENTRADA, identificador=salida.identificador, estado=E.REENVIADO)
        .first()
    )
    if entrada is None or entrada.pendiente == Pendiente.CONFIRMACION:
        return
    _move(
        entrada,
        "confirmacion_reenviada",
        mensaje=TipoMensaje.CONFIRMACION,
        pendiente=Pendiente.CONFIRMACION,
        numero_registro_destino=control.numero_registro_destino,
        fecha_registro_destino=control.fecha_registro_destino,
        proximo_intento_at=timezone.now(),
        detalle=f"{control.origen}: {control.numero_registro_destino}",
    )
    entrada_id = entrada.pk
    transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=entrada_id))


# --- The clerk's decisions on an incoming exchange ----------------------------------------


def _pre_asiento(intercambio: Intercambio):
    if not intercambio.fichero:
        raise ValidationError(_("El pre-asiento ya no conserva el fichero recibido."))
    with default_storage.open(intercambio.fichero.name, "rb") as fh:
        return read_fichero(parse_xml(fh.read()))


def _interesado(persona, *, field: str):
    from identidad.constants import TipoPersona
    from identidad.services import interesado_get_or_create

    if persona.tipo_documento not in NIF_DOCUMENTS:
        raise ValidationError(
            {
                field: _(
                    "«%(nombre)s» se identifica con un documento que no es NIF, NIE ni CIF "
                    "(%(doc)s): este registro no puede darle de alta; rechace el intercambio "
                    "indicando el motivo."
                )
                % {"nombre": persona.display, "doc": persona.documento}
            }
        )
    juridica = persona.tipo_persona == "2" or persona.tipo_documento == "C"
    return interesado_get_or_create(
        nif=persona.documento,
        tipo=TipoPersona.JURIDICA if juridica else TipoPersona.FISICA,
        nombre=persona.nombre[:100],
        apellido1=persona.apellido1[:100],
        apellido2=persona.apellido2[:100],
        razon_social=persona.razon_social[:200],
        email=persona.email if "@" in persona.email else "",
    )


def intercambio_confirmar(*, intercambio: Intercambio, actor, unidad_destino=None) -> Asiento:
    """A clerk confirms a pre-entry: it becomes a numbered ENTRADA (``{year}/E/…``) through
    ``asiento_register``, with the sender's data kept on the exchange; the Confirmación with
    the new number is then sent to the origin until it answers ACK (REG-10)."""
    from identidad.models import Unidad

    with transaction.atomic():
        row = (
            Intercambio.objects.select_for_update(of=("self",))
            .select_related("oficina")
            .get(pk=intercambio.pk)
        )
        _check(row, row.sentido, "confirmar")
        fichero = _pre_asiento(row)
        unidad = (
            unidad_destino
            or Unidad.objects.filter(dir3=row.unidad_destino_codigo, active=True).first()
        )
        if unidad is None:
            raise ValidationError(
                {"unidad_destino": _("Indique la unidad de destino del escrito.")}
            )
        interesados, representante = [], None
        for interesado, rep in fichero.interesados:
            if interesado is not None:
                interesados.append(_interesado(interesado, field="interesados"))
            if rep is not None and representante is None:
                representante = _interesado(rep, field="representante")
        _move(
            row,
            "confirmar",
            actor=actor,
            mensaje=TipoMensaje.CONFIRMACION,
            pendiente=Pendiente.CONFIRMACION,
            intentos=0,
            proximo_intento_at=timezone.now(),
        )
        asiento = asiento_register_for(
            row,
            fichero,
            unidad=unidad,
            interesados=interesados,
            representante=representante,
            actor=actor,
        )
        Intercambio.objects.filter(pk=row.pk).update(
            asiento=asiento,
            numero_registro_destino=asiento.numero,
            fecha_registro_destino=sicres_datetime(asiento.presented_at),
        )
        transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=row.pk))
    return asiento


def asiento_register_for(row, fichero, *, unidad, interesados, representante, actor) -> Asiento:
    from ..services import asiento_register

    return asiento_register(
        direction=Direccion.ENTRADA,
        oficina=row.oficina,
        canal=Canal.SIR,
        interesados=interesados,
        representante=representante,
        representacion={
            "via": "sir",
            "reason": _("Representación declarada por %(origen)s en el intercambio %(id)s")
            % {"origen": row.entidad_origen, "id": row.identificador},
        }
        if representante is not None
        else None,
        unidad_destino=unidad,
        resumen=fichero.resumen or row.identificador,
        expone=fichero.expone,
        solicita=fichero.solicita,
        documentos=[_documento(a) for a in fichero.anexos],
        documentacion_fisica=fichero.documentacion_fisica
        if fichero.documentacion_fisica in DocumentacionFisica.values
        else DocumentacionFisica.NINGUNA,
        registrado_por=actor,
        idempotency_key=f"sir:{row.pk}:{row.identificador}",
    )


def _drop_payload(row: Intercambio) -> None:
    """NTI-SICRES4 §VI.e: an exchange that does not become an entry keeps only its trace."""
    name = row.fichero.name if row.fichero else ""
    row.fichero = ""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def intercambio_rechazar(*, intercambio: Intercambio, actor, motivo: str) -> Intercambio:
    """A clerk rejects a pre-entry with a reason: the Rechazo goes to the Entidad Registral
    de Inicio until it answers ACK-Rechazo; only a trace of the exchange is kept."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": _("Indique el motivo del rechazo.")})
    if len(motivo) > MAX_DESCRIPCION_MENSAJE:
        raise ValidationError(
            {
                "motivo": _("El motivo no puede superar %(max)d caracteres.")
                % {"max": MAX_DESCRIPCION_MENSAJE}
            }
        )
    with transaction.atomic():
        row = Intercambio.objects.select_for_update().get(pk=intercambio.pk)
        _check(row, row.sentido, "rechazar")
        _drop_payload(row)
        _move(
            row,
            "rechazar",
            actor=actor,
            mensaje=TipoMensaje.RECHAZO,
            detalle=motivo,
            motivo=motivo,
            pendiente=Pendiente.RECHAZO,
            intentos=0,
            proximo_intento_at=timezone.now(),
        )
        transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=row.pk))
    return row


def intercambio_reenviar(
    *, intercambio: Intercambio, actor, entidad_destino: str, entidad_destino_nombre: str = ""
) -> Intercambio:
    """A clerk forwards a pre-entry that is not for this registry to the right registry
    entity (Reenvío, ``Tipo_Anotacion`` 03): same identifier, this office as origin, the
    Entidad Registral de Inicio kept. Returns the new outgoing exchange."""
    code = (entidad_destino or "").strip().upper()
    if not validate_office_code.regex.match(code) or code in _own_codes():
        raise ValidationError(
            {"entidad_destino": _("Código de entidad registral de destino no válido.")}
        )
    with transaction.atomic():
        row = (
            Intercambio.objects.select_for_update(of=("self",))
            .select_related("oficina")
            .get(pk=intercambio.pk)
        )
        _check(row, row.sentido, "reenviar")
        with default_storage.open(row.fichero.name, "rb") as fh:
            received = fh.read()
        data = readdress(
            received,
            origen=row.oficina.code,
            origen_nombre=row.oficina.name_es,
            destino=code,
            destino_nombre=entidad_destino_nombre,
            tipo_anotacion=TipoAnotacion.REENVIO,
        )
        salida = Intercambio(
            sentido=S.SALIDA,
            tipo_anotacion=TipoAnotacion.REENVIO,
            identificador=row.identificador,
            oficina=row.oficina,
            entidad_origen=row.oficina.code,
            entidad_origen_nombre=row.oficina.name_es[:120],
            entidad_destino=code,
            entidad_destino_nombre=(entidad_destino_nombre or "")[:120],
            entidad_inicio=row.entidad_inicio or row.entidad_origen,
            unidad_destino_codigo="",
            numero_registro_origen=row.numero_registro_origen,
            fecha_registro_origen=row.fecha_registro_origen,
            resumen=row.resumen,
            interesado=row.interesado,
            prueba=row.prueba,
            huella=row.huella,
            pendiente=Pendiente.FICHERO,
            proximo_intento_at=timezone.now(),
            created_by=actor,
        )
        salida.fichero.save(f"{row.identificador}.xml", ContentFile(data), save=False)
        _move(salida, "enviar", actor=actor, detalle=code)
        IntercambioFichero.objects.bulk_create(
            [
                IntercambioFichero(
                    intercambio=salida,
                    sentido=S.SALIDA,
                    identificador_intercambio=f.identificador_intercambio,
                    identificador_fichero=f.identificador_fichero,
                    secuencia=f.secuencia,
                    nombre=f.nombre,
                    mime=f.mime,
                    size=f.size,
                    sha256=f.sha256,
                )
                for f in row.ficheros.all()
            ]
        )
        _drop_payload(row)
        _move(row, "reenviar", actor=actor, detalle=code)
        transaction.on_commit(lambda: intercambio_enqueue(intercambio_id=salida.pk))
    return salida


def intercambio_fichero_bytes(*, intercambio: Intercambio, actor) -> bytes:
    """The SICRES 4.0 file of an outgoing exchange, as sent (rebuilt: deterministic), for a
    clerk to download; the download is audited, nothing else is written."""
    if intercambio.sentido != S.SALIDA or not intercambio.identificador:
        raise ValidationError(_("Solo los intercambios enviados tienen fichero de envío."))
    if intercambio.fichero:
        with default_storage.open(intercambio.fichero.name, "rb") as fh:
            data = fh.read()
    else:
        data = build_fichero(
            intercambio.asiento,
            identificador=intercambio.identificador,
            entidad_destino=intercambio.entidad_destino,
            entidad_destino_nombre=intercambio.entidad_destino_nombre,
            prueba=intercambio.prueba,
            tipo_anotacion=intercambio.tipo_anotacion
            if intercambio.tipo_anotacion != TipoAnotacion.PENDIENTE
            else TipoAnotacion.ENVIO,
        )
    audit_record(
        actor=actor,
        action="registro.sir.descargar",
        obj=intercambio,
        detail={"identificador": intercambio.identificador},
    )
    return data


__all__ = [
    "TRANSITIONS",
    "TransitionNotAllowedError",
    "backoff",
    "intercambio_confirmar",
    "intercambio_entregar",
    "intercambio_enqueue",
    "intercambio_enviar",
    "intercambio_fichero_bytes",
    "intercambio_rechazar",
    "intercambio_reenviar",
    "intercambio_reintentar",
    "intercambios_sweep",
    "mensaje_recibir",
    "outgoing_message",
    "take_identificador",
]
