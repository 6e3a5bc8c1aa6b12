"""``asiento_register``: the one way into the registry (REG-1..6).

It validates everything first, writes the entry's parties and documents, and takes the
number LAST, under the lock of the (year, direction) counter row, so the lock is held only
for one statement and the commit (see ``numbering``). The receipt (REG-5) is produced after
the commit by Celery (see ``receipts``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import get_language

from identidad.models import Interesado, Unidad, User

from .. import chain
from ..constants import Direccion, DocumentacionFisica, RolInteresado
from ..documentos import DocumentoNuevo, store
from ..models import Asiento, AsientoDocumento, AsientoInteresado, Oficina, format_numero
from . import receipts
from .numbering import (
    NotNumberedError,
    ensure_counter,
    finish,
    forget_counters,
    pg_insert_children,
    pg_number_and_insert,
    pg_prepare_asiento,
    pg_register_one_trip,
    take_number,
)
from .validation import Cleaned, validate_registration

# --- Adapters to other apps (one small function each) ---------------------------------


def effective_instant(presented_at: datetime) -> datetime:
    """REG-2 via calendario: 00:00 of the next working day when presented on a non-working
    day, else the presentation instant itself."""
    from calendario.terms import effective_instant as _effective

    return _effective(presented_at).effective_at


def _actor_name(context: Any) -> str:
    user = getattr(context, "actor_user", None) if getattr(context, "actor_user_id", None) else None
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:200]


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
        # Named on the receipt when an authorised official acted (HAB-2: the receipt names both).
        "actor_name": _actor_name(context),
        "interesado": getattr(context, "interesado_id", None),
        "instant": instant.isoformat() if isinstance(instant, datetime) else None,
    }
    return data["id"], data


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
    before_number: Callable[[Asiento], None] | None = None,
) -> Asiento:
    """Register an entry or exit in ONE transaction and return it, numbered (REG-1..6).

    Everything is validated before anything is written (``ValidationError`` by field; no
    number is consumed). A retry with the same ``idempotency_key`` returns the entry the
    first call registered. The sealed receipt is produced after the commit (REG-5).

    ``before_number(asiento)`` lets the caller write its own bookkeeping (the sede's
    submission, an audit row) in the same transaction, BEFORE the counter row is locked: the
    entry has its primary key then, not its number nor its final presentation instant. The
    counter lock is held only for the counter update, the entry insert and the commit (issue
    10): nothing else ever waits behind the registry's one serial point.
    """
    idioma = idioma or (get_language() or settings.LANGUAGE_CODE)[:2]
    cleaned = validate_registration(
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
    # On PostgreSQL, a registration that owns its transaction (the caller holds none and
    # has no bookkeeping of its own to write) sends all its writes, the COMMIT included, in
    # ONE round trip (``pg_register_one_trip``); otherwise it writes in an atomic block.
    db = connections[DEFAULT_DB_ALIAS]  # once: ``connection`` is a proxy, each use a look-up
    one_trip = db.vendor == "postgresql" and before_number is None and not db.in_atomic_block
    fields = {
        "cleaned": cleaned,
        "stored": stored,
        "unidad_origen": unidad_origen,
        "unidad_destino": unidad_destino,
        "resumen": resumen,
        "expone": expone or "",
        "solicita": solicita or "",
        "procedimiento": procedimiento,
        "formulario": formulario,
        "representacion_id": representacion_id,
        "representacion_data": representacion_data,
        "documentacion_fisica": documentacion_fisica,
        "idioma": idioma,
        "registrado_por": registrado_por,
        "idempotency_key": idempotency_key,
    }
    for attempt in (1, 2):
        try:
            if one_trip:
                asiento = _register(**fields, before_number=None, one_trip=True)
                receipts.justificante_enqueue(asiento_id=asiento.pk)  # committed already
                return asiento
            with transaction.atomic():
                return _register(**fields, before_number=before_number, one_trip=False)
        except NotNumberedError:
            # The first entry of a year in this direction (no counter yet), or midnight
            # crossed since the calendar was asked: nothing was written; start again.
            if attempt == 2:
                raise
            forget_counters()
        except IntegrityError:
            if idempotency_key:
                existing = Asiento.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return existing
            raise
    raise AssertionError("unreachable")


def _register(
    *,
    cleaned: Cleaned,
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
    before_number,
    one_trip: bool,
) -> Asiento:
    """The entry's rows. ``one_trip`` (PostgreSQL, from autocommit): written and committed
    in one round trip, the receipt left to the caller to publish; otherwise written in the
    caller's transaction, the receipt published when it commits."""
    provisional = timezone.now()
    provisional_effective = effective_instant(provisional)
    provisional_day = timezone.localdate(provisional)
    asiento = Asiento(
        year=provisional_day.year,
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
            csv=d.csv,
        )
        for i, (d, name) in enumerate(zip(cleaned.documentos, stored, strict=True))
    ]
    digest = chain.asiento_digest(asiento, partes, docs)
    postgres = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    moved = provisional_effective != provisional  # REG-2: a non-working day moves it
    if one_trip:
        ensure_counter(asiento.year, asiento.direction)
        # Children first, under an id drawn from the sequence (FKs are deferred), then the
        # number under the counter lock, the COMMIT, and the late columns read back.
        asiento_id, *written = pg_register_one_trip(
            asiento,
            pg_prepare_asiento(asiento),
            partes,
            docs,
            digest=digest,
            day=provisional_day,
            effective_at=provisional_effective if moved else None,
        )
        asiento.pk = asiento_id
        _numbered(asiento, written)
        return asiento
    if postgres:  # children first, under an id drawn from the sequence (FKs are deferred)
        ensure_counter(asiento.year, asiento.direction)
        asiento.pk = pg_insert_children(partes, docs)
        insert_params = pg_prepare_asiento(asiento)
    else:
        # A repeated idempotency key fails here, on the unique index, before any number.
        asiento.save(force_insert=True)
        for row in (*partes, *docs):
            row.asiento = asiento
        AsientoInteresado.objects.bulk_create(partes)
        if docs:
            AsientoDocumento.objects.bulk_create(docs)
    if before_number is not None:
        before_number(asiento)

    # --- Last: the number. Nothing slow from here to the commit (recipes: PostgreSQL). ---
    if postgres:
        # ONE statement under the counter lock: number, instant, chain hash, new head and
        # the entry row. A repeated idempotency key fails here; the rollback gives the
        # number back.
        late = pg_number_and_insert(
            asiento,
            insert_params,
            digest=digest,
            day=provisional_day,
            effective_at=provisional_effective if moved else None,
        )
        _numbered(asiento, late)
    else:
        contador_id, seq, prev_hash = take_number(asiento.year, asiento.direction)
        presented_at = timezone.now()
        if timezone.localtime(presented_at).year != asiento.year:
            raise NotNumberedError  # the new year began since: the rollback returns the number
        if timezone.localdate(presented_at) == provisional_day:
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
        finish(contador_id=contador_id, asiento=asiento)
    asiento_id = asiento.pk
    transaction.on_commit(lambda: receipts.justificante_enqueue(asiento_id=asiento_id))
    return asiento


def _numbered(asiento: Asiento, late) -> None:
    """The entry as stored: its late columns (number, instants, chain hashes) set. (Its
    party and document rows are not handed to anyone after the insert: nothing to attach.)"""
    seq, presented_at, effective_at, prev_hash, entry_hash = late
    asiento.seq, asiento.presented_at, asiento.effective_at = seq, presented_at, effective_at
    asiento.prev_hash, asiento.hash = prev_hash, entry_hash
    asiento._state.adding = False
