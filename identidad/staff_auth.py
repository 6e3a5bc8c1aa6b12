"""Staff sign-in worthy of the ENS medium level (issue 14.5; ENS op.acc).

Staff sign in through the council's own identity provider (OIDC, ``STAFF_OIDC_*``) or, where
none is configured, with a password plus a TOTP second factor (django-otp), throttled by
django-axes like every password login. Either way the session is marked *strong*. With
``STAFF_REQUIRE_2FA`` on, a staff session that is not strong — a password-only login, or a
staff member who signed in as a citizen through Giltza or Cl@ve — acts with no staff powers
at all: ``StaffSessionMiddleware`` hands the views a copy of the user without ``is_staff`` and
``is_superuser``, so the admin, the staff home and every role check refuse it in one place.
Staff sessions also end ``STAFF_SESSION_MAX_AGE`` seconds after sign-in, whatever the
activity (the idle limit is ``SESSION_COOKIE_AGE``).
"""

from __future__ import annotations

import copy
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

SESSION_STRONG_KEY = "identidad_staff_auth"  # "oidc" | "totp" | "dev"
SESSION_LOGIN_AT_KEY = "identidad_login_at"
STRONG_METHODS = frozenset({"oidc", "totp", "dev"})


def mark_strong(request: HttpRequest, how: str) -> None:
    """Record that this session's sign-in had two factors (or the council's IdP)."""
    if how not in STRONG_METHODS:
        raise ValueError(how)
    request.session[SESSION_STRONG_KEY] = how


def is_strong(request: HttpRequest) -> bool:
    return request.session.get(SESSION_STRONG_KEY) in STRONG_METHODS


def session_expired(request: HttpRequest, now: float | None = None) -> bool:
    """A staff session older than ``STAFF_SESSION_MAX_AGE`` since sign-in."""
    started = request.session.get(SESSION_LOGIN_AT_KEY)
    if started is None:
        return False
    return (now or time.time()) - float(started) > int(settings.STAFF_SESSION_MAX_AGE)


def _refuse_save(*args, **kwargs):
    raise RuntimeError("A user without staff powers for this request cannot be saved.")


def without_staff_powers(user):
    """A copy of ``user`` that is neither staff nor superuser, for this request only.

    The copy cannot be saved (the account itself keeps its flags)."""
    demoted = copy.copy(user)
    demoted.is_staff = False
    demoted.is_superuser = False
    demoted.staff_powers_withheld = True
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_staff_scope"):
        demoted.__dict__.pop(cache, None)
    demoted.save = _refuse_save
    return demoted


def _record_login_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT_KEY] = time.time()


user_logged_in.connect(_record_login_time, dispatch_uid="identidad-login-time")
