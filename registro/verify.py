"""Tamper evidence: walk each (year, direction) chain and name the first bad entry; check
the chain heads against the last sealed checkpoint (``services.anchors``) and re-hash the
stored bytes of the registered documents (all of them, or a random sample)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Max, Min, Prefetch

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


def verify_all(*, documents: int | None = 0) -> list[Break]:
    """The first break of every chain that has one, then what the last sealed checkpoint
    and the documents' bytes reveal (empty list: the registry is intact).

    ``documents``: how many registered documents to re-hash from storage, at random
    (``None``: every one; ``0``: none)."""
    chains = set(
        Asiento.objects.filter(seq__isnull=False).values_list("year", "direction").distinct()
    ) | set(Contador.objects.values_list("year", "direction"))
    found = []
    for year, direction in sorted(chains):
        broken = verify_chain(year, direction)
        if broken is not None:
            found.append(broken)
    found += verify_anchor()
    if documents is None or documents > 0:
        found += verify_documents(sample=documents)
    return found


def _audit_label(seq: int) -> str:
    return f"audit #{seq}"


def verify_anchor() -> list[Break]:
    """Compare the chains with the last sealed checkpoint: every anchored head must still
    be there with the anchored hash — so entries (or audit rows) removed at the end show
    even when their counter (or head) was rolled back with them (issue 17 item 3)."""
    from identidad.selectors import audit_chain_entry_hash

    from .justificante import seal_is_valid, sealed_document_bytes
    from .models import Anclaje, format_numero
    from .services.anchors import canonical, sealed_anclaje_datos

    anclaje = Anclaje.objects.order_by("-created_at", "-id").first()
    if anclaje is None:
        return []
    label = f"checkpoint {anclaje.created_at:%Y-%m-%d %H:%M:%S}"
    pdf = sealed_document_bytes(anclaje.version_id)
    if pdf is None:
        return [Break(label, "the sealed checkpoint document is missing")]
    datos = sealed_anclaje_datos(pdf)
    if datos is None or hashlib.sha256(canonical(datos)).hexdigest() != anclaje.digest:
        return [Break(label, "the sealed checkpoint does not match its record")]
    if not seal_is_valid(pdf):
        return [Break(label, "the checkpoint's seal is not valid")]
    found = []
    for head in datos["registro"]:
        year, direction, seq = head["year"], head["direction"], head["seq"]
        if not seq:
            continue
        stored = (
            Asiento.objects.filter(year=year, direction=direction, seq=seq)
            .values_list("hash", flat=True)
            .first()
        )
        numero = format_numero(year, direction, seq)
        if stored is None:
            found.append(Break(numero, f"missing (it was in the sealed {label})"))
        elif stored != head["hash"]:
            found.append(Break(numero, f"altered (differs from the sealed {label})"))
    audit = datos["audit"]
    if audit["seq"]:
        stored = audit_chain_entry_hash(audit["seq"])
        if stored is None:
            found.append(Break(_audit_label(audit["seq"]), f"missing (in the sealed {label})"))
        elif stored != audit["hash"]:
            found.append(
                Break(_audit_label(audit["seq"]), f"altered (differs from the sealed {label})")
            )
    return found


def anchor_age() -> timedelta | None:
    """How old the last sealed checkpoint is (None: there is none)."""
    from django.utils import timezone

    from .models import Anclaje

    last = Anclaje.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    return None if last is None else timezone.now() - last


def verify_documents(*, sample: int | None) -> list[Break]:
    """Re-hash the stored bytes of registered documents (a random ``sample``, or all when
    None) and compare them with the SHA-256 the chain covers."""
    from django.core.files.storage import default_storage

    documents = AsientoDocumento.objects.select_related("asiento").only(
        "sha256", "file", "orden", "asiento__year", "asiento__direction", "asiento__seq"
    )
    if sample is not None:
        # Random primary keys, not ORDER BY random(): that would sort the whole table.
        bounds = AsientoDocumento.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        if bounds["lo"] is None:
            return []
        span = range(bounds["lo"], bounds["hi"] + 1)
        picked = random.sample(span, k=min(len(span), 2 * sample))  # noqa: S311 - not crypto
        documents = documents.filter(pk__in=picked).order_by("pk")[:sample]
    else:
        documents = documents.order_by("asiento_id", "orden")
    found = []
    for doc in documents.iterator(chunk_size=500):
        digest = hashlib.sha256()
        try:
            with default_storage.open(doc.file.name, "rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except (FileNotFoundError, OSError):
            found.append(Break(doc.asiento.numero, f"document {doc.orden + 1}: file missing"))
            continue
        if digest.hexdigest() != doc.sha256:
            found.append(Break(doc.asiento.numero, f"document {doc.orden + 1}: bytes altered"))
    return found
