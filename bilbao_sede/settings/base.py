"""Bilbao Sede settings: one module, driven by environment variables.

Production differs from the demo only by the environment (see ``docs/configuration.md``).
Embedded defaults: SQLite file, Celery eager (no broker), local file storage, console
e-mail and the development identity provider (only while ``DEBUG`` is on).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bilbao_sede.env import env_bool, env_choice, env_int, env_list, env_str
from bilbao_sede.settings_validation import validate_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "bilbao_sede.admin_site.SedeAdminConfig",  # django.contrib.admin, navigation cached
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "mozilla_django_oidc",
    "djangosaml2",
    "axes",
    # Our apps, in dependency order (design.md).
    "uploads",
    "identidad",
    "calendario",
    "firma",
    "procedimientos",
    "apoderamientos",
    "registro",
    "expedientes",
    "notificaciones",
    "tablon",
    "pagos",
    "sede",
    "gestion",
]

MIDDLEWARE = [
    "bilbao_sede.health.HealthMiddleware",  # /healthz, /readyz: before host checks
    "django.middleware.security.SecurityMiddleware",
    "bilbao_sede.middleware.MachineEndpointMiddleware",  # SIR inbound: its view, its token
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bilbao_sede.middleware.SessionRefreshMiddleware",  # idle expiry, one save a minute
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bilbao_sede.bad_input.BadInputMiddleware",  # NUL, deep JSON, oversize: 4xx, never 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "identidad.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bilbao_sede.middleware.ContentSecurityPolicyMiddleware",
    "bilbao_sede.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it wraps the view only: sessions and users are read from the primary.
    "bilbao_sede.db_router.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "bilbao_sede.urls"
WSGI_APPLICATION = "bilbao_sede.wsgi.application"
ASGI_APPLICATION = "bilbao_sede.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sede.context_processors.sede",
            ],
        },
    },
]
# Django's form renderer with the plain widgets written out in Python: the same HTML
# without a template render per option and per attribute list (bilbao_sede/form_renderer.py).
FORM_RENDERER = "bilbao_sede.form_renderer.FastWidgetRenderer"

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # dj-database-url raises several types on a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Optional streaming replica of the primary for lag-tolerant reads (catalogue, /verificar/,
# registry book): bilbao_sede/db_router.py decides, README "Scaling" explains.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except Exception as exc:  # noqa: BLE001 - dj-database-url raises several types
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from exc
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a replica of DATABASE_URL.")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Behind PgBouncer in transaction pooling mode a cursor cannot outlive its transaction.
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)
for _alias in DATABASES.values():
    _alias["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_PGBOUNCER
DATABASE_ROUTERS = ["bilbao_sede.db_router.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication ---------------------------------------------------------
AUTH_USER_MODEL = "identidad.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # staff password logins: lockout (see Security)
    "django.contrib.auth.backends.ModelBackend",
    "identidad.backends.oidc.GiltzaOIDCBackend",
    "identidad.backends.staff_oidc.StaffOIDCBackend",
    "identidad.backends.saml.ClaveSaml2Backend",
    "identidad.backends.dev.DevIdPBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "identidad:login"
LOGIN_REDIRECT_URL = "sede:mi_carpeta"
LOGOUT_REDIRECT_URL = "sede:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row

# Development identity provider: pick a demo persona and a method. Refused unless DEBUG.
DEV_IDP_ENABLED = env_bool("DEV_IDP_ENABLED", DEBUG)
if DEV_IDP_ENABLED and not DEBUG:
    raise ImproperlyConfigured("DEV_IDP_ENABLED cannot be on while DEBUG is off.")

# OpenID Connect (Izenpe Giltza by default; any provider works). legal.md ID-4.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Giltza")
_GILTZA = "https://eidas.izenpe.com"
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", f"{_GILTZA}/trustedx-authserver/oauth/izenpe"
)
OIDC_OP_TOKEN_ENDPOINT = env_str(
    "OIDC_OP_TOKEN_ENDPOINT", f"{_GILTZA}/trustedx-authserver/oauth/izenpe/token"
)
OIDC_OP_USER_ENDPOINT = env_str(
    "OIDC_OP_USER_ENDPOINT", f"{_GILTZA}/trustedx-resources/openid/v1/users/me"
)
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_choice("OIDC_RP_SIGN_ALGO", "RS256", {"RS256", "HS256", "ES256"})
OIDC_RP_SCOPES = env_str(
    "OIDC_RP_SCOPES",
    "openid urn:izenpe:identity:global urn:izenpe:fea:properties urn:safelayer:eidas:authn_details",
)
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_NIF_CLAIM = env_str("OIDC_NIF_CLAIM", "dni")
# acr_values per method, and the level of assurance each one gives.
OIDC_ACR_VALUES = {
    "bakq": env_str("OIDC_ACR_BAKQ", "urn:safelayer:tws:policies:authentication:flow:bakq"),
    "cert": env_str("OIDC_ACR_CERT", "urn:safelayer:tws:policies:authentication:flow:cert"),
    "mobile": env_str(
        "OIDC_ACR_MOBILE",
        "urn:safelayer:tws:policies:authentication:flow:izmobileid:citizen_prof",
    ),
}
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
# Giltza's token endpoint takes the client credentials by HTTP Basic (ID-4).
OIDC_TOKEN_USE_BASIC_AUTH = True
# identidad.oidc: choice of method → acr_values; session method/level, audit, clear refusals.
OIDC_AUTHENTICATE_CLASS = "identidad.oidc.GiltzaAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "identidad.oidc.GiltzaAuthenticationCallbackView"
OIDC_AUTH_REQUEST_EXTRA_PARAMS: dict[str, str] = {}

# Staff sign-in (ENS medium; identidad.staff_auth): the council's own OIDC provider, or a
# password plus a TOTP second factor (django-otp) where none is configured.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", not DEBUG)
STAFF_SESSION_MAX_AGE = env_int("STAFF_SESSION_MAX_AGE", 8 * 3600, minimum=300)
STAFF_LOGIN_REDIRECT_URL = "gestion:home"
STAFF_OIDC_ENABLED = env_bool("STAFF_OIDC_ENABLED", False)
STAFF_PASSWORD_LOGIN = env_bool("STAFF_PASSWORD_LOGIN", not STAFF_OIDC_ENABLED)
STAFF_OIDC_PROVIDER_NAME = env_str("STAFF_OIDC_PROVIDER_NAME", "Identidad corporativa")
STAFF_OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("STAFF_OIDC_OP_AUTHORIZATION_ENDPOINT", "")
STAFF_OIDC_OP_TOKEN_ENDPOINT = env_str("STAFF_OIDC_OP_TOKEN_ENDPOINT", "")
STAFF_OIDC_OP_USER_ENDPOINT = env_str("STAFF_OIDC_OP_USER_ENDPOINT", "")
STAFF_OIDC_OP_JWKS_ENDPOINT = env_str("STAFF_OIDC_OP_JWKS_ENDPOINT", "")
STAFF_OIDC_RP_CLIENT_ID = env_str("STAFF_OIDC_RP_CLIENT_ID", "")
STAFF_OIDC_RP_CLIENT_SECRET = env_str("STAFF_OIDC_RP_CLIENT_SECRET", "")
STAFF_OIDC_RP_SIGN_ALGO = env_choice(
    "STAFF_OIDC_RP_SIGN_ALGO", "RS256", {"RS256", "HS256", "ES256"}
)
STAFF_OIDC_RP_SCOPES = env_str("STAFF_OIDC_RP_SCOPES", "openid email profile")
STAFF_OIDC_USE_PKCE = env_bool("STAFF_OIDC_USE_PKCE", True)
STAFF_OIDC_TOKEN_USE_BASIC_AUTH = env_bool("STAFF_OIDC_TOKEN_USE_BASIC_AUTH", False)
STAFF_OIDC_USERNAME_CLAIM = env_str("STAFF_OIDC_USERNAME_CLAIM", "preferred_username")
STAFF_OIDC_CREATE_USER = False  # staff accounts are provisioned by administrators
STAFF_OIDC_STORE_ID_TOKEN = False
if STAFF_OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "STAFF_OIDC_OP_AUTHORIZATION_ENDPOINT",
            "STAFF_OIDC_OP_TOKEN_ENDPOINT",
            "STAFF_OIDC_OP_USER_ENDPOINT",
            "STAFF_OIDC_RP_CLIENT_ID",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"STAFF_OIDC_ENABLED needs {', '.join(_missing)}.")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Bilbao Sede")

# SAML 2.0 (Cl@ve, eIDAS levels). legal.md ID-3. Configured in identidad.saml.
SAML_ENABLED = env_bool("SAML_ENABLED", False)
SAML_IDP_METADATA_FILE = env_str("SAML_IDP_METADATA_FILE", "")
SAML_IDP_METADATA_URL = env_str("SAML_IDP_METADATA_URL", "")
SAML_SP_KEY_FILE = env_str("SAML_SP_KEY_FILE", "")
SAML_SP_CERT_FILE = env_str("SAML_SP_CERT_FILE", "")
SAML_DEFAULT_LOA = env_choice("SAML_DEFAULT_LOA", "substantial", {"low", "substantial", "high"})
SAML_SESSION_COOKIE_NAME = "saml_session"
SAML_CREATE_UNKNOWN_USER = True
SAML_ATTRIBUTE_MAPPING: dict[str, tuple[str, ...]] = {}
SAML_CONFIG: dict = {}  # built lazily by identidad.saml.build_saml_config()
SAML_CONFIG_LOADER = "identidad.saml.saml_config_loader"
SAML_CSP_HANDLER = ""  # our own ContentSecurityPolicyMiddleware sets the header
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "identidad.saml.acs_failure"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SAML2_CUSTOM_POST_BINDING_FORM_TEMPLATE = "identidad/saml_post_binding_form.html"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("eu", _("Euskara"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Number and date formats per language (es: «1.250,50 €»); see bilbao_sede/formats/.
FORMAT_MODULE_PATH = ["bilbao_sede.formats"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")) or "")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")) or "")
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", {"local", "s3"})
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", "bilbao-sede"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("S3_REGION", "eu-south-2"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Bilbao Sede <sede@bilbao.eus>")

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing never blocks a citizen's request for long (issue 17 item 4): a broker that does
# not answer within these timeouts fails the publish at once, with no retry loop in the
# request; the work is recorded in the database first (outbox) and the sweep publishes it.
# ("max_retries": 0 bounds the publisher's connection; the worker's consumer reconnects on its
# own, with CELERY_BROKER_CONNECTION_MAX_RETRIES.)
CELERY_BROKER_PUBLISH_TIMEOUT = env_int("CELERY_BROKER_PUBLISH_TIMEOUT", 2, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600, minimum=1),
    "socket_connect_timeout": CELERY_BROKER_PUBLISH_TIMEOUT,
    "socket_timeout": max(CELERY_BROKER_PUBLISH_TIMEOUT, 5),
    "max_retries": 0,
    # Look for the messages of a lost worker every 10 s (kombu's default scans only every
    # 10th sweep, ~100 s): a task whose worker died comes back once its visibility timeout
    # has passed, not minutes later.
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_PUBLISH_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_PUBLISH_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = max(CELERY_BROKER_PUBLISH_TIMEOUT, 5)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
}
CELERY_TASK_TIME_LIMIT = 600
# The worker keeps its database connection from one task to the next, as the web keeps its
# own between requests (CONN_MAX_AGE): Celery's Django fixup otherwise closes it before and
# after every task, and each task paid for a new PostgreSQL backend (~12 ms of CPU, two per
# filing — issue 17 item 17). ``bilbao_sede.celery`` still drops it when unusable (an error,
# a transaction left open) or older than CONN_MAX_AGE, as Django does between requests; the
# fixup also recycles it after this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "audit-verify-daily": {"task": "identidad.tasks.audit_verify_task", "schedule": 24 * 3600},
    # The audit trail's sequencer: rows are appended unchained and chained here.
    "audit-chain": {"task": "identidad.tasks.audit_chain_task", "schedule": 10},
    # Sealed checkpoints of the registry's and the audit trail's chain heads.
    "registro-anclaje": {"task": "registro.tasks.anclaje_seal_task", "schedule": 600},
    "registro-justificantes-sweep": {
        "task": "registro.tasks.justificantes_sweep_task",
        "schedule": 120,
    },
    "procedimientos-avance-snapshot-daily": {
        "task": "procedimientos.tasks.avance_snapshot_task",
        "schedule": 24 * 3600,
    },
    "apoderamientos-sweep": {
        "task": "apoderamientos.tasks.apoderamientos_sweep_task",
        "schedule": 3600,
    },
    "firma-portafirmas-sweep": {"task": "firma.tasks.portafirmas_sweep_task", "schedule": 3600},
    "sede-drafts-expire": {"task": "sede.tasks.borradores_expire_task", "schedule": 3600},
    # Design.md step 6: case files of filings whose opening after commit was lost.
    "sede-expedientes-sweep": {
        "task": "sede.tasks.expedientes_pendientes_sweep_task",
        "schedule": 120,
    },
    "registro-documentos-rescan": {  # REG-11 (does nothing without a malware scanner)
        "task": "registro.tasks.documentos_rescan_task",
        "schedule": 3600,
    },
    "expedientes-requerimientos-vencidos": {
        "task": "expedientes.tasks.requerimientos_vencidos_task",
        "schedule": 3600,
    },
    "expedientes-documentos-inseguros": {
        "task": "expedientes.tasks.documentos_inseguros_task",
        "schedule": 600,
    },
    "expedientes-resoluciones-sync": {
        "task": "expedientes.tasks.resoluciones_sync_task",
        "schedule": 120,
    },
    # Hourly so that a missed run (beat down at midnight) is caught up within the hour;
    # the task seals only the finished days that lack a digest (idempotent).
    "tablon-resumenes-diarios": {"task": "tablon.tasks.resumenes_diarios_task", "schedule": 3600},
    "registro-sir-sweep": {"task": "registro.sir.tasks.intercambios_sweep_task", "schedule": 30},
    "notificaciones-expire": {
        "task": "notificaciones.tasks.notificaciones_expire_task",
        "schedule": 60,
    },
    "notificaciones-pendientes": {"task": "notificaciones.tasks.pendientes_task", "schedule": 30},
    "notificaciones-recordatorios": {
        "task": "notificaciones.tasks.recordatorios_task",
        "schedule": 900,
    },
    "notificaciones-sweep": {
        "task": "notificaciones.tasks.notificaciones_sweep_task",
        "schedule": 600,
    },
}

# --- Notificaciones (docs/notificaciones.md) --------------------------------------------
# NOT-6: when an unopened electronic notification is deemed rejected (notificaciones/plazos.py).
NOTIFICACIONES_EXPIRY_MODE = env_choice(
    "NOTIFICACIONES_EXPIRY_MODE", "fin_de_dia", {"fin_de_dia", "exacto"}
)
NOTIFICACIONES_REMINDER_HOURS = env_int("NOTIFICACIONES_REMINDER_HOURS", 48, minimum=1)
# First retry of a failed aviso after this many seconds, doubling each time (five retries).
NOTIFICACIONES_AVISO_RETRY_SECONDS = env_int("NOTIFICACIONES_AVISO_RETRY_SECONDS", 60, minimum=1)
NOTIFICACIONES_SMS_BACKEND = env_str(
    "NOTIFICACIONES_SMS_BACKEND",
    "notificaciones.backends.sms.FileSmsBackend"
    if DEBUG
    else "notificaciones.backends.sms.ConsoleSmsBackend",
)
NOTIFICACIONES_SMS_FILE_PATH = env_str(
    "NOTIFICACIONES_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.log")
)
NOTIFICACIONES_CHANNELS = env_list(
    "NOTIFICACIONES_CHANNELS", ["notificaciones.backends.sede.SedeChannel"]
)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bilbao Sede API",
    "DESCRIPTION": "API of the sede electrónica of Bilbao City Council.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served by the platform itself (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every error answer an operation can give is declared (bilbao_sede.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bilbao_sede.openapi.document_error_responses",
    ],
}

# --- Registry exchange with other administrations (SIR, SICRES 4.0; docs/sir.md) --------
# The transport adapter (registro.sir.backends): the local peer (HTTP between registry
# offices) or the adapter of the State's SIR node.
REGISTRO_SIR_BACKEND = env_str(
    "REGISTRO_SIR_BACKEND", "registro.sir.backends.local.LocalPeerBackend"
)
# Local peers as JSON: {"<entity code>": {"url": "https://.../api/registro/sir/mensajes/",
# "token": "..."}}; empty: no peer (exchanges stay pending).
REGISTRO_SIR_PEERS = env_str("REGISTRO_SIR_PEERS", "") or ""
# Token other offices present to send messages here; empty: the inbound endpoint is off (404).
REGISTRO_SIR_INBOUND_TOKEN = env_str("REGISTRO_SIR_INBOUND_TOKEN", "") or ""
REGISTRO_SIR_XSD_DIR = Path(
    env_str("REGISTRO_SIR_XSD_DIR", str(BASE_DIR.parent / "shared" / "schemas" / "sicres")) or ""
)
REGISTRO_SIR_MAX_MESSAGE_BYTES = env_int(
    "REGISTRO_SIR_MAX_MESSAGE_BYTES", 80 * 1024 * 1024, minimum=64 * 1024
)
REGISTRO_SIR_TIMEOUT = env_int("REGISTRO_SIR_TIMEOUT", 30, minimum=1)
REGISTRO_SIR_MAX_ATTEMPTS = env_int("REGISTRO_SIR_MAX_ATTEMPTS", 30, minimum=1)

# --- Council identity -----------------------------------------------------------------
COUNCIL_NAME = env_str("COUNCIL_NAME", "Ayuntamiento de Bilbao")
COUNCIL_NAME_EU = env_str("COUNCIL_NAME_EU", "Bilboko Udala")
COUNCIL_DIR3 = env_str("COUNCIL_DIR3", "L01480209")

# --- Case files (expedientes) ---------------------------------------------------------------
# EXP-2: the name written in the electronic index's FuncionResumen (the digest is SHA-256; the
# exact value of the NTI catalogue is unverified, so it is configurable).
EXPEDIENTES_FUNCION_RESUMEN = env_str("EXPEDIENTES_FUNCION_RESUMEN", "SHA256")

# --- Sede content (SEDE-2, SEDE-3, TIME-1) -----------------------------------------------
SEDE_CREATION_ACT = env_str("SEDE_CREATION_ACT", "")
SEDE_OFFICIAL_TIME_ZONE = env_str("SEDE_OFFICIAL_TIME_ZONE", "Europe/Madrid")
SEDE_TIME_SOURCE = env_str("SEDE_TIME_SOURCE", "Real Instituto y Observatorio de la Armada")
SEDE_TIME_NTP_SERVER = env_str("SEDE_TIME_NTP_SERVER", "hora.roa.es")
SEDE_ACCESSIBILITY_EMAIL = env_str("SEDE_ACCESSIBILITY_EMAIL", "accesibilidad@bilbao.eus")
SEDE_ACCESSIBILITY_STATEMENT_DATE = env_str("SEDE_ACCESSIBILITY_STATEMENT_DATE", "2026-11-30")
SEDE_DPO_EMAIL = env_str("SEDE_DPO_EMAIL", "dpd@bilbao.eus")
# Research data (holidays.csv ...) used by the demo loaders when present.
SHARED_REFERENCE_DIR = Path(
    env_str("SHARED_REFERENCE_DIR", str(BASE_DIR.parent / "shared" / "reference")) or ""
)

# --- Firma: signing keys, trust anchors, revocation, timestamps (firma.keys) ----------
FIRMA_PKI_DIR = Path(env_str("FIRMA_PKI_DIR", str(BASE_DIR / "var" / "pki")) or "")
FIRMA_KEYSTORE_PASSWORD = env_str("FIRMA_KEYSTORE_PASSWORD", "demo-firma")
FIRMA_KEYSTORES: dict = {
    "sello": {
        "backend": "pkcs12",
        "path": str(FIRMA_PKI_DIR / "sello.p12"),
        "password": FIRMA_KEYSTORE_PASSWORD,
    },
    "*": {  # staff signers by name
        "backend": "pkcs12",
        "path": str(FIRMA_PKI_DIR / "staff" / "{name}.p12"),
        "password": FIRMA_KEYSTORE_PASSWORD,
    },
}
if env_str("FIRMA_SELLO_PKCS11_MODULE"):  # the seal on an HSM
    FIRMA_KEYSTORES["sello"] = {
        "backend": "pkcs11",
        "module": env_str("FIRMA_SELLO_PKCS11_MODULE"),
        "token_label": env_str("FIRMA_SELLO_PKCS11_TOKEN", "sello"),
        "key_label": env_str("FIRMA_SELLO_PKCS11_KEY", "sello"),
        "pin": env_str("FIRMA_SELLO_PKCS11_PIN", ""),
    }
FIRMA_TRUST_ANCHORS = env_str("FIRMA_TRUST_ANCHORS", str(FIRMA_PKI_DIR / "ca.pem"))
# Revocation on by default in production (embedded data first, then FIRMA_CRLS and the
# allow-listed OCSP/CRL hosts); off by default only with DEBUG (demo, tests).
FIRMA_REVOCATION_CHECK = env_bool("FIRMA_REVOCATION_CHECK", not DEBUG)
FIRMA_CRLS = env_list("FIRMA_CRLS", [])
FIRMA_REVOCATION_HOSTS = env_list("FIRMA_REVOCATION_HOSTS", [])
FIRMA_TSA_URL = env_str("FIRMA_TSA_URL", "")
FIRMA_SIGNATURE_POLICIES_FILE = env_str("FIRMA_SIGNATURE_POLICIES_FILE", "")
FIRMA_SIGNING_POLICY = env_str("FIRMA_SIGNING_POLICY", "2.16.724.1.3.1.1.2.1.9")
FIRMA_RETIMESTAMP_BEFORE_DAYS = env_int("FIRMA_RETIMESTAMP_BEFORE_DAYS", 90, minimum=1)
CELERY_BEAT_SCHEDULE["firma-retimestamp-daily"] = {
    "task": "firma.tasks.sellos_retimestamp_task",
    "schedule": 24 * 3600,
}
FIRMA_VERIFY_RATE = env_str("FIRMA_VERIFY_RATE", "20/m")
FIRMA_VALIDATE_RATE = env_str("FIRMA_VALIDATE_RATE", "10/m")
FIRMA_REMINDER_BEFORE_HOURS = env_int("FIRMA_REMINDER_BEFORE_HOURS", 24, minimum=1)
FIRMA_REMINDER_EVERY_HOURS = env_int("FIRMA_REMINDER_EVERY_HOURS", 24, minimum=1)

# --- Sede: citizen filing (sede.filing) ------------------------------------------------
SEDE_DRAFT_EXPIRY_DAYS = env_int("SEDE_DRAFT_EXPIRY_DAYS", 30, minimum=1)
SEDE_MAX_FILE_BYTES = env_int("SEDE_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024)
SEDE_MAX_SUBMISSION_BYTES = env_int("SEDE_MAX_SUBMISSION_BYTES", 40 * 1024 * 1024, minimum=1024)
SEDE_MAX_FILES = env_int("SEDE_MAX_FILES", 20, minimum=1)
# The one upload policy (the ``uploads`` package) scans every document, whatever its channel.
SEDE_SCAN_BACKEND = env_str("SEDE_SCAN_BACKEND", "uploads.scanning.NoScanBackend")
SEDE_CLAMD_SOCKET = env_str("SEDE_CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
SEDE_SIGNATURE_MIN_LEVEL = env_int("SEDE_SIGNATURE_MIN_LEVEL", 2, minimum=1)
# REG-5: a download that finds a worker sealing the receipt right now waits this long for that
# seal (on the claim's lock, no polling) before falling back to the provisional copy.
SEDE_RECEIPT_WAIT_MS = env_int("SEDE_RECEIPT_WAIT_MS", 3000, minimum=0)
# Prefill sources (sede.fuentes): municipal registers behind a back-end class; the default
# back-ends read a JSON file keyed by NIF (the demo's, with DEBUG; none in production).
# The Bilbao street list of the postal-address block (procedimientos.formularios.calles): the
# shipped list is partial, so a street outside it is only refused once the full callejero of
# Open Data Bilbao is configured and declared complete.
CALLEJERO_FILE = env_str("CALLEJERO_FILE", "")
CALLEJERO_COMPLETO = env_bool("CALLEJERO_COMPLETO", False)
SEDE_PREFILL_PADRON_BACKEND = env_str(
    "SEDE_PREFILL_PADRON_BACKEND", "sede.fuentes.municipales.FicheroPadron"
)
SEDE_PREFILL_PADRON_FILE = env_str(
    "SEDE_PREFILL_PADRON_FILE", str(BASE_DIR / "sede/fuentes/demo/padron.json") if DEBUG else ""
)
SEDE_PREFILL_TRIBUTOS_BACKEND = env_str(
    "SEDE_PREFILL_TRIBUTOS_BACKEND", "sede.fuentes.municipales.FicheroTributos"
)
SEDE_PREFILL_TRIBUTOS_FILE = env_str(
    "SEDE_PREFILL_TRIBUTOS_FILE",
    str(BASE_DIR / "sede/fuentes/demo/tributos.json") if DEBUG else "",
)
# --- Pagos: online payment of a procedure's fee (docs/pagos.md) -------------------------
# The gateway class (pagos.backends): Redsys, or the simulator (a local page playing Redsys,
# for the demo and tests, only with PAGOS_SIMULADOR). Empty: no online payment.
PAGOS_GATEWAY = (
    env_str("PAGOS_GATEWAY", "pagos.backends.simulador.SimuladorGateway" if DEBUG else "") or ""
)
PAGOS_SIMULADOR = env_bool("PAGOS_SIMULADOR", DEBUG)
PAGOS_REDSYS_URL = env_str("PAGOS_REDSYS_URL", "https://sis-t.redsys.es:25443/sis/realizarPago")
# With DEBUG: Redsys' public test merchant and key (the simulator signs with them too).
PAGOS_REDSYS_MERCHANT_CODE = env_str("PAGOS_REDSYS_MERCHANT_CODE", "999008881" if DEBUG else "")
PAGOS_REDSYS_TERMINAL = env_str("PAGOS_REDSYS_TERMINAL", "1")
PAGOS_REDSYS_KEY = env_str(
    "PAGOS_REDSYS_KEY",
    "sq7HjrUOBfKmC576ILgskD5srU870gJ7" if DEBUG else "",  # noqa: S106 - Redsys' public test key
)
PAGOS_NOTIFICATION_RATE = env_str("PAGOS_NOTIFICATION_RATE", "120/m")
# --- Registro: limits of one entry, whatever its channel (sede, desk, API) ---------------
REGISTRO_MAX_DOCUMENT_BYTES = env_int("REGISTRO_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024, minimum=1024)
REGISTRO_MAX_ENTRY_BYTES = env_int("REGISTRO_MAX_ENTRY_BYTES", 100 * 1024 * 1024, minimum=1024)
REGISTRO_MAX_DOCUMENTS = env_int("REGISTRO_MAX_DOCUMENTS", 50, minimum=1)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60, minimum=60)
# Idle timeout: an active session is saved (its expiry pushed forward) at most once a minute
# (bilbao_sede.middleware.SessionRefreshMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks); the one
# client-address helper (bilbao_sede.net.client_ip) serves rate limits, axes and the audit.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
RATELIMIT_IP_META_KEY = "bilbao_sede.net.client_ip"
# Staff password logins (staff sign-in, admin): django-axes locks out by account and by client
# address after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES; lockouts are audited.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "bilbao_sede.net.client_ip"
AXES_WHITELIST_CALLABLE = "identidad.lockout.outside_staff_login"  # staff password logins only
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identidad/bloqueado.html"
AXES_VERBOSE = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self' https:; frame-ancestors 'none'; base-uri 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "saml2": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Every value above is checked now: a bad one stops start-up naming the variable.
validate_settings(globals())
