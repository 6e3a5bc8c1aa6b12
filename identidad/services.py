"""Writes of the identidad app: interesados, users from identity providers, audit trail."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .audit import entry_hash, hashed_fields
from .constants import ResultadoAuditoria, TipoPersona
from .models import AuditChainHead, AuditEntry, Interesado, User
from .validators import normalize_nif, validate_nif


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    result: str = ResultadoAuditoria.OK,
    detail: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one event to the audit trail (ENS-1): ONE row insert, no lock on any shared row.

    Runs inside the caller's transaction: if the audited change rolls back, so does its
    audit row. The row is chained (sequence number and hash) afterwards by the sequencer,
    :func:`audit_chain_pending` (a periodic task, and the first step of every verification),
    so a citizen's or clerk's request never queues behind the chain head.
    """
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        result=result,
        detail=detail,
        ip=ip,
    )
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *,
    actor: User | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    result: str = ResultadoAuditoria.OK,
    detail: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """The row :func:`audit_record` inserts, unsaved: for a caller that writes it in a
    statement of its own together with the change it audits (``registro.sir.statements``).
    ``obj`` may be unsaved (its type is named; its id is then the caller's to fill)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or ("" if obj.pk is None else str(obj.pk))
    if actor is not None and actor.is_authenticated:
        actor_repr = f"{actor.get_username()} ({actor.nif})" if actor.nif else actor.get_username()
    else:
        actor, actor_repr = None, "anónimo"
    return AuditEntry(
        created_at=timezone.now(),
        actor=actor,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        result=result,
        detail=detail or {},
        ip=ip,
    )


AUDIT_CHAIN_BATCH = 2000


def audit_chain_pending(*, limit: int | None = None) -> int:
    """The sequencer: chain every committed row not chained yet, in insertion order.

    Takes the chain head's row lock (so one sequencer runs at a time; writers never take
    it), gives each pending row the next sequence number and its hash over the previous
    row's hash, and moves the head, one transaction per batch. A row committed late (a long
    transaction) is simply chained in a later run. Returns how many rows were chained.
    """
    table = AuditEntry._meta.db_table
    chained = 0
    while limit is None or chained < limit:
        batch = AUDIT_CHAIN_BATCH if limit is None else min(AUDIT_CHAIN_BATCH, limit - chained)
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            pending = list(AuditEntry.objects.filter(seq=None).order_by("id")[:batch])
            if not pending:
                break
            rows = []
            seq, prev_hash = head.last_seq, head.last_hash
            for entry in pending:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev_hash
                entry.hash = entry_hash(prev_hash=prev_hash, fields=hashed_fields(entry))
                rows.append((entry.seq, entry.prev_hash, entry.hash, entry.pk))
                prev_hash = entry.hash
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    rows,
                )
            head.last_seq, head.last_hash = seq, prev_hash
            head.save(update_fields=["last_seq", "last_hash"])
            chained += len(rows)
    return chained


@transaction.atomic
def interesado_get_or_create(
    *,
    nif: str,
    tipo: str | None = None,
    nombre: str = "",
    apellido1: str = "",
    apellido2: str = "",
    razon_social: str = "",
    email: str = "",
    user: User | None = None,
) -> Interesado:
    """Find the interesado by NIF or create it, validating the NIF's check letter."""
    number = validate_nif(nif, tipo)
    existing = Interesado.objects.filter(nif=number).first()
    if existing is not None:
        if user is not None and existing.user_id is None:
            existing.user = user
            existing.save(update_fields=["user"])
        return existing
    if tipo is None:
        tipo = (
            TipoPersona.FISICA
            if number[0].isdigit() or number[0] in "XYZ"
            else TipoPersona.JURIDICA
        )
    interesado = Interesado(
        tipo=tipo,
        nif=number,
        nombre=nombre,
        apellido1=apellido1,
        apellido2=apellido2,
        razon_social=razon_social,
        email=email,
        user=user,
    )
    interesado.full_clean()
    interesado.save()
    return interesado


@transaction.atomic
def citizen_user_from_identity(
    *, nif: str, first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    """The user for an identified natural person (any identity provider), created on first login.

    The username is the NIF: one account per person whichever method they use.
    """
    number = validate_nif(nif, TipoPersona.FISICA)
    user, created = User.objects.get_or_create(
        nif=number,
        defaults={
            "username": number,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
        },
    )
    if not created:
        changed = []
        for field, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
        ):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
    surnames = last_name.split(" ", 1)
    interesado_get_or_create(
        nif=number,
        tipo=TipoPersona.FISICA,
        nombre=first_name or number,
        apellido1=surnames[0] or "-",
        apellido2=surnames[1] if len(surnames) > 1 else "",
        email=email,
        user=user,
    )
    return user


__all__ = [
    "audit_chain_pending",
    "audit_record",
    "citizen_user_from_identity",
    "interesado_get_or_create",
    "normalize_nif",
]
