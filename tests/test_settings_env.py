"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bilbao_sede.env import env_bool, env_choice, env_int, env_str

ROOT = Path(__file__).resolve().parent.parent
_PROBE = (
    "import bilbao_sede.settings.base as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
)


def _import_settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DEV_IDP_ENABLED", "CELERY_BROKER_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE,
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_env_bool_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='ture' is not a boolean"):
        env_bool("X_FLAG", False)


def test_env_int_and_choice_reject_bad_values(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 1, minimum=1)
    monkeypatch.setenv("X_CHOICE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("X_CHOICE", "local", {"local", "s3"})


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "s3cr3t"


def test_defaults_are_sqlite_and_eager_celery():
    result = _import_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_production_needs_a_secret_key():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_dev_identity_provider_cannot_be_forced_on_in_production():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50, DEV_IDP_ENABLED="true")
    assert "DEV_IDP_ENABLED cannot be on while DEBUG is off" in result.stderr


def test_a_broker_url_turns_eager_mode_off_and_postgres_urls_parse():
    result = _import_settings(
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_a_malformed_database_url_fails_loudly():
    result = _import_settings(DEBUG="true", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "sede.bilbao.eus"}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"FIRMA_VERIFY_RATE": "lots"}, "FIRMA_VERIFY_RATE='lots'"),
        ({"FIRMA_VALIDATE_RATE": "10/minute"}, "FIRMA_VALIDATE_RATE"),
        ({"SEDE_SCAN_BACKEND": "clamav please"}, "SEDE_SCAN_BACKEND"),
        ({"STORAGE_BACKEND": "s3"}, "S3_ACCESS_KEY_ID is required when STORAGE_BACKEND=s3"),
        (
            {"STORAGE_BACKEND": "s3", "S3_ACCESS_KEY_ID": "a", "S3_SECRET_ACCESS_KEY": ""},
            "S3_SECRET_ACCESS_KEY is required",
        ),
        ({"OIDC_ENABLED": "true"}, "OIDC_RP_CLIENT_ID is required when OIDC_ENABLED is on"),
        (
            {"OIDC_ENABLED": "true", "OIDC_RP_CLIENT_ID": "c", "OIDC_RP_CLIENT_SECRET": "s"},
            "OIDC_OP_JWKS_ENDPOINT is required",
        ),
        ({"SAML_ENABLED": "true"}, "SAML_SP_KEY_FILE is required when SAML_ENABLED is on"),
        (
            {"SAML_ENABLED": "true", "SAML_SP_KEY_FILE": "/no/key", "SAML_SP_CERT_FILE": "/c"},
            "SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL",
        ),
        ({"REDIS_URL": "redis//localhost:6379"}, "REDIS_URL="),
        ({"REDIS_URL": "redis://localhost:63a79/1"}, "REDIS_URL="),
        ({"CELERY_BROKER_URL": "redis://localhost:6379/zero"}, "CELERY_BROKER_URL="),
        ({"CELERY_BROKER_URL": "localhost:6379"}, "CELERY_BROKER_URL="),
        ({"TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, "TRUSTED_PROXIES"),
    ],
)
def test_a_bad_production_setting_stops_start_up_naming_the_variable(env, named):
    """Item 8: checked at start-up (importing the settings), not when first used."""
    result = _import_settings(**{**PRODUCTION, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_a_good_production_configuration_starts():
    result = _import_settings(
        **PRODUCTION,
        STORAGE_BACKEND="s3",
        S3_ACCESS_KEY_ID="a",
        S3_SECRET_ACCESS_KEY="b",
        CELERY_BROKER_URL="redis://redis:6379/0",
        REDIS_URL="redis://redis:6379/1",
        TRUSTED_PROXIES="10.0.0.0/8",
    )
    assert result.returncode == 0, result.stderr


def test_a_scanner_class_that_does_not_exist_stops_start_up(tmp_path):
    """The class is imported when the apps are ready (every process: web, worker, beat)."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bilbao_sede.settings.base",
            "DEBUG": "true",
            "SEDE_SCAN_BACKEND": "uploads.scanning.NoSuchBackend",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SEDE_SCAN_BACKEND" in result.stderr
