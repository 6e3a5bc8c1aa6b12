"""Search normalisation shared by the services (on write) and the selectors (on read)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, without accents or diacritics, single spaces: «Licéncia  Ñ» → «licencia n»."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str) -> list[str]:
    """The normalised words of a query (each must appear), ignoring one-letter noise."""
    return [t for t in normalize(query).split(" ") if len(t) > 1][:8]
