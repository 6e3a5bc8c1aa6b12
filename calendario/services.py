"""Writes of the calendar: importing declared non-working days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .importing import HolidayRow, parse_holidays_csv
from .models import DiaInhabil

_FIELDS = ("name_es", "name_eu", "scope", "source", "notes", "verified")


class CalendarImportError(ValueError):
    """The file has bad rows; nothing was imported. ``errors`` names each one."""

    def __init__(self, errors: Sequence[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class ImportReport:
    created: list[DiaInhabil] = field(default_factory=list)
    updated: list[DiaInhabil] = field(default_factory=list)
    unchanged: list[DiaInhabil] = field(default_factory=list)


@transaction.atomic
def dia_inhabil_import(*, rows: Sequence[HolidayRow]) -> ImportReport:
    """Create or update one ``DiaInhabil`` per row, keyed by date (idempotent).

    Days in the calendar that the rows do not mention are left as they are.
    """
    report = ImportReport()
    existing = {d.date: d for d in DiaInhabil.objects.filter(date__in=[r.date for r in rows])}
    for row in rows:
        values = {name: getattr(row, name) for name in _FIELDS}
        dia = existing.get(row.date)
        if dia is None:
            report.created.append(DiaInhabil.objects.create(date=row.date, **values))
        elif all(getattr(dia, name) == value for name, value in values.items()):
            report.unchanged.append(dia)
        else:
            for name, value in values.items():
                setattr(dia, name, value)
            dia.save()
            report.updated.append(dia)
    return report


def dia_inhabil_import_file(*, path: Path | str) -> ImportReport:
    """Import a holidays CSV; all or nothing: any bad row raises ``CalendarImportError``."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        parsed = parse_holidays_csv(stream)
    if parsed.errors:
        raise CalendarImportError(parsed.errors)
    return dia_inhabil_import(rows=parsed.rows)
