"""Catalogue search: every query word must match, as a substring or — through synonyms and,
on PostgreSQL, full-text stemming — as a related word.

* **PostgreSQL**: each word (and its synonyms) becomes a full-text query in the ``spanish``
  and ``basque`` configurations over ``search_text`` (kept unaccented and lower-case by the
  services), so verb forms and plurals match ("empadronarse" finds "empadronamiento"), and the
  synonym groups of ``data/sinonimos.yaml`` bridge different words ("empadronarse" → "padrón",
  "basura" → "residuos"). A GIN expression index (migration 0005) serves it. The substring
  match (trigram index, migration 0002) is kept, so a half-typed word still finds results.
* **SQLite** (demo and quick tests): no stemming; the substring match plus the synonym groups,
  so the listed forms work ("basura", "empadronarse") but an unlisted verb form does not.
"""

from __future__ import annotations

import functools
from operator import or_
from pathlib import Path

import yaml
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from .text import normalize, search_terms

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "sinonimos.yaml"
CONFIGS = ("spanish", "basque")
_REFLEXIVE = ("arse", "erse", "irse")


@functools.cache
def _groups() -> tuple[tuple[str, ...], ...]:
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    return tuple(tuple(normalize(w) for w in group) for group in data.get("grupos", []))


def _forms(term: str) -> set[str]:
    """The word and its obvious base forms (a reflexive infinitive without «se»)."""
    forms = {term}
    if term.endswith(_REFLEXIVE):
        forms.add(term[:-2])
    return forms


def alternatives(term: str) -> list[str]:
    """``term`` plus every synonym of a group it belongs to (normalised)."""
    forms = _forms(term)
    found = [term]
    for group in _groups():
        if forms & set(group):
            found += [w for w in group if w not in found]
    return found


def fts_vector() -> SearchVector:
    return SearchVector("search_text", config=CONFIGS[0]) + SearchVector(
        "search_text", config=CONFIGS[1]
    )


def _fts_query(words: list[str]) -> SearchQuery:
    queries = [SearchQuery(w, config=cfg, search_type="plain") for w in words for cfg in CONFIGS]
    return functools.reduce(or_, queries)


def search_filter(qs: QuerySet, query: str) -> QuerySet:
    """``qs`` (of a model with ``search_text``) narrowed to the rows matching every word."""
    terms = search_terms(query)
    if not terms:
        return qs
    postgres = connection.vendor == "postgresql"
    if postgres:
        qs = qs.annotate(_fts=fts_vector())
    for term in terms:
        words = alternatives(term)
        condition = functools.reduce(or_, [Q(search_text__contains=w) for w in words])
        if postgres:
            condition |= Q(_fts=_fts_query(words))
        qs = qs.filter(condition)
    return qs
