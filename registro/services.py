"""Every write of the registro app.

``asiento_register`` is the one way into the registry (REG-1..6): it validates everything
first, writes the entry, its parties and documents, and takes the number LAST, under the
lock of the (year, direction) counter row, so the lock is held only for one update and the
commit. The receipt (REG-5) is produced after the commit by Celery; the entry records that
it is pending (an outbox), and ``justificantes_sweep`` finishes any receipt left behind.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from identidad.models import Interesado, Unidad, User

from . import chain
from .constants import (
    MAX_EXPONE,
    MAX_IDEMPOTENCY_KEY,
    MAX_RESUMEN,
    MAX_SOLICITA,
    Canal,
    Direccion,
    DocumentacionFisica,
    EstadoAsiento,
    RolInteresado,
)
from .documentos import DocumentoNuevo, DocumentoPreparado, prepare, store
from .models import Asiento, AsientoDocumento, AsientoInteresado, Contador, Oficina, format_numero

logger = logging.getLogger(__name__)

__all__ = [
    "DocumentoNuevo",
    "asiento_register",
    "justificante_enqueue",
    "justificante_issue",
    "justificantes_sweep",
]


# --- Adapters to other apps (one small function each) ---------------------------------


def effective_instant(presented_at: datetime) -> datetime:
    """REG-2 via calendario: 00:00 of the next working day when presented on a non-working
    day, else the presentation instant itself."""
    from calendario.terms import effective_instant as _effective

    return _effective(presented_at).effective_at


def representation_snapshot(context: Any) -> tuple[int | None, dict]:
    """The reference and a JSON snapshot of an ``apoderamientos`` representation context
    (``representation_record(...)``), or of a plain dict describing one."""
    if context is None:
        return None, {}
    if isinstance(context, dict):
        data = {k: v for k, v in context.items() if isinstance(v, str | int | bool | None)}
        return data.get("id"), data
    instant = getattr(context, "instant", None)
    data = {
        "id": getattr(context, "pk", None),
        "via": str(getattr(context, "via", "") or ""),
        "reason": str(getattr(context, "reason", "") or "")[:300],
        "apoderamiento": getattr(context, "apoderamiento_id", None),
        "habilitacion": getattr(context, "habilitacion_id", None),
        "consentimiento": getattr(context, "consentimiento_id", None),
        "actor_user": getattr(context, "actor_user_id", None),
        "actor_interesado": getattr(context, "actor_interesado_id", None),
        "interesado": getattr(context, "interesado_id", None),
        "instant": instant.isoformat() if isinstance(instant, datetime) else None,
    }
    return data["id"], data


# --- Registration ---------------------------------------------------------------------


@dataclass
class _Cleaned:
    direction: str
    oficina: Oficina
    canal: str
    interesados: list[Interesado]
    representante: Interesado | None
    documentos: list[DocumentoPreparado]


def _validate(
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
) -> _Cleaned:
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if direction not in Direccion.values:
        err("direction", _("Indique si es una entrada o una salida."))
    if oficina is None or not isinstance(oficina, Oficina):
        err("oficina", _("Indique la oficina de registro."))
    elif not oficina.active:
        err("oficina", _("La oficina %(code)s no está activa.") % {"code": oficina.code})
    if canal not in Canal.values:
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
    if documentacion_fisica not in DocumentacionFisica.values:
        err("documentacion_fisica", _("Valor no válido."))
    if idioma not in dict(settings.LANGUAGES):
        err("idioma", _("Idioma no admitido."))
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        err("idempotency_key", _("Clave de idempotencia no válida."))
    prepared: list[DocumentoPreparado] = []
    for doc in documentos or ():
        try:
            prepared.append(prepare(doc))
        except ValueError as exc:
            err("documentos", str(exc))
    if errors:
        raise ValidationError(errors)
    return _Cleaned(
        direction=direction,
        oficina=oficina,
        canal=canal,
        interesados=parties,
        representante=representante,
        documentos=prepared,
    )


def asiento_register(
    *,
    direction: str,
    oficina: Oficina,
    canal: str,
    interesados: Sequence[Interesado],
    resumen: str,
    unidad_destino: Unidad | None = None,
    unidad_origen: Unidad | None = None,
    expone: str = "",
    solicita: str = "",
    procedimiento=None,
    formulario=None,
    representante: Interesado | None = None,
    representacion: Any = None,
    documentos: Sequence[DocumentoNuevo] = (),
    documentacion_fisica: str = DocumentacionFisica.NINGUNA,
    idioma: str | None = None,
    registrado_por: User | None = None,
    idempotency_key: str | None = None,
) -> Asiento:
    """Register an entry or exit in ONE transaction and return it, numbered (REG-1..6).

    Everything is validated before anything is written (``ValidationError`` by field; no
    number is consumed). A retry with the same ``idempotency_key`` returns the entry the
    first call registered. The sealed receipt is produced after the commit (REG-5).
    """
    idioma = idioma or (get_language() or settings.LANGUAGE_CODE)[:2]
    cleaned = _validate(
        direction=direction,
        oficina=oficina,
        canal=canal,
        interesados=interesados,
        representante=representante,
        representacion=representacion,
        unidad_origen=unidad_origen,
        unidad_destino=unidad_destino,
        resumen=resumen,
        expone=expone,
        solicita=solicita,
        procedimiento=procedimiento,
        formulario=formulario,
        documentacion_fisica=documentacion_fisica,
        documentos=documentos,
        idioma=idioma,
        idempotency_key=idempotency_key,
    )
    representacion_id, representacion_data = representation_snapshot(representacion)
    # File bytes go to storage before the transaction (content-addressed, so a rollback
    # leaves nothing half-named and a retry reuses the same blob).
    stored = [store(doc) for doc in cleaned.documentos]
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _register(
                    cleaned=cleaned,
                    stored=stored,
                    unidad_origen=unidad_origen,
                    unidad_destino=unidad_destino,
                    resumen=resumen,
                    expone=expone or "",
                    solicita=solicita or "",
                    procedimiento=procedimiento,
                    formulario=formulario,
                    representacion_id=representacion_id,
                    representacion_data=representacion_data,
                    documentacion_fisica=documentacion_fisica,
                    idioma=idioma,
                    registrado_por=registrado_por,
                    idempotency_key=idempotency_key,
                )
        except _YearChangedError:
            if attempt == 2:
                raise
        except IntegrityError:
            if idempotency_key:
                existing = Asiento.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return existing
            raise
    raise AssertionError("unreachable")


class _YearChangedError(Exception):
    """The new year began between preparing the entry and numbering it: start again, so
    the number's year is the year of its presentation instant (the rollback returns the
    number taken in the old year)."""


def _register(
    *,
    cleaned: _Cleaned,
    stored: list[str],
    unidad_origen,
    unidad_destino,
    resumen,
    expone,
    solicita,
    procedimiento,
    formulario,
    representacion_id,
    representacion_data,
    documentacion_fisica,
    idioma,
    registrado_por,
    idempotency_key,
) -> Asiento:
    provisional = timezone.now()
    provisional_effective = effective_instant(provisional)
    asiento = Asiento(
        year=timezone.localtime(provisional).year,
        direction=cleaned.direction,
        presented_at=provisional,
        effective_at=provisional_effective,
        oficina=cleaned.oficina,
        canal=cleaned.canal,
        unidad_origen=unidad_origen,
        unidad_destino=unidad_destino,
        unidad=unidad_destino if cleaned.direction == Direccion.ENTRADA else unidad_origen,
        resumen=resumen,
        expone=expone,
        solicita=solicita,
        procedimiento=procedimiento,
        formulario=formulario,
        documentacion_fisica=documentacion_fisica,
        representacion_id=representacion_id,
        representacion=representacion_data,
        idioma=idioma,
        registrado_por=registrado_por,
        idempotency_key=idempotency_key,
    )
    partes = [
        AsientoInteresado(
            interesado=p,
            rol=RolInteresado.INTERESADO,
            orden=i,
            nif=p.nif,
            nombre=p.display_name[:400],
        )
        for i, p in enumerate(cleaned.interesados)
    ]
    if cleaned.representante is not None:
        r = cleaned.representante
        partes.append(
            AsientoInteresado(
                interesado=r,
                rol=RolInteresado.REPRESENTANTE,
                orden=len(partes),
                nif=r.nif,
                nombre=r.display_name[:400],
            )
        )
    docs = [
        AsientoDocumento(
            orden=i,
            nombre=d.nombre,
            mime=d.mime,
            size=len(d.data),
            sha256=d.sha256,
            file=name,
            tipo_anexo=d.tipo_anexo,
            validez=d.validez,
            resolution_ppi=d.resolution_ppi,
        )
        for i, (d, name) in enumerate(zip(cleaned.documentos, stored, strict=True))
    ]
    digest = chain.asiento_digest(asiento, partes, docs)
    postgres = connection.vendor == "postgresql"
    if postgres:  # children first, under an id drawn from the sequence (FKs are deferred)
        asiento.pk = _pg_insert_children(partes, docs)
    else:
        # A repeated idempotency key fails here, on the unique index, before any number.
        asiento.save(force_insert=True)
        for row in (*partes, *docs):
            row.asiento = asiento
        AsientoInteresado.objects.bulk_create(partes)
        if docs:
            AsientoDocumento.objects.bulk_create(docs)

    # --- Last: the number. Nothing slow from here to the commit (recipes: PostgreSQL). ---
    contador_id, seq, prev_hash = _take_number(asiento.year, asiento.direction)
    presented_at = timezone.now()
    if timezone.localtime(presented_at).year != asiento.year:
        raise _YearChangedError
    if timezone.localdate(presented_at) == timezone.localdate(provisional):
        moved = provisional_effective != provisional
        effective_at = provisional_effective if moved else presented_at
    else:  # crossed midnight since: ask the calendar again (rare)
        effective_at = effective_instant(presented_at)
    asiento.seq, asiento.presented_at, asiento.effective_at = seq, presented_at, effective_at
    asiento.prev_hash = prev_hash
    asiento.hash = chain.entry_hash(
        prev_hash=prev_hash,
        numero=format_numero(asiento.year, asiento.direction, seq),
        presented_at=presented_at,
        effective_at=effective_at,
        digest=digest,
    )
    if postgres:
        # One statement: the entry row, written once, and the new chain head. A repeated
        # idempotency key fails here and the rollback gives the number back.
        _pg_insert_asiento(asiento, contador_id)
        asiento._state.adding = False
        for row in (*partes, *docs):
            row.asiento = asiento
    else:
        _finish(contador_id=contador_id, asiento=asiento)
    asiento_id = asiento.pk
    transaction.on_commit(lambda: justificante_enqueue(asiento_id=asiento_id))
    return asiento


@functools.cache
def _pg_columns(model) -> tuple[list, str]:
    """The child model's inserted fields and one typed VALUES row for them."""
    from django.db import connections

    pg = connections["default"]
    cols = [f for f in model._meta.concrete_fields if f.name not in ("id", "asiento")]
    return cols, "(" + ", ".join(f"%s::{f.db_type(pg)}" for f in cols) + ")"


@functools.cache
def _pg_children_sql(n_partes: int, n_docs: int) -> str:
    asiento = Asiento._meta.db_table
    sql = [f"WITH i AS (SELECT nextval(pg_get_serial_sequence('{asiento}', 'id')) AS id)"]
    for name, model, count in (
        ("p", AsientoInteresado, n_partes),
        ("d", AsientoDocumento, n_docs),
    ):
        if count:
            cols, one = _pg_columns(model)
            sql.append(
                f", {name} AS (INSERT INTO {model._meta.db_table} "
                f"(asiento_id, {', '.join(f.column for f in cols)}) "
                f"SELECT i.id, v.* FROM i CROSS JOIN (VALUES {', '.join([one] * count)}) AS v)"
            )
    sql.append(" SELECT id FROM i")
    return "".join(sql)


def _pg_insert_children(partes: list, docs: list) -> int:
    params: list = []
    for model, rows in ((AsientoInteresado, partes), (AsientoDocumento, docs)):
        cols = _pg_columns(model)[0]
        for row in rows:
            params += [f.get_db_prep_save(f.pre_save(row, True), connection) for f in cols]
    with connection.cursor() as cursor:
        cursor.execute(_pg_children_sql(len(partes), len(docs)), params)
        return cursor.fetchone()[0]


@functools.cache
def _pg_asiento_sql() -> tuple[list, str]:
    fields = list(Asiento._meta.concrete_fields)
    sql = (
        f"WITH head AS (UPDATE {Contador._meta.db_table} SET last_hash = %s WHERE id = %s) "
        f"INSERT INTO {Asiento._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return fields, sql


def _pg_insert_asiento(asiento: Asiento, contador_id: int) -> None:
    fields, sql = _pg_asiento_sql()
    params = [asiento.hash, contador_id]
    params += [f.get_db_prep_save(f.pre_save(asiento, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _take_number(year: int, direction: str) -> tuple[int, int, str]:
    """Increment the (year, direction) counter and lock its row until the commit."""
    table = Contador._meta.db_table
    sql = (
        f"UPDATE {table} SET last_seq = last_seq + 1 "  # noqa: S608 - table name is ours
        "WHERE year = %s AND direction = %s RETURNING id, last_seq, last_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, direction])
        row = cursor.fetchone()
        if row is None:  # first entry of the year in this direction
            Contador.objects.bulk_create(
                [Contador(year=year, direction=direction)], ignore_conflicts=True
            )
            cursor.execute(sql, [year, direction])
            row = cursor.fetchone()
    return row[0], row[1], row[2]


def _finish(*, contador_id: int, asiento: Asiento) -> None:
    """Store the number and hash on the entry and the new chain head on the counter."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contador._meta.db_table} SET last_hash = %s WHERE id = %s",  # noqa: S608
            [asiento.hash, contador_id],
        )
        cursor.execute(
            f"UPDATE {Asiento._meta.db_table} SET seq = %s, presented_at = %s, "  # noqa: S608
            "effective_at = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [
                asiento.seq,
                asiento.presented_at,
                asiento.effective_at,
                asiento.prev_hash,
                asiento.hash,
                asiento.pk,
            ],
        )


# --- Receipt (REG-5) ------------------------------------------------------------------


def justificante_enqueue(*, asiento_id: int) -> bool:
    """Publish the receipt task; never raise (the entry is registered whatever happens:
    the sweep retries what could not be published). Returns whether it was published."""
    try:
        from .tasks import justificante_issue_task

        justificante_issue_task.delay(asiento_id)
    except Exception:  # noqa: BLE001 - broker down, worker error in eager mode...
        logger.exception("Receipt of asiento %s left pending for the sweep", asiento_id)
        return False
    return True


CLAIM_TIMEOUT = timedelta(minutes=10)
# The task published at commit normally finishes within seconds: the sweep leaves younger
# entries alone, so that a backlog in the queue is not published twice.
SWEEP_GRACE = timedelta(minutes=2)


def justificantes_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue every receipt still pending (REG-5 outbox). Claims each entry with a
    conditional UPDATE so that concurrent sweeps do not publish the same one twice within
    ``CLAIM_TIMEOUT``. Returns how many were published."""
    now = now or timezone.now()
    stale = now - CLAIM_TIMEOUT
    candidates = list(
        Asiento.objects.filter(estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE, seq__isnull=False)
        .filter(_unclaimed_or_stale(stale), presented_at__lt=now - SWEEP_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    published = 0
    for asiento_id in candidates:
        claimed = (
            Asiento.objects.filter(
                _unclaimed_or_stale(stale),
                pk=asiento_id,
                estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE,
            ).update(justificante_claimed_at=now)
            == 1
        )
        if claimed and justificante_enqueue(asiento_id=asiento_id):
            published += 1
    return published


def _unclaimed_or_stale(stale: datetime) -> Q:
    return Q(justificante_claimed_at__isnull=True) | Q(justificante_claimed_at__lt=stale)


def justificante_issue(*, asiento_id: int) -> Asiento:
    """Render, stamp (CSV + QR) and seal the receipt of an entry; idempotent (REG-5)."""
    from .justificante import issue_sealed_receipt

    try:
        with transaction.atomic():
            asiento = Asiento.objects.select_for_update().get(pk=asiento_id)
            if asiento.estado == EstadoAsiento.JUSTIFICANTE_SELLADO:
                return asiento
            code, version_id = issue_sealed_receipt(asiento)
            asiento.estado = EstadoAsiento.JUSTIFICANTE_SELLADO
            asiento.justificante_csv = code
            asiento.justificante_version_id = version_id
            asiento.justificante_sealed_at = timezone.now()
            asiento.justificante_error = ""
            asiento.save(
                update_fields=[
                    "estado",
                    "justificante_csv",
                    "justificante_version_id",
                    "justificante_sealed_at",
                    "justificante_error",
                ]
            )
            return asiento
    except Asiento.DoesNotExist:
        raise
    except Exception as exc:
        Asiento.objects.filter(pk=asiento_id).update(
            justificante_error=str(exc)[:300],
            justificante_attempts=F("justificante_attempts") + 1,
        )
        raise
