"""Writes of the identidad app: interesados, users from identity providers, audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .audit import entry_hash, hashed_fields
from .constants import ResultadoAuditoria, TipoPersona
from .models import AuditChainHead, AuditEntry, Interesado, User
from .validators import normalize_nif, validate_nif


@transaction.atomic
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
    """Append one event to the audit trail (ENS-1), chained to the previous one by hash.

    Runs inside the caller's transaction: if the audited change rolls back, so does its
    audit row, and the chain stays gapless. Writes are serialised on one head row.
    """
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    if actor is not None and actor.is_authenticated:
        actor_repr = f"{actor.get_username()} ({actor.nif})" if actor.nif else actor.get_username()
    else:
        actor, actor_repr = None, "anónimo"
    entry = AuditEntry(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=actor,
        actor_repr=actor_repr,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        result=result,
        detail=detail or {},
        ip=ip,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(prev_hash=entry.prev_hash, fields=hashed_fields(entry))
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


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
    "audit_record",
    "citizen_user_from_identity",
    "interesado_get_or_create",
    "normalize_nif",
]
