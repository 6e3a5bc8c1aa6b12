"""The identification of the current session: method and level of assurance (LoA).

Every login path (OIDC, SAML, development IdP, staff password) records both here, and
anything that needs a minimum level (a procedure, a signature) reads them from here.
"""

from __future__ import annotations

from django.http import HttpRequest

from .constants import MetodoIdentificacion, NivelGarantia

SESSION_METHOD_KEY = "identidad_method"
SESSION_LEVEL_KEY = "identidad_level"

# Level each method gives when the provider does not say (eIDAS: BakQ and Cl@ve PIN are
# "sustancial"; a qualified certificate is "alto").
DEFAULT_LEVELS = {
    MetodoIdentificacion.BAKQ: NivelGarantia.SUSTANCIAL,
    MetodoIdentificacion.CERTIFICADO: NivelGarantia.ALTO,
    MetodoIdentificacion.MOVIL: NivelGarantia.SUSTANCIAL,
    MetodoIdentificacion.CLAVE: NivelGarantia.SUSTANCIAL,
    MetodoIdentificacion.PASSWORD: NivelGarantia.BAJO,
    # Two factors (ENS op.acc.6, medium level): substantial.
    MetodoIdentificacion.PASSWORD_TOTP: NivelGarantia.SUSTANCIAL,
    MetodoIdentificacion.CORPORATIVO: NivelGarantia.SUSTANCIAL,
}


def set_identification(request: HttpRequest, *, method: str, level: int | None = None) -> None:
    request.session[SESSION_METHOD_KEY] = str(method)
    request.session[SESSION_LEVEL_KEY] = int(
        level if level is not None else DEFAULT_LEVELS[MetodoIdentificacion(method)]
    )


def identification_method(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_METHOD_KEY)


def identification_level(request: HttpRequest) -> int:
    """The session's level of assurance; 0 when not identified."""
    if not request.user.is_authenticated:
        return 0
    return int(request.session.get(SESSION_LEVEL_KEY, NivelGarantia.BAJO))


def has_level(request: HttpRequest, minimum: int) -> bool:
    return identification_level(request) >= int(minimum)
