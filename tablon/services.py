"""Every write of the notice board: publish, withdraw, the daily sealed digest and the
certificate of publication. Sealing and CSVs go through firma's public API (``csv_issue``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from identidad.services import audit_record
from procedimientos.text import normalize

from .models import Edicto, ResumenDiario


class PublicacionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def _seal(content: bytes, *, name: str, note: str):
    from firma.services import csv_issue

    return csv_issue(
        content=content, name=name, mime="application/pdf", stamp=True, seal=True, note=note
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of ``day`` in the sede's time zone."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start, end


@transaction.atomic
def edicto_publish(
    *,
    by,
    kind: str,
    organo,
    title_es: str,
    body_es: str,
    published_from: datetime,
    published_until: datetime,
    title_eu: str = "",
    body_eu: str = "",
) -> Edicto:
    """Publish an edict for a period: it is rendered to PDF, sealed and given a CSV at once.

    The period may start now or later; it cannot start in the past (the board cannot prove a
    past publication)."""
    now = timezone.now()
    if published_from < now - timedelta(minutes=5):
        raise PublicacionError(_("La publicación no puede empezar en el pasado."))
    edicto = Edicto(
        numero=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by year/id below (max 20)
        kind=kind,
        organo=organo,
        title_es=title_es.strip(),
        title_eu=title_eu.strip(),
        body_es=body_es.strip(),
        body_eu=body_eu.strip(),
        published_from=published_from,
        published_until=published_until,
        created_by=by,
    )
    edicto.full_clean(exclude=["numero"])
    edicto.search_text = normalize(
        " ".join([edicto.title_es, edicto.title_eu, edicto.body_es, edicto.body_eu])
    )
    edicto.save()
    edicto.numero = f"{timezone.localdate(published_from).year}/{edicto.pk:06d}"
    # The sealed PDF states both languages whatever the clerk's language.
    with translation.override("es"):
        pdf = _pdf("tablon/edicto_pdf.html", {"edicto": edicto})
    version = _seal(
        pdf, name=f"edicto-{edicto.numero.replace('/', '-')}.pdf", note=f"Edicto {edicto.numero}"
    )
    edicto.csv = version.csv
    edicto.sha256 = version.sha256
    edicto.save(update_fields=["numero", "csv", "sha256"])
    audit_record(actor=by, action="tablon.edicto.publish", obj=edicto)
    return edicto


@transaction.atomic
def edicto_withdraw(*, edicto: Edicto, by, reason: str) -> Edicto:
    """Take an edict off the board before its end (it stays listed in the history)."""
    edicto = Edicto.objects.select_for_update().get(pk=edicto.pk)
    if not reason.strip():
        raise PublicacionError(_("Indique el motivo de la retirada."))
    if edicto.withdrawn_at is None:
        edicto.withdrawn_at = max(timezone.now(), edicto.published_from)
        edicto.withdrawn_reason = reason.strip()[:300]
        edicto.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        audit_record(actor=by, action="tablon.edicto.withdraw", obj=edicto)
    return edicto


def _on_board(day: date):
    start, end = day_bounds(day)
    return (
        Edicto.objects.filter(published_from__lt=end, published_until__gt=start)
        .exclude(withdrawn_at__lte=start)
        .exclude(csv="")
        .order_by("published_from", "pk")
    )


def _entry(edicto: Edicto, day: date) -> dict:
    start, end = day_bounds(day)
    shown_from = max(edicto.published_from, start)
    shown_until = min(edicto.published_until, edicto.withdrawn_at or end, end)
    return {
        "numero": edicto.numero,
        "title_es": edicto.title_es,
        "title_eu": edicto.title_eu,
        "csv": edicto.csv,
        "sha256": edicto.sha256,
        "from": timezone.localtime(shown_from).isoformat(),
        "until": timezone.localtime(shown_until).isoformat(),
    }


@transaction.atomic
def resumen_diario_take(*, day: date) -> ResumenDiario:
    """Seal the digest of ``day`` (a past day): idempotent — a day already sealed is kept."""
    if day >= timezone.localdate():
        raise PublicacionError(_("Solo se sella el resumen de un día ya terminado."))
    existing = ResumenDiario.objects.filter(date=day).first()
    if existing is not None:
        return existing
    entries = [_entry(e, day) for e in _on_board(day)]
    with translation.override("es"):
        pdf = _pdf("tablon/resumen_pdf.html", {"day": day, "entries": entries})
    version = _seal(
        pdf, name=f"tablon-resumen-{day.isoformat()}.pdf", note=f"Tablón: resumen {day}"
    )
    return ResumenDiario.objects.create(
        date=day, entries=entries, csv=version.csv, sha256=version.sha256
    )


def resumenes_pending(*, today: date | None = None, days_back: int = 31) -> int:
    """Seal every missing digest of the last ``days_back`` days (beat sweep); returns how many."""
    today = today or timezone.localdate()
    first = Edicto.objects.order_by("published_from").values_list("published_from", flat=True)
    if not first:
        return 0
    start = max(timezone.localdate(first[0]), today - timedelta(days=days_back))
    done = set(ResumenDiario.objects.filter(date__gte=start).values_list("date", flat=True))
    made = 0
    day = start
    while day < today:
        if day not in done:
            resumen_diario_take(day=day)
            made += 1
        day += timedelta(days=1)
    return made


def publication_proof(edicto: Edicto) -> dict:
    """What the sealed digests prove about ``edicto``: the days it was listed, and whether every
    day of its period up to yesterday (or its end) is covered."""
    first = timezone.localdate(edicto.published_from)
    end_at = min(edicto.published_until, edicto.withdrawn_at or edicto.published_until)
    last = min(
        timezone.localdate(end_at - timedelta(microseconds=1)),
        timezone.localdate() - timedelta(days=1),
    )
    resumenes = list(ResumenDiario.objects.filter(date__gte=first, date__lte=last).order_by("date"))
    listed = [r for r in resumenes if r.lists(edicto.numero)]
    expected = (last - first).days + 1 if last >= first else 0
    missing = []
    listed_days = {r.date for r in listed}
    day = first
    while day <= last:
        if day not in listed_days:
            missing.append(day)
        day += timedelta(days=1)
    return {
        "first": first,
        "last": last,
        "expected_days": max(expected, 0),
        "resumenes": listed,
        "missing": missing,
        "complete": expected > 0 and not missing,
    }


@transaction.atomic
def certificado_publicacion_issue(*, edicto: Edicto, by) -> str:
    """A sealed certificate that ``edicto`` was on the board from A to B, citing the daily
    digests that prove it (their CSVs). Refused while a day of the period lacks a digest."""
    proof = publication_proof(edicto)
    if not proof["complete"]:
        raise PublicacionError(
            _(
                "No se puede certificar: faltan resúmenes diarios sellados de %(n)s día(s) del "
                "periodo."
            )
            % {"n": len(proof["missing"]) or 1}
        )
    with translation.override("es"):
        pdf = _pdf(
            "tablon/certificado_pdf.html",
            {"edicto": edicto, "proof": proof, "now": timezone.localtime()},
        )
    version = _seal(
        pdf,
        name=f"certificado-edicto-{edicto.numero.replace('/', '-')}.pdf",
        note=f"Certificado de exposición del edicto {edicto.numero}",
    )
    audit_record(
        actor=by,
        action="tablon.edicto.certify",
        obj=edicto,
        detail={"csv": version.csv, "sha256": version.sha256},
    )
    return version.csv
