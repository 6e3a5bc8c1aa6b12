"""SAML 2.0 login (Cl@ve, eIDAS). legal.md ID-3.

The person is the eIDAS PersonIdentifier ``ES/ES/<NIF>``: one account per NIF whatever the
method. The level of assurance is the eIDAS LoA the IdP states in the assertion's
AuthnContext (low → bajo, substantial → sustancial, high → alto); an assertion without one,
or below the level the sede asked for (``SAML_DEFAULT_LOA``), is refused.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djangosaml2.backends import Saml2Backend

from identidad.constants import MetodoIdentificacion, TipoPersona
from identidad.models import User
from identidad.services import citizen_user_from_identity
from identidad.validators import validate_nif

from .base import EIDAS_LEVELS, level_from_eidas, set_pending_identification

logger = logging.getLogger(__name__)

PERSON_IDENTIFIER = "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier"
GIVEN_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName"
FAMILY_NAME = "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName"


def _first(attributes: dict, *names: str) -> str:
    for name in names:
        values = attributes.get(name)
        if isinstance(values, list | tuple):
            values = values[0] if values else ""
        if values:
            return str(values).strip()
    return ""


def nif_from_person_identifier(value: str) -> str | None:
    """``ES/ES/12345678Z`` → ``12345678Z``; None for anything that is not a Spanish NIF."""
    parts = value.split("/")
    if len(parts) != 3 or parts[0].upper() != "ES" or parts[1].upper() != "ES":
        return None
    return parts[2]


class ClaveSaml2Backend(Saml2Backend):
    def authenticate(
        self,
        request,
        session_info=None,
        attribute_mapping=None,
        create_unknown_user=True,
        assertion_info=None,
        **kwargs,
    ) -> User | None:
        if request is None or session_info is None or not settings.SAML_ENABLED:
            return None
        attributes = session_info.get("ava") or {}
        identifier = _first(attributes, PERSON_IDENTIFIER, "PersonIdentifier")
        raw_nif = nif_from_person_identifier(identifier) if identifier else None
        if raw_nif is None:
            return self._refuse(
                request,
                _(
                    "Cl@ve no ha facilitado un DNI o NIE español, necesario para identificarle "
                    "en la sede. No se ha iniciado la sesión."
                ),
                f"no usable PersonIdentifier ({identifier[:40]!r})",
            )
        try:
            nif = validate_nif(raw_nif, TipoPersona.FISICA)
        except ValidationError:
            return self._refuse(
                request,
                _("El DNI o NIE facilitado por Cl@ve no es válido. No se ha iniciado la sesión."),
                "invalid NIF in PersonIdentifier",
                nif=raw_nif,
            )
        authn_info = session_info.get("authn_info") or []
        level = level_from_eidas(authn_info[0][0]) if authn_info else None
        requested = EIDAS_LEVELS[settings.SAML_DEFAULT_LOA]
        if level is None or level < requested:
            return self._refuse(
                request,
                _(
                    "Cl@ve no ha garantizado el nivel de identificación que exige la sede. "
                    "No se ha iniciado la sesión."
                ),
                f"level of assurance {authn_info[0][0] if authn_info else None!r} "
                f"below {settings.SAML_DEFAULT_LOA!r}",
                nif=nif,
            )
        user = citizen_user_from_identity(
            nif=nif,
            first_name=_first(attributes, GIVEN_NAME, "FirstName")[:150],
            last_name=_first(attributes, FAMILY_NAME, "FamilyName")[:150],
        )
        if not self.user_can_authenticate(user):
            return self._refuse(
                request, _("No se ha podido iniciar la sesión."), "inactive user", nif=nif
            )
        set_pending_identification(
            request, method=MetodoIdentificacion.CLAVE, level=level, provider="clave"
        )
        return user

    @staticmethod
    def _refuse(request, message: str, reason: str, nif: str = "") -> None:
        request.identidad_login_error = (message, reason, nif)
        return None

    def get_user(self, user_id):
        # With the citizen's interesado in the same query: most citizen pages need it.
        return User.objects.select_related("interesado").filter(pk=user_id, is_active=True).first()
