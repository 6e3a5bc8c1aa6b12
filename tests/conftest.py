"""Shared fixtures: personas (tests/personas.py) and helpers for every app's tests."""

import pytest

from tests.personas import *  # noqa: F401,F403


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
