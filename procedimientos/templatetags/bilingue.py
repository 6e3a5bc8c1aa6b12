"""Bilingual content in templates, marked with its language (WCAG 3.1.2).

``{% bi proc "title" %}`` prints the value of ``title_eu`` on a Basque page and ``title_es``
otherwise; when a Basque page falls back to the Spanish text it is wrapped in
``<span lang="es">`` so that screen readers pronounce it as Spanish.
``{% lang_es_if_fallback proc "title" %}`` prints ` lang="es"` for use inside an element's tag.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from procedimientos.models.i18n import active_lang

register = template.Library()


def _fallback(obj, name: str) -> bool:
    if active_lang() != "eu":
        return False
    if isinstance(obj, dict):
        return not obj.get(f"{name}_eu") and bool(obj.get(f"{name}_es"))
    return not getattr(obj, f"{name}_eu", "") and bool(getattr(obj, f"{name}_es", ""))


def _value(obj, name: str) -> str:
    lang = active_lang()
    get = obj.get if isinstance(obj, dict) else lambda k, d="": getattr(obj, k, d)
    if lang == "eu" and get(f"{name}_eu", ""):
        return get(f"{name}_eu", "")
    return get(f"{name}_es", "")


@register.simple_tag
def bi(obj, name: str):
    value = _value(obj, name)
    if _fallback(obj, name):
        return format_html('<span lang="es">{}</span>', value)
    return value


@register.simple_tag
def lang_es_if_fallback(obj, name: str):
    return mark_safe(' lang="es"') if _fallback(obj, name) else ""  # noqa: S308 - constant


@register.simple_tag
def spanish_text(value):
    """A text that exists only in Spanish: marked as such on a Basque page."""
    if active_lang() == "eu" and value:
        return format_html('<span lang="es">{}</span>', value)
    return value
