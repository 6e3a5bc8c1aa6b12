"""Hash chaining of audit rows: one place that defines what a row's hash covers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def entry_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def hashed_fields(entry) -> dict[str, Any]:
    """The fields of an ``AuditEntry`` that the hash covers."""
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "result": entry.result,
        "detail": entry.detail,
        "ip": entry.ip,
    }


def first_broken_entry(entries, *, head: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """Walk the chain in ``seq`` order; return (seq, reason) of the first bad row, or None.

    ``entries`` is an iterable of chained ``AuditEntry`` ordered by ``seq``; ``head`` is the
    chain head's (last_seq, last_hash). The walk must end exactly at the head: rows removed
    at the tail leave the head pointing past the last row (ENS-1, issue 17 item 3).
    """
    expected_seq = 1
    prev_hash = GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            return expected_seq, "missing"
        if entry.prev_hash != prev_hash:
            return entry.seq, "chain broken (previous row altered or missing)"
        if entry_hash(prev_hash=entry.prev_hash, fields=hashed_fields(entry)) != entry.hash:
            return entry.seq, "altered"
        prev_hash = entry.hash
        expected_seq += 1
    if head is not None:
        last_seq, last_hash = head
        if last_seq >= expected_seq:
            return expected_seq, "missing (removed at the end of the trail)"
        if last_seq < expected_seq - 1 or last_hash != prev_hash:
            return expected_seq - 1, "altered (chain head)"
    return None
