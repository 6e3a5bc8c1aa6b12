"""``uploads.clean_name``: the file name without a path or control characters. Its fast path
(a printable name is kept as it is, issue 10) drops exactly what the per-character filter
drops, for every Unicode character."""

from __future__ import annotations

import sys
import unicodedata

from uploads import clean_name


def _filtered(nombre: str) -> str:
    """The rule itself: drop every character of a Unicode "C" category."""
    return "".join(c for c in nombre if unicodedata.category(c)[0] != "C").strip()


def test_every_character_is_kept_or_dropped_as_by_its_category():
    for code in range(sys.maxunicode + 1):
        nombre = f"a{chr(code)}b"
        if chr(code) in "/\\":
            continue  # a path separator: the name is what follows it
        assert clean_name(nombre) == _filtered(nombre), hex(code)


def test_a_name_keeps_its_letters_and_loses_path_and_controls():
    assert clean_name("C:\\docs\\solicitud ñ.pdf") == "solicitud ñ.pdf"
    assert clean_name("../../etc/pass\x00wd\u200b.pdf") == "passwd.pdf"
    assert clean_name("  informe\u2028final.pdf  ") == "informe\u2028final.pdf"
    assert clean_name("x" * 300, max_length=255) == "x" * 255
