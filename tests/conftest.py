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


DEMO_PKI_PASSWORD = "test-demo-pki"  # noqa: S105


@pytest.fixture(scope="session")
def demo_pki_dir(tmp_path_factory):
    """A demo PKI (CA, council seal, staff), made once per test process."""
    from firma.keys.demo_pki import ensure_demo_pki

    directory = tmp_path_factory.mktemp("demo-pki")
    return ensure_demo_pki(directory, password=DEMO_PKI_PASSWORD).directory


@pytest.fixture
def council_seal(settings, demo_pki_dir):
    """FIRMA_* settings pointed at the demo PKI, so services can seal with "sello"."""
    from firma.keys import clear_signer_cache
    from firma.keys.demo_pki import DemoPKI

    pki = DemoPKI(demo_pki_dir, DEMO_PKI_PASSWORD)
    settings.FIRMA_PKI_DIR = demo_pki_dir
    settings.FIRMA_KEYSTORES = pki.keystores()
    settings.FIRMA_TRUST_ANCHORS = str(pki.ca_pem)
    settings.FIRMA_REVOCATION_CHECK = False
    settings.FIRMA_TSA_URL = ""
    clear_signer_cache()
    yield pki
    clear_signer_cache()
