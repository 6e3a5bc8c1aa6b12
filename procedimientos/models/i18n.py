"""Bilingual content: ``<name>_es`` / ``<name>_eu`` fields read in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def active_lang() -> str:
    return "eu" if (get_language() or "es").startswith("eu") else "es"


def pick(obj: Any, name: str) -> str:
    """The Basque value when the active language is Basque and it exists, else Spanish."""
    if active_lang() == "eu":
        value = getattr(obj, f"{name}_eu", "")
        if value:
            return value
    return getattr(obj, f"{name}_es", "")


def pick_dict(item: dict, name: str) -> str:
    """Same rule for a JSON item such as ``{"name_es": ..., "name_eu": ...}``."""
    if active_lang() == "eu" and item.get(f"{name}_eu"):
        return item[f"{name}_eu"]
    return item.get(f"{name}_es", "")
