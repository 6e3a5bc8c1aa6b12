"""Reads of the identidad app."""

from __future__ import annotations

from .audit import GENESIS, first_broken_entry
from .models import AuditChainHead, AuditEntry


def audit_chain_head() -> tuple[int, str]:
    """(last sequence number, last hash) of the audit chain as the sequencer left it."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    return head if head is not None else (0, GENESIS)


def audit_chain_first_break() -> tuple[int, str] | None:
    """(seq, reason) of the first altered or missing chained audit row, or None if the chain
    holds up to its head. Rows the sequencer has not chained yet are not judged: verify
    after :func:`identidad.services.audit_chain_pending`."""
    return first_broken_entry(
        AuditEntry.objects.exclude(seq=None).order_by("seq").iterator(chunk_size=2000),
        head=audit_chain_head(),
    )


def audit_chain_entry_hash(seq: int) -> str | None:
    """The stored hash of the chained row ``seq`` (None if there is no such row)."""
    return AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
