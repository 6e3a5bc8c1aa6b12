"""Spanish identity numbers, checked with python-stdnum (never hand-written check letters)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.es import cif, dni, nie
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import clean

from .constants import TipoPersona


def normalize_nif(value: str) -> str:
    """Upper-case, without spaces, dots or dashes: ``12.345.678-z`` → ``12345678Z``."""
    return clean(value or "", " -./").upper().strip()


def kind_of_nif(value: str) -> str | None:
    """``dni``, ``nie`` or ``cif`` when ``value`` is a valid number of that kind, else None."""
    number = normalize_nif(value)
    for name, module in (("dni", dni), ("nie", nie), ("cif", cif)):
        try:
            module.validate(number)
        except StdnumError:
            continue
        return name
    return None


def validate_nif(value: str, tipo: str | None = None) -> str:
    """Validate a DNI/NIE (persona física) or CIF (persona jurídica); return it normalised.

    Raises ``ValidationError`` with a message the citizen understands.
    """
    number = normalize_nif(value)
    kind = kind_of_nif(number)
    if kind is None:
        raise ValidationError(
            _("«%(value)s» no es un DNI, NIE o CIF válido: revise el número y la letra."),
            code="invalid_nif",
            params={"value": value},
        )
    if tipo == TipoPersona.FISICA and kind == "cif":
        raise ValidationError(
            _("Una persona física se identifica con DNI o NIE, no con CIF."),
            code="cif_for_natural_person",
        )
    if tipo == TipoPersona.JURIDICA and kind != "cif":
        raise ValidationError(
            _("Una persona jurídica se identifica con su NIF (CIF), no con DNI o NIE."),
            code="dni_for_legal_person",
        )
    return number


def validate_dir3(value: str) -> None:
    """DIR3 codes are nine upper-case letters and digits, e.g. L01480209 (Bilbao)."""
    if not (len(value) == 9 and value.isalnum() and value.isupper() and value[0].isalpha()):
        raise ValidationError(
            _("«%(value)s» no es un código DIR3 válido (nueve caracteres, p. ej. L01480209)."),
            code="invalid_dir3",
            params={"value": value},
        )
