"""Código Seguro de Verificación (CSV, FIR-8): generation, normalisation, verification URL.

A code is 28 symbols of Crockford's base32 (no I, L, O or U), drawn with ``secrets``:
140 bits of entropy, so guessing one is hopeless even at millions of tries per second.
It is stored without separators and shown in groups of four: ``7K3Q-9WXD-...``.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 28
GROUP = 4
ENTROPY_BITS = CODE_LENGTH * 5

# Crockford's decoding: common misreadings map to the symbol they look like.
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def csv_generate() -> str:
    """A fresh random code (normalised form). Uniqueness is checked by the caller."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def csv_normalise(value: str) -> str | None:
    """The stored form of a code typed by a person, or None when it cannot be one.

    Accepts any case, spaces and dashes, and Crockford's look-alikes (O→0, I/L→1).
    """
    if not isinstance(value, str) or len(value) > 4 * CODE_LENGTH:
        return None
    code = _SEPARATORS.sub("", value).upper().translate(_MISREAD)
    if not _VALID.match(code):
        return None
    return code


def csv_format(code: str) -> str:
    """Group a stored code for people: ``XXXX-XXXX-...``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def csv_verification_url(code: str) -> str:
    """Absolute URL where anyone holding the code can verify the document."""
    return f"{settings.SITE_URL}/verificar/{csv_format(code)}/"
