"""OpenID Connect login (Izenpe Giltza by default; any provider works). legal.md ID-4.

The person is identified by the NIF claim (``OIDC_NIF_CLAIM``, ``dni`` for Giltza) of the
userinfo answer (or of the ID token), whatever the method: one account per NIF. No e-mail
claim is needed. The level of assurance comes from the returned ``acr`` / ``amr`` when the
provider gives an eIDAS level, else from the method's default (``identidad.session``).
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from identidad.constants import NivelGarantia, TipoPersona
from identidad.models import User
from identidad.services import citizen_user_from_identity
from identidad.validators import validate_nif

from .base import level_from_eidas

logger = logging.getLogger(__name__)

# The Giltza method the citizen chose at the start of the login (set by identidad.oidc).
SESSION_OIDC_METHOD_KEY = "identidad_oidc_method"


def identification_from_claims(
    requested_method: str, *sources: dict
) -> tuple[str, NivelGarantia | None]:
    """(method, level) from the provider's ``acr`` / ``amr`` claims.

    An ``acr`` equal to one of ``OIDC_ACR_VALUES`` names the method actually used; an eIDAS
    LoA URI in ``acr`` or ``amr`` gives the level. None when the provider says nothing.
    """
    acr = next((str(s["acr"]) for s in sources if s.get("acr")), "")
    amr = next((s["amr"] for s in sources if s.get("amr")), [])
    if isinstance(amr, str):
        amr = amr.split()
    method = requested_method
    for name, value in settings.OIDC_ACR_VALUES.items():
        if acr and acr == value:
            method = name
    level = level_from_eidas(acr) if acr else None
    if level is None:
        levels = [lv for lv in (level_from_eidas(a) for a in amr) if lv is not None]
        level = max(levels) if levels else None
    return method, level


class GiltzaOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or not settings.OIDC_ENABLED:
            return None
        if getattr(request, "staff_oidc", False):  # the staff provider's callback, not Giltza's
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            logger.warning("OIDC login failed: %s", exc)
            self._refuse(
                _(
                    "No se ha podido completar la identificación con %(provider)s. "
                    "Inténtelo de nuevo más tarde."
                )
                % {"provider": settings.OIDC_PROVIDER_NAME},
                f"{type(exc).__name__}: {exc}",
            )
            return None

    def _refuse(self, message: str, reason: str, nif: str = "") -> None:
        self.request.identidad_login_error = (message, reason, nif)

    def get_or_create_user(self, access_token, id_token, payload) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload) or {}
        nif_claim = settings.OIDC_NIF_CLAIM
        raw_nif = claims.get(nif_claim) or (payload or {}).get(nif_claim)
        if not raw_nif:
            self._refuse(
                _(
                    "%(provider)s no ha facilitado su DNI o NIE, necesario para identificarle "
                    "en la sede. No se ha iniciado la sesión."
                )
                % {"provider": settings.OIDC_PROVIDER_NAME},
                f"no {nif_claim!r} claim",
            )
            return None
        try:
            nif = validate_nif(str(raw_nif), TipoPersona.FISICA)
        except ValidationError:
            self._refuse(
                _(
                    "El DNI o NIE facilitado por %(provider)s no es válido. "
                    "No se ha iniciado la sesión."
                )
                % {"provider": settings.OIDC_PROVIDER_NAME},
                f"invalid {nif_claim!r} claim",
                nif=str(raw_nif),
            )
            return None
        requested = self.request.session.get(SESSION_OIDC_METHOD_KEY) or "bakq"
        method, level = identification_from_claims(requested, payload or {}, claims)
        self.request.identidad_oidc = {"method": method, "level": level, "nif": nif}
        first_name = claims.get("given_name") or ""
        last_name = claims.get("family_name") or ""
        return citizen_user_from_identity(
            nif=nif,
            first_name=str(first_name)[:150],
            last_name=str(last_name)[:150],
            email=str(claims.get("email") or "")[:254],
        )

    def get_user(self, user_id):
        # With the citizen's interesado in the same query: most citizen pages need it.
        return User.objects.select_related("interesado").filter(pk=user_id, is_active=True).first()
