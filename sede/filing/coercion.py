"""One posted value → its JSON value (or MISSING), with a message when it cannot be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .formats import FORMATS, compact
from .pointers import MISSING


def raw_value(spec, post: Mapping) -> Any:
    if spec.kind == "multichoice":
        return post.getlist(spec.name) if hasattr(post, "getlist") else post.get(spec.name, [])
    return post.get(spec.name)


def coerce(spec, post: Mapping) -> tuple[Any, str | None]:
    """(value or MISSING, coercion error). Empty answers are MISSING so that "required"
    reports them."""
    raw = raw_value(spec, post)
    kind = spec.kind
    if kind == "boolean":
        return (str(raw).lower() in ("on", "true", "1", "si", "sí", "yes")), None
    if kind == "multichoice":
        values = [v for v in (raw or []) if v]
        return (values if values else MISSING), None
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text:
        return MISSING, None
    if kind in ("number", "integer"):
        number = text.replace(" ", "").replace("€", "")
        if "," in number and "." in number:
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", ".")
        try:
            dec = Decimal(number)
        except InvalidOperation:
            return text, _("Escriba un número, por ejemplo 1250,50.")
        if not dec.is_finite():
            return text, _("Escriba un número, por ejemplo 1250,50.")
        if kind == "integer":
            if dec != dec.to_integral_value():
                return text, _("Escriba un número entero, sin decimales.")
            return int(dec), None
        return (int(dec) if dec == dec.to_integral_value() else float(dec)), None
    if kind == "date":
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat(), None  # noqa: DTZ007
            except ValueError:
                continue
        return text, _("Escriba una fecha válida, por ejemplo 31/12/2026.")
    if spec.format in FORMATS:
        return compact(text), None
    if (
        spec.format is None
        and kind == "text"
        and spec.schema.get("pattern", "").startswith("^[A-Z")
    ):
        return text.upper(), None
    return text, None
