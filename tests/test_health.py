"""Item 18: /healthz (liveness) and /readyz (database, broker, storage, seal key)."""

from __future__ import annotations

import pytest

from firma.keys import clear_signer_cache

pytestmark = pytest.mark.django_db


def test_healthz_answers_whatever_the_host(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_readyz_is_200_when_everything_is_reachable(client, council_seal):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert set(checks) == {"database", "broker", "storage", "seal"}
    assert all(v.startswith("ok") for v in checks.values())


def test_readyz_is_503_naming_an_unreachable_broker(client, council_seal, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"].startswith("ok")


def test_readyz_is_503_without_the_seal_key(client, settings, tmp_path):
    clear_signer_cache()
    settings.FIRMA_KEYSTORES = {
        "sello": {"backend": "pkcs12", "path": str(tmp_path / "none.p12"), "password": "x"}
    }
    try:
        response = client.get("/readyz")
    finally:
        clear_signer_cache()
    assert response.status_code == 503
    assert response.json()["checks"]["seal"].startswith("error")


def test_storage_init_creates_the_local_storage_and_is_idempotent(settings, tmp_path):
    from bilbao_sede.storage_init import storage_init

    settings.MEDIA_ROOT = tmp_path / "nueva" / "media"
    assert "ready" in storage_init()
    assert settings.MEDIA_ROOT.is_dir()
    assert "ready" in storage_init()
