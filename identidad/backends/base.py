"""What every login path does once the identity provider has answered.

Each backend (OIDC, SAML, development IdP) authenticates in its own way; the outcome is
recorded the same way: the session keeps the method and the level of assurance
(``identidad.session``) and the audit trail gets one ``login`` row, ``ok`` or ``denegado``
(ENS-1).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest

from bilbao_sede.net import client_ip
from identidad.constants import MetodoIdentificacion, NivelGarantia, ResultadoAuditoria
from identidad.models import User
from identidad.services import audit_record
from identidad.session import DEFAULT_LEVELS, SESSION_LEVEL_KEY, set_identification

LOGIN_ACTION = "login"

# eIDAS levels of assurance as the identity providers name them (legal.md ID-3).
EIDAS_LOA_PREFIX = "http://eidas.europa.eu/LoA/"
EIDAS_LEVELS = {
    "low": NivelGarantia.BAJO,
    "substantial": NivelGarantia.SUSTANCIAL,
    "high": NivelGarantia.ALTO,
}


def eidas_uri(level_name: str) -> str:
    """``substantial`` → ``http://eidas.europa.eu/LoA/substantial``."""
    return f"{EIDAS_LOA_PREFIX}{level_name}"


def level_from_eidas(value: str | None) -> NivelGarantia | None:
    """The level named by an eIDAS LoA URI (or by its bare name), else None."""
    if not value:
        return None
    text = str(value).strip()
    if text.startswith(EIDAS_LOA_PREFIX):
        text = text[len(EIDAS_LOA_PREFIX) :]
    return EIDAS_LEVELS.get(text.lower())


def level_name(level: int) -> str:
    return NivelGarantia(int(level)).name.lower()


def login_succeeded(
    request: HttpRequest,
    *,
    user: User,
    method: str,
    level: int | None = None,
    provider: str = "",
) -> None:
    """Record method and level in the (already logged-in) session and audit the login."""
    method = MetodoIdentificacion(method)
    set_identification(request, method=method, level=level)
    recorded = request.session.get(SESSION_LEVEL_KEY) or DEFAULT_LEVELS[method]
    detail = {"method": str(method), "level": level_name(recorded)}
    if provider:
        detail["provider"] = provider
    audit_record(
        actor=user,
        action=LOGIN_ACTION,
        obj=user,
        result=ResultadoAuditoria.OK,
        detail=detail,
        ip=client_ip(request),
    )


def login_failed(
    request: HttpRequest | None,
    *,
    method: str,
    reason: str,
    level: int | None = None,
    nif: str = "",
    provider: str = "",
) -> None:
    """Audit a refused login. ``reason`` is a short technical text, not shown to the citizen."""
    detail: dict[str, str] = {"method": str(method), "reason": str(reason)[:300]}
    if level is not None:
        detail["level"] = level_name(level)
    if nif:
        detail["nif"] = str(nif)[:20]
    if provider:
        detail["provider"] = provider
    audit_record(
        actor=None,
        action=LOGIN_ACTION,
        object_type="identidad.user",
        result=ResultadoAuditoria.DENEGADO,
        detail=detail,
        ip=client_ip(request),
    )


# --- Identification recorded when the login happens ----------------------------------------
# Some login views are not ours (djangosaml2's ACS): the backend leaves the outcome on the
# request and this receiver records it once ``auth.login`` has rotated the session.
_PENDING_ATTR = "identidad_pending_identification"


def set_pending_identification(
    request: HttpRequest, *, method: str, level: int | None, provider: str = ""
) -> None:
    setattr(request, _PENDING_ATTR, {"method": method, "level": level, "provider": provider})


PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _record_pending_identification(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    pending = getattr(request, _PENDING_ATTR, None)
    if pending is not None:
        delattr(request, _PENDING_ATTR)
        login_succeeded(request, user=user, **pending)
    elif getattr(user, "backend", "") == PASSWORD_BACKEND and request.method == "POST":
        # Staff password login submitted through a form (admin): level bajo. Logins made
        # in code (the test client's force_login, a shell) are not requests to audit.
        login_succeeded(request, user=user, method=MetodoIdentificacion.PASSWORD)


def _record_failed_password_login(sender, credentials, request=None, **kwargs) -> None:
    """Failed staff password logins; the identity providers' failures are audited by their views."""
    if "username" not in credentials:
        return
    login_failed(
        request,
        method=MetodoIdentificacion.PASSWORD,
        reason=f"wrong credentials for {str(credentials['username'])[:150]!r}",
    )


user_logged_in.connect(_record_pending_identification, dispatch_uid="identidad-pending-login")
user_login_failed.connect(_record_failed_password_login, dispatch_uid="identidad-failed-login")


def _record_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    """django-axes locked out an account or a client address (staff password logins)."""
    login_failed(
        request,
        method=MetodoIdentificacion.PASSWORD,
        reason=f"locked out: account {str(username or '')[:150]!r}, address {ip_address}",
    )


user_locked_out.connect(_record_lockout, dispatch_uid="identidad-lockout")
