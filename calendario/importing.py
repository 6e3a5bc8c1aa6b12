"""Reading a holidays CSV: ``date,name,scope,source,notes`` (+ optional ``verified``).

``name`` holds "castellano / euskera" (the Basque part may be missing); files may instead
have ``name_es`` and ``name_eu`` columns. Without a ``verified`` column a row is verified
unless its notes or source say it is unconfirmed ("UNCONFIRMED", "sin confirmar"), which is
how ``shared/reference/holidays.csv`` marks Bilbao's local day.

Parsing never stops at the first bad row: every error is reported with its line number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from django.utils.translation import gettext as _

from .constants import Ambito

_TRUE = {"yes", "true", "1", "sí", "si", "bai"}
_FALSE = {"no", "false", "0", "ez"}
NAME_MAX_LENGTH = 200
_UNCONFIRMED_MARKERS = ("unconfirmed", "sin confirmar", "no confirmad")


@dataclass(frozen=True)
class HolidayRow:
    line: int
    date: date
    name_es: str
    name_eu: str
    scope: str
    source: str
    notes: str
    verified: bool


@dataclass
class ParsedFile:
    rows: list[HolidayRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _split_name(name: str) -> tuple[str, str]:
    name_es, _sep, name_eu = name.partition(" / ")
    return name_es.strip(), name_eu.strip()


def _verified(value: str | None, notes: str, source: str) -> bool | None:
    if value is not None and value.strip():
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return None
    text = f"{notes} {source}".lower()
    return not any(marker in text for marker in _UNCONFIRMED_MARKERS)


def parse_holidays_csv(stream: TextIO) -> ParsedFile:
    result = ParsedFile()
    reader = csv.DictReader(stream)
    columns = {(name or "").strip() for name in reader.fieldnames or []}
    missing = [c for c in ("date", "scope", "source") if c not in columns]
    if "name" not in columns and "name_es" not in columns:
        missing.append("name")
    if missing:
        result.errors.append(
            _("Faltan columnas obligatorias: %(columns)s.") % {"columns": ", ".join(missing)}
        )
        return result
    seen: dict[date, int] = {}
    scopes = ", ".join(Ambito.values)
    for raw in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        errors: list[str] = []
        day = None
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            errors.append(
                _("la fecha «%(value)s» no es válida (formato AAAA-MM-DD)") % {"value": row["date"]}
            )
        if "name_es" in row:
            name_es, name_eu = row.get("name_es", ""), row.get("name_eu", "")
        else:
            name_es, name_eu = _split_name(row.get("name", ""))
        if not name_es:
            errors.append(_("falta el nombre"))
        if max(len(name_es), len(name_eu)) > NAME_MAX_LENGTH:
            errors.append(_("el nombre supera %(max)s caracteres") % {"max": NAME_MAX_LENGTH})
        if row["scope"] not in Ambito.values:
            errors.append(
                _("el ámbito «%(value)s» no es válido (use uno de: %(scopes)s)")
                % {"value": row["scope"], "scopes": scopes}
            )
        if not row["source"]:
            errors.append(_("falta la fuente"))
        verified = _verified(row.get("verified"), row.get("notes", ""), row["source"])
        if verified is None:
            errors.append(
                _("el valor «%(value)s» de verified no es válido (use yes o no)")
                % {"value": row.get("verified", "")}
            )
        if day is not None and day in seen:
            errors.append(
                _("la fecha %(date)s ya aparece en la línea %(line)s")
                % {"date": day.isoformat(), "line": seen[day]}
            )
        if errors:
            result.errors.extend(
                _("Línea %(line)s: %(error)s.") % {"line": line, "error": error} for error in errors
            )
            continue
        assert day is not None and verified is not None
        seen[day] = line
        result.rows.append(
            HolidayRow(
                line=line,
                date=day,
                name_es=name_es,
                name_eu=name_eu,
                scope=row["scope"],
                source=row["source"],
                notes=row.get("notes", ""),
                verified=verified,
            )
        )
    return result
