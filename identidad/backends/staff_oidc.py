"""Staff sign-in through the council's own OpenID Connect provider (Keycloak, ADFS …).

The same protocol code as the citizens' Giltza login (mozilla-django-oidc) with its own
settings: every ``OIDC_*`` setting the library reads is taken from ``STAFF_OIDC_*``. Only
existing, active staff accounts sign in (matched by ``STAFF_OIDC_USERNAME_CLAIM``, then by
e-mail); the provider never creates staff. The backend answers only the staff callback
(``request.staff_oidc``), so it never consumes a citizen's Giltza code, and vice versa.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from identidad.models import User

logger = logging.getLogger(__name__)

BACKEND_PATH = "identidad.backends.staff_oidc.StaffOIDCBackend"
# Settings of the library that the staff provider overrides (the rest keep the library's
# defaults, never the citizens' provider values).
_NOT_INHERITED = {"OIDC_TOKEN_USE_BASIC_AUTH": False, "OIDC_STORE_ID_TOKEN": False}


def staff_oidc_setting(attr: str, *args):
    """``OIDC_X`` → ``STAFF_OIDC_X``; ``LOGIN_REDIRECT_URL*`` → the staff home/login."""
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return "staff_oidc_callback"
    if attr.startswith("OIDC_"):
        staff_name = f"STAFF_{attr}"
        if hasattr(settings, staff_name):
            return getattr(settings, staff_name)
        if attr in _NOT_INHERITED:
            return _NOT_INHERITED[attr]
        if args:
            return args[0]
    if attr == "LOGIN_REDIRECT_URL":
        return settings.STAFF_LOGIN_REDIRECT_URL
    if attr == "LOGIN_REDIRECT_URL_FAILURE":
        return "identidad:staff_login"
    return import_from_settings(attr, *args)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    @staticmethod
    def get_settings(attr, *args):
        return staff_oidc_setting(attr, *args)

    def authenticate(self, request, **kwargs):
        if request is None or not getattr(request, "staff_oidc", False):
            return None
        if not settings.STAFF_OIDC_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            logger.warning("Staff OIDC login failed: %s", exc)
            self._refuse(
                _("No se ha podido completar el acceso con %(provider)s.")
                % {"provider": settings.STAFF_OIDC_PROVIDER_NAME},
                f"{type(exc).__name__}: {exc}",
            )
            return None

    def _refuse(self, message: str, reason: str) -> None:
        self.request.identidad_login_error = (message, reason, "")

    def verify_claims(self, claims) -> bool:
        return bool(claims.get(settings.STAFF_OIDC_USERNAME_CLAIM) or claims.get("email"))

    def filter_users_by_claims(self, claims):
        staff = User.objects.filter(is_active=True, is_staff=True)
        username = claims.get(settings.STAFF_OIDC_USERNAME_CLAIM)
        if username:
            found = staff.filter(username=str(username))
            if found.exists():
                return found
        email = claims.get("email")
        if email:
            return staff.filter(email__iexact=str(email))
        return staff.none()

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            self._refuse(
                _(
                    "Su cuenta corporativa no corresponde a ningún miembro del personal con "
                    "acceso a la sede. Pida el alta a administración."
                ),
                "no active staff account for the claims",
            )
        return user

    def create_user(self, claims):  # never: staff accounts are provisioned by administrators
        return None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()
