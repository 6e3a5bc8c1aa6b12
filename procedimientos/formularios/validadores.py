"""The validators the builder offers (issue 16), as data: what an editor may attach to a field
or to the whole form, with its parameters and its es/eu message. The citizen engine
(``sede.filing``) implements each one (a test checks that none is offered without it); the
server is always the judge.

How each validator is written into the one form format (``keyword``):

- a standard JSON Schema keyword (``minimum``, ``maxLength``, ``pattern``…): the field gets
  ``{"<keyword>": <the param's value>}``;
- ``format``: the field gets ``{"format": "<validator id>"}`` (``nif``, ``iban``…);
- ``x-date``: the field (a ``format: date`` string) gets ``{"x-date": {"min": B, "max": B}}``,
  each bound ``"today"``, a signed ISO-8601 duration from today (``"-P18Y"``, ``"P0D"``,
  ``"P1Y6M"``, ``"P2W"``) or a date (``"2026-01-01"``); both inclusive. Presets carry their
  ``value`` (and their own message) ready to copy;
- ``x-rules``: the object holding the fields (the form, or the items of a repeatable group)
  gets ``{"rule": "<validator id>", <params>}`` appended to its ``x-rules`` list; pointers are
  relative to that object.

Any of them may carry its own message: an ``x-date`` or an ``x-rules`` entry with
``message_es``/``message_eu``; a standard keyword or format with
``"x-messages": {"<keyword>": {"message_es": …, "message_eu": …}}`` on the field. Messages may
use the placeholders of the default one (``%(otro)s``, ``%(campos)s``, ``%(valor)s``…).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Validador:
    id: str
    label_es: str
    label_eu: str
    keyword: str  # "minimum", "format", "x-date", "x-rules", …
    kinds: tuple[str, ...]  # field kinds it applies to ("string", "number", "date", …); () = form
    params: tuple[str, ...] = field(default_factory=tuple)  # their types: PARAM_TYPES
    message_es: str = ""
    message_eu: str = ""
    # x-rules only: the kinds of the fields the rule reads ("date", "number", "any").
    operands: str = ""
    # What the builder writes as is (a preset's x-date, with its message); None: built from
    # the params.
    value: Any = None


# What each parameter holds, for the builder's inputs and the definition check.
PARAM_TYPES: dict[str, str] = {
    "minimum": "number",
    "maximum": "number",
    "exclusiveMinimum": "number",
    "exclusiveMaximum": "number",
    "minLength": "integer",
    "maxLength": "integer",
    "pattern": "regex",
    "min": "date-bound",
    "max": "date-bound",
    "field": "pointer",  # the field the error is shown next to
    "other": "pointer",
    "fields": "pointers",
    "value": "number",
}

VALIDADORES: dict[str, Validador] = {}


def register(validador: Validador) -> Validador:
    VALIDADORES[validador.id] = validador
    return validador


def kind_of(schema: Mapping) -> str:
    """The kind a validator speaks of: "date", "number", "string", "boolean", "array"…"""
    if schema.get("format") == "date":
        return "date"
    t = schema.get("type")
    if t in ("number", "integer"):
        return "number"
    return t if isinstance(t, str) else "any"


# --- Dates relative to today ----------------------------------------------------------------

DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?$"
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st (or 29 February) becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def parse_bound(text: Any) -> Callable[[dt.date], dt.date] | None:
    """An ``x-date`` bound as a function of today; None when it is not one."""
    if not isinstance(text, str):
        return None
    if text == "today":
        return lambda today: today
    match = DURATION.match(text)
    if match and text.lstrip("+-") != "P":
        sign = -1 if match["sign"] == "-" else 1
        months = sign * (int(match["y"] or 0) * 12 + int(match["m"] or 0))
        days = sign * (int(match["w"] or 0) * 7 + int(match["d"] or 0))
        return lambda today: add_months(today, months) + dt.timedelta(days=days)
    try:
        fixed = dt.date.fromisoformat(text)
    except ValueError:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    return lambda today: fixed


# The default messages of ``x-date`` by the bounds it has (the engine picks one).
MENSAJES_FECHA: dict[str, tuple[str, str]] = {
    "between": (
        "Escriba una fecha entre el %(desde)s y el %(hasta)s.",
        "Idatzi %(desde)s eta %(hasta)s arteko data bat.",
    ),
    "min": (
        "Escriba una fecha igual o posterior al %(desde)s.",
        "Idatzi %(desde)s edo geroagoko data bat.",
    ),
    "max": (
        "Escriba una fecha igual o anterior al %(hasta)s.",
        "Idatzi %(hasta)s edo lehenagoko data bat.",
    ),
    "min-today": (
        "La fecha no puede ser anterior a hoy.",
        "Data ezin da gaur baino lehenagokoa izan.",
    ),
    "max-today": (
        "La fecha no puede ser posterior a hoy.",
        "Data ezin da gaur baino geroagokoa izan.",
    ),
}


# --- The registry -----------------------------------------------------------------------------

_FORMATS = (
    (
        "nif",
        "DNI, NIE o NIF",
        "NAN, AIZ edo IFZ",
        "Escriba un DNI, NIE o NIF válido, con su letra de control.",
        "Idatzi baliozko NAN, AIZ edo IFZ bat, kontrol-letrarekin.",
    ),
    (
        "nie",
        "NIE (personas extranjeras)",
        "AIZ (atzerritarrak)",
        "Escriba un NIE válido: X, Y o Z, siete cifras y la letra de control.",
        "Idatzi baliozko AIZ bat: X, Y edo Z, zazpi zifra eta kontrol-letra.",
    ),
    (
        "cif",
        "NIF de una entidad (CIF)",
        "Erakunde baten IFZ (IFK)",
        "Escriba el NIF de una entidad válido: una letra, siete cifras y el carácter de control.",
        "Idatzi erakunde baten baliozko IFZ: letra bat, zazpi zifra eta kontrol-karakterea.",
    ),
    (
        "iban",
        "IBAN",
        "IBAN",
        "Escriba un IBAN válido (ES y 22 cifras); compruebe los dígitos de control.",
        "Idatzi baliozko IBAN bat (ES eta 22 zifra); egiaztatu kontrol-digituak.",
    ),
    (
        "referencia-catastral",
        "Referencia catastral",
        "Katastro-erreferentzia",
        "Escriba una referencia catastral válida (20 caracteres); compruebe los dos "
        "caracteres de control del final.",
        "Idatzi baliozko katastro-erreferentzia bat (20 karaktere); egiaztatu amaierako bi "
        "kontrol-karaktereak.",
    ),
    (
        "matricula",
        "Matrícula de vehículo",
        "Ibilgailuaren matrikula",
        "Escriba una matrícula válida, por ejemplo 1234 BCD o BI-1234-AB.",
        "Idatzi baliozko matrikula bat, adibidez 1234 BCD edo BI-1234-AB.",
    ),
)
for _id, _les, _leu, _mes, _meu in _FORMATS:
    register(Validador(_id, _les, _leu, "format", ("string",), (), _mes, _meu))

_KEYWORDS = (
    ("minimum", "Valor mínimo", "Gutxieneko balioa", ("number",),
     "El valor mínimo es %(n)s.", "Gutxieneko balioa %(n)s da."),
    ("maximum", "Valor máximo", "Gehieneko balioa", ("number",),
     "El valor máximo es %(n)s.", "Gehieneko balioa %(n)s da."),
    ("exclusiveMinimum", "Mayor que", "Hau baino handiagoa", ("number",),
     "Debe ser mayor que %(n)s.", "%(n)s baino handiagoa izan behar du."),
    ("exclusiveMaximum", "Menor que", "Hau baino txikiagoa", ("number",),
     "Debe ser menor que %(n)s.", "%(n)s baino txikiagoa izan behar du."),
    ("minLength", "Longitud mínima", "Gutxieneko luzera", ("string",),
     "Escriba al menos %(n)s caracteres.", "Idatzi gutxienez %(n)s karaktere."),
    ("maxLength", "Longitud máxima", "Gehieneko luzera", ("string",),
     "Escriba como máximo %(n)s caracteres.", "Idatzi gehienez %(n)s karaktere."),
    ("pattern", "Formato (expresión regular)", "Formatua (adierazpen erregularra)", ("string",),
     "El formato no es válido.", "Formatua ez da zuzena."),
)  # fmt: skip
for _id, _les, _leu, _kinds, _mes, _meu in _KEYWORDS:
    register(Validador(_id, _les, _leu, _id, _kinds, (_id,), _mes, _meu))

register(
    Validador(
        "fecha-relativa",
        "Fecha entre límites (relativos a hoy)",
        "Mugen arteko data (gaurtik abiatuta)",
        "x-date",
        ("date",),
        ("min", "max"),
        *MENSAJES_FECHA["between"],
    )
)
_PRESETS = (
    ("mayor-de-edad", "Mayor de edad (fecha de nacimiento)", "Adin nagusikoa (jaiotze-data)",
     {"max": "-P18Y"},
     "La persona debe tener al menos 18 años: revise la fecha de nacimiento.",
     "Pertsonak gutxienez 18 urte izan behar ditu: berrikusi jaiotze-data."),
    ("fecha-no-futura", "No posterior a hoy", "Ez gaur baino geroagokoa", {"max": "today"},
     *MENSAJES_FECHA["max-today"]),
    ("fecha-no-pasada", "No anterior a hoy", "Ez gaur baino lehenagokoa", {"min": "today"},
     *MENSAJES_FECHA["min-today"]),
    ("fecha-proximo-ano", "Dentro del próximo año", "Hurrengo urtearen barruan",
     {"min": "today", "max": "P1Y"},
     "Escriba una fecha entre hoy y dentro de un año.",
     "Idatzi gaurtik urtebete barrurako data bat."),
)  # fmt: skip
for _id, _les, _leu, _bounds, _mes, _meu in _PRESETS:
    _value = {**_bounds, "message_es": _mes, "message_eu": _meu}
    register(Validador(_id, _les, _leu, "x-date", ("date",), (), _mes, _meu, value=_value))

# Cross-field rules (``x-rules``): "compare" rules read ``field`` and ``other`` and show the
# error next to ``field``; "group" rules read ``fields``; "sum" rules add up ``fields`` and
# compare the sum with ``value`` or with the field ``other``.
_COMPARE = (
    ("after", "Fecha posterior a otra", "Beste bat baino geroagoko data", "date",
     "La fecha debe ser posterior a «%(otro)s».",
     "Data «%(otro)s» eremukoa baino geroagokoa izan behar da."),
    ("after-or-equal", "Fecha igual o posterior a otra", "Beste baten berdina edo geroagoko data",
     "date",
     "La fecha debe ser igual o posterior a «%(otro)s».",
     "Data «%(otro)s» eremukoaren berdina edo geroagokoa izan behar da."),
    ("before", "Fecha anterior a otra", "Beste bat baino lehenagoko data", "date",
     "La fecha debe ser anterior a «%(otro)s».",
     "Data «%(otro)s» eremukoa baino lehenagokoa izan behar da."),
    ("before-or-equal", "Fecha igual o anterior a otra", "Beste baten berdina edo lehenagoko data",
     "date",
     "La fecha debe ser igual o anterior a «%(otro)s».",
     "Data «%(otro)s» eremukoaren berdina edo lehenagokoa izan behar da."),
    ("greater", "Número mayor que otro", "Beste bat baino zenbaki handiagoa", "number",
     "Debe ser mayor que «%(otro)s».",
     "«%(otro)s» eremukoa baino handiagoa izan behar du."),
    ("greater-or-equal", "Número igual o mayor que otro", "Beste baten berdina edo handiagoa",
     "number",
     "Debe ser igual o mayor que «%(otro)s».",
     "«%(otro)s» eremukoaren berdina edo handiagoa izan behar du."),
    ("less", "Número menor que otro", "Beste bat baino zenbaki txikiagoa", "number",
     "Debe ser menor que «%(otro)s».",
     "«%(otro)s» eremukoa baino txikiagoa izan behar du."),
    ("less-or-equal", "Número igual o menor que otro", "Beste baten berdina edo txikiagoa",
     "number",
     "Debe ser igual o menor que «%(otro)s».",
     "«%(otro)s» eremukoaren berdina edo txikiagoa izan behar du."),
    ("equals", "Igual que otro dato (confirmación)", "Beste datu baten berdina (berrespena)",
     "any",
     "No coincide con «%(otro)s»; escríbalo igual.",
     "Ez dator bat «%(otro)s» eremuarekin; idatzi berdin."),
    ("different", "Distinto de otro dato", "Beste datu baten desberdina", "any",
     "Debe ser distinto de «%(otro)s».",
     "«%(otro)s» eremukoaren desberdina izan behar du."),
)  # fmt: skip
for _id, _les, _leu, _ops, _mes, _meu in _COMPARE:
    register(Validador(_id, _les, _leu, "x-rules", (), ("field", "other"), _mes, _meu, _ops))

register(
    Validador(
        "required-together",
        "Todos o ninguno",
        "Denak ala bat ere ez",
        "x-rules",
        (),
        ("fields",),
        "Si rellena «%(campo)s», rellene también este dato.",
        "«%(campo)s» betetzen baduzu, bete datu hau ere.",
        "any",
    )
)
register(
    Validador(
        "at-least-one-of",
        "Al menos uno de estos datos",
        "Datu hauetako bat gutxienez",
        "x-rules",
        (),
        ("fields",),
        "Rellene al menos uno de estos datos: %(campos)s.",
        "Bete datu hauetako bat gutxienez: %(campos)s.",
        "any",
    )
)
register(
    Validador(
        "sum-at-most",
        "Suma máxima",
        "Gehieneko batura",
        "x-rules",
        (),
        ("fields", "value", "other"),
        "La suma de %(campos)s no puede superar %(valor)s.",
        "%(campos)s eremuen batura ezin da %(valor)s baino handiagoa izan.",
        "number",
    )
)
register(
    Validador(
        "sum-equals",
        "Suma exacta",
        "Batura zehatza",
        "x-rules",
        (),
        ("fields", "value", "other"),
        "La suma de %(campos)s debe ser %(valor)s.",
        "%(campos)s eremuen baturak %(valor)s izan behar du.",
        "number",
    )
)

RULE_SHAPES: dict[str, str] = {
    **{c[0]: "compare" for c in _COMPARE},
    "required-together": "group",
    "at-least-one-of": "group",
    "sum-at-most": "sum",
    "sum-equals": "sum",
}
