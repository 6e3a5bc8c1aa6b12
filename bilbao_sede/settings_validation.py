"""Settings checked at start-up: each problem stops the process naming the variable.

``validate_settings(globals())`` runs at the end of ``settings/base.py``, so a bad value stops
gunicorn, Celery and every ``manage.py`` command before anything is served (the README's
promise). Values are checked for shape only (nothing is contacted here); the malware scanner
class is imported when the registro app is ready (``registro.apps``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY_LENGTH = 50
RATE = re.compile(r"^\d+/\d*[smhd]$")
DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
REDIS_SCHEMES = {"redis", "rediss", "unix"}
BROKER_SCHEMES = REDIS_SCHEMES | {"amqp", "amqps", "pyamqp", "sentinel", "memory"}


def _fail(message: str) -> None:
    raise ImproperlyConfigured(message)


def _check_url(name: str, value: str, schemes: set[str]) -> None:
    try:
        parsed = urlparse(value)
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        _fail(f"{name}={value!r} is not a valid URL: {exc}.")
    if parsed.scheme not in schemes:
        _fail(f"{name}={value!r}: the scheme must be one of {sorted(schemes)}.")
    if parsed.scheme not in {"unix", "memory"} and not parsed.hostname:
        _fail(f"{name}={value!r} has no host.")
    if parsed.scheme in {"redis", "rediss"} and parsed.path.strip("/"):
        db = parsed.path.strip("/")
        if not db.isdigit():
            _fail(f"{name}={value!r}: the Redis database must be a number (redis://host:6379/0).")


def _check_http_url(name: str, value: str) -> None:
    parsed = urlparse(value or "")
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        _fail(f"{name}={value!r} is not an http(s) URL.")


def _require(s: dict[str, Any], reason: str, *names: str) -> None:
    for name in names:
        if not s.get(name):
            _fail(f"{name} is required when {reason}.")


def validate_settings(s: dict[str, Any]) -> None:
    """Raise ``ImproperlyConfigured`` naming the first bad variable in settings ``s``."""
    debug = bool(s.get("DEBUG"))
    if not debug:
        if len(s.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
            _fail(
                f"SECRET_KEY is too short ({len(s.get('SECRET_KEY') or '')} characters): use a "
                f"random value of at least {MIN_SECRET_KEY_LENGTH} characters."
            )
        if not s.get("ALLOWED_HOSTS"):
            _fail("ALLOWED_HOSTS is empty: list the host names the sede answers to.")
    for name in ("FIRMA_VERIFY_RATE", "FIRMA_VALIDATE_RATE", "PAGOS_NOTIFICATION_RATE"):
        value = s.get(name)
        if value is not None and not RATE.match(str(value)):
            _fail(f"{name}={value!r} is not a rate such as '20/m' (count/s, m, h or d).")
    backend = s.get("SEDE_SCAN_BACKEND") or ""
    if not DOTTED_PATH.match(backend):
        _fail(f"SEDE_SCAN_BACKEND={backend!r} is not a dotted path to a scanner class.")
    if s.get("STORAGE_BACKEND") == "s3":
        options = s["STORAGES"]["default"].get("OPTIONS", {})
        for name, key in (
            ("S3_BUCKET", "bucket_name"),
            ("S3_ACCESS_KEY_ID", "access_key"),
            ("S3_SECRET_ACCESS_KEY", "secret_key"),
        ):
            if not options.get(key):
                _fail(f"{name} is required when STORAGE_BACKEND=s3.")
        if options.get("endpoint_url"):
            _check_http_url("S3_ENDPOINT_URL", options["endpoint_url"])
    if s.get("OIDC_ENABLED"):
        reason = "OIDC_ENABLED is on"
        _require(s, reason, "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET")
        for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"):
            _check_http_url(name, s.get(name) or "")
        if s.get("OIDC_RP_SIGN_ALGO") != "HS256":
            _require(s, f"{reason} with {s.get('OIDC_RP_SIGN_ALGO')}", "OIDC_OP_JWKS_ENDPOINT")
            _check_http_url("OIDC_OP_JWKS_ENDPOINT", s["OIDC_OP_JWKS_ENDPOINT"])
    if s.get("SAML_ENABLED"):
        reason = "SAML_ENABLED is on"
        _require(s, reason, "SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE")
        if not (s.get("SAML_IDP_METADATA_FILE") or s.get("SAML_IDP_METADATA_URL")):
            _fail(
                "SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL is required when " + reason + "."
            )
        for name in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
            path = s.get(name)
            if path and not Path(path).is_file():
                _fail(f"{name}={path!r}: no such file.")
        if s.get("SAML_IDP_METADATA_URL"):
            _check_http_url("SAML_IDP_METADATA_URL", s["SAML_IDP_METADATA_URL"])
    if s.get("REDIS_URL"):
        _check_url("REDIS_URL", s["REDIS_URL"], REDIS_SCHEMES)
    if s.get("CELERY_BROKER_URL"):
        _check_url("CELERY_BROKER_URL", s["CELERY_BROKER_URL"], BROKER_SCHEMES)
    result = s.get("CELERY_RESULT_BACKEND") or ""
    if urlparse(result).scheme in REDIS_SCHEMES:
        _check_url("CELERY_RESULT_BACKEND", result, REDIS_SCHEMES)
    for proxy in s.get("TRUSTED_PROXIES") or ():
        _check_network("TRUSTED_PROXIES", proxy)


def _check_network(name: str, value: str) -> None:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        _fail(f"{name}: {value!r} is not an IP address or network (e.g. 10.0.0.0/8).")
