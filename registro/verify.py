"""Tamper evidence: walk each (year, direction) chain and name the first bad entry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from . import chain
from .models import GENESIS_HASH, Asiento, AsientoDocumento, AsientoInteresado, Contador

CHUNK = 2000


@dataclass(frozen=True)
class Break:
    numero: str
    reason: str

    def __str__(self) -> str:
        return f"{self.numero}: {self.reason}"


def _entries(year: int, direction: str) -> Iterator[Asiento]:
    base = Asiento.objects.filter(year=year, direction=direction, seq__isnull=False).order_by("seq")
    last = 0
    while True:
        batch = list(
            base.filter(seq__gt=last).prefetch_related(
                Prefetch("partes", queryset=AsientoInteresado.objects.order_by("orden")),
                Prefetch("documentos", queryset=AsientoDocumento.objects.order_by("orden")),
            )[:CHUNK]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify_chain(year: int, direction: str) -> Break | None:
    from .models import format_numero

    prev_hash = GENESIS_HASH
    expected = 1
    for asiento in _entries(year, direction):
        if asiento.seq != expected:
            return Break(format_numero(year, direction, expected), "missing")
        digest = chain.asiento_digest(asiento, asiento.partes.all(), asiento.documentos.all())
        if asiento.prev_hash != prev_hash:
            return Break(asiento.numero, "chain broken: the previous entry was altered or removed")
        recomputed = chain.entry_hash(
            prev_hash=asiento.prev_hash,
            numero=asiento.numero,
            presented_at=asiento.presented_at,
            effective_at=asiento.effective_at,
            digest=digest,
        )
        if recomputed != asiento.hash:
            return Break(asiento.numero, "altered")
        prev_hash = asiento.hash
        expected += 1
    head = Contador.objects.filter(year=year, direction=direction).first()
    if head is not None:
        if head.last_seq >= expected:
            return Break(format_numero(year, direction, expected), "missing")
        if head.last_hash != prev_hash:
            return Break(format_numero(year, direction, expected - 1), "altered (chain head)")
    return None


def verify_all() -> list[Break]:
    """The first break of every chain that has one (empty list: the registry is intact)."""
    chains = set(
        Asiento.objects.filter(seq__isnull=False).values_list("year", "direction").distinct()
    ) | set(Contador.objects.values_list("year", "direction"))
    found = []
    for year, direction in sorted(chains):
        broken = verify_chain(year, direction)
        if broken is not None:
            found.append(broken)
    return found
