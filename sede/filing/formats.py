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


def check_nie(value: str) -> bool:
    from stdnum.es import nie

    return nie.is_valid(value)


def check_cif(value: str) -> bool:
    from stdnum.es import cif

    return cif.is_valid(value)


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
    "nie": (
        check_nie,
        gettext_lazy("Escriba un NIE válido: X, Y o Z, siete cifras y la letra de control."),
    ),
    "cif": (
        check_cif,
        gettext_lazy(
            "Escriba el NIF de una entidad válido: una letra, siete cifras y el carácter de "
            "control."
        ),
    ),
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
    # Values used by the starter catalogue's forms (a definition may give its own
    # x-enum-titles / x-enum-titles-eu instead).
    "0": gettext_lazy("Etiqueta 0 (cero emisiones)"),
    "eco": gettext_lazy("Etiqueta ECO"),
    "c": gettext_lazy("Etiqueta C"),
    "b": gettext_lazy("Etiqueta B"),
    "sin_distintivo": gettext_lazy("Sin distintivo ambiental"),
    "accesibilidad": gettext_lazy("Accesibilidad"),
    "alquiler": gettext_lazy("Alquiler"),
    "alta": gettext_lazy("Alta"),
    "baja": gettext_lazy("Baja"),
    "andamio": gettext_lazy("Andamio"),
    "bano": gettext_lazy("Baño"),
    "busca_empleo": gettext_lazy("Busca empleo"),
    "calefaccion": gettext_lazy("Calefacción"),
    "cambio_domicilio": gettext_lazy("Cambio de domicilio"),
    "cambio_vehiculo": gettext_lazy("Cambio de vehículo"),
    "castellano": gettext_lazy("Castellano"),
    "cocina": gettext_lazy("Cocina"),
    "contenedor": gettext_lazy("Contenedor"),
    "conyuge_pareja": gettext_lazy("Cónyuge o pareja"),
    "elementos_comunes": gettext_lazy("Elementos comunes del edificio"),
    "empresa_uso_exclusivo": gettext_lazy("Vehículo de empresa de uso exclusivo"),
    "endeudamiento": gettext_lazy("Endeudamiento"),
    "energia": gettext_lazy("Energía (luz, gas, agua)"),
    "estudia": gettext_lazy("Estudia"),
    "euskera": gettext_lazy("Euskera"),
    "fachada": gettext_lazy("Fachada"),
    "frances": gettext_lazy("Francés"),
    "grua_movil": gettext_lazy("Grúa móvil"),
    "hijo_hija": gettext_lazy("Hijo o hija"),
    "ingles": gettext_lazy("Inglés"),
    "instalacion_electrica": gettext_lazy("Instalación eléctrica"),
    "intereses_hipoteca": gettext_lazy("Intereses de la hipoteca"),
    "local": gettext_lazy("Local"),
    "mobiliario": gettext_lazy("Mobiliario"),
    "necesidades_basicas": gettext_lazy("Necesidades básicas"),
    "nuda_propiedad": gettext_lazy("Nuda propiedad"),
    "otra": gettext_lazy("Otra"),
    "otras": gettext_lazy("Otras"),
    "otro": gettext_lazy("Otro"),
    "progenitor": gettext_lazy("Padre o madre"),
    "propiedad": gettext_lazy("Propiedad"),
    "propiedad_hipoteca": gettext_lazy("Propiedad con hipoteca"),
    "renting_leasing": gettext_lazy("Renting o leasing"),
    "reparaciones": gettext_lazy("Reparaciones"),
    "subarriendo": gettext_lazy("Subarriendo"),
    "titular": gettext_lazy("Titular del vehículo"),
    "trabaja": gettext_lazy("Trabaja"),
    "usufructo": gettext_lazy("Usufructo"),
    "vallado": gettext_lazy("Vallado"),
    "ventanas": gettext_lazy("Ventanas"),
    "vivienda": gettext_lazy("Vivienda"),
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
