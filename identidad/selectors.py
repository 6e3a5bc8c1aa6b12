"""Reads of the identidad app."""

from __future__ import annotations

from .audit import first_broken_entry
from .models import AuditEntry


def audit_chain_first_break() -> tuple[int, str] | None:
    """(seq, reason) of the first altered or missing audit row, or None if the chain holds."""
    return first_broken_entry(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000))
