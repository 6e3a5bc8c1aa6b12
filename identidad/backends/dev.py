"""Development identity provider: pick a demo persona and a method. Demo only.

Refused whenever ``DEBUG`` is off (or ``DEV_IDP_ENABLED`` is), whatever the request says:
the view answers 404 and this backend returns None even when called directly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import BaseBackend

from identidad.constants import MetodoIdentificacion
from identidad.demo import persona_by_key
from identidad.models import User
from identidad.services import citizen_user_from_identity

BACKEND_PATH = "identidad.backends.dev.DevIdPBackend"

# The methods the development IdP pretends to be (each gives its default level).
DEV_METHODS = [
    MetodoIdentificacion.BAKQ,
    MetodoIdentificacion.CERTIFICADO,
    MetodoIdentificacion.MOVIL,
    MetodoIdentificacion.CLAVE,
]


def dev_idp_allowed() -> bool:
    return bool(settings.DEBUG and settings.DEV_IDP_ENABLED)


class DevIdPBackend(BaseBackend):
    def authenticate(self, request, dev_persona: str | None = None, **kwargs) -> User | None:
        if dev_persona is None or not dev_idp_allowed():
            return None
        persona = persona_by_key(dev_persona)
        if persona is None:
            return None
        return citizen_user_from_identity(
            nif=persona.nif,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=persona.email,
        )

    def get_user(self, user_id: int) -> User | None:
        if not dev_idp_allowed():
            return None
        # With the citizen's interesado in the same query: most citizen pages need it.
        return User.objects.select_related("interesado").filter(pk=user_id, is_active=True).first()
