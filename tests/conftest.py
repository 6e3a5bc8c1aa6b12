"""Shared fixtures: personas (tests/personas.py) and helpers for every app's tests."""

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.personas import *  # noqa: F401,F403


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _isolation():
    """Each test starts in Spanish with an empty cache (a /eu/ request activates Basque)."""
    translation.activate("es")
    cache.clear()
    yield
    translation.activate("es")
    cache.clear()
