"""Spanish identifiers checked with python-stdnum (NIF, IBAN, cadastral reference, plate),
and the labels of choices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

MODERN_PLATE = re.compile(r"^[0-9]{4}[BCDFGHJKLMNPRSTVWXYZ]{3}$")
OLD_PLATE = re.compile(r"^[A-Z]{1,2}[0-9]{4}[A-Z]{0,2}$")


def compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", str(value)).upper()


def check_nif(value: str) -> bool:
    from stdnum.es import nif

    return nif.is_valid(value)


def check_iban(value: str) -> bool:
    from stdnum import iban

    return iban.is_valid(value)


def check_referencia_catastral(value: str) -> bool:
    from stdnum.es import referenciacatastral

    return referenciacatastral.is_valid(value)


def check_matricula(value: str) -> bool:
    """Spanish number plates: current (0000 BBB, no vowels, Ñ or Q) or provincial (BI-1234-AB)."""
    value = compact(value)
    return bool(MODERN_PLATE.match(value) or OLD_PLATE.match(value))


FORMATS: dict[str, tuple[Any, Any]] = {
    "nif": (check_nif, gettext_lazy("Escriba un DNI, NIE o NIF válido, con su letra de control.")),
    "iban": (
        check_iban,
        gettext_lazy("Escriba un IBAN válido (ES y 22 cifras); compruebe los dígitos de control."),
    ),
    "referencia-catastral": (
        check_referencia_catastral,
        gettext_lazy(
            "Escriba una referencia catastral válida (20 caracteres); compruebe los dos "
            "caracteres de control del final."
        ),
    ),
    "matricula": (
        check_matricula,
        gettext_lazy("Escriba una matrícula válida, por ejemplo 1234 BCD o BI-1234-AB."),
    ),
}


def format_of(name: str, schema: Mapping) -> str | None:
    declared = schema.get("format") or schema.get("x-format")
    if declared in FORMATS:
        return declared
    if schema.get("type") != "string" or "enum" in schema:
        return None
    if name == "nif" or name.startswith("nif_"):
        return "nif"
    if name == "iban":
        return "iban"
    if name == "referencia_catastral":
        return "referencia-catastral"
    if name.startswith("matricula"):
        return "matricula"
    return None


# --- Labels of common choices (others are shown humanised) ------------------------------

CHOICE_LABELS = {
    "fisica": gettext_lazy("Persona física"),
    "juridica": gettext_lazy("Persona jurídica"),
    "electronica": gettext_lazy("Electrónica, en la sede (recomendada)"),
    "postal": gettext_lazy("En papel, por correo postal"),
}


def choice_label(schema: Mapping, value: Any, lang: str) -> str:
    titles = schema.get("x-enum-titles-eu" if lang == "eu" else "x-enum-titles")
    if isinstance(titles, list | tuple):
        try:
            return str(titles[list(schema.get("enum", [])).index(value)])
        except (ValueError, IndexError):
            pass
    if value in CHOICE_LABELS:
        return str(CHOICE_LABELS[value])
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]
