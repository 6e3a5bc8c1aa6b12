"""SAML 2.0 service provider for Cl@ve (eIDAS dialect), built from settings. legal.md ID-3.

``saml_config_loader`` (``SAML_CONFIG_LOADER``) gives djangosaml2 a pysaml2 ``SPConfig``:

- the SP key and certificate (``SAML_SP_KEY_FILE`` / ``SAML_SP_CERT_FILE``) sign every
  AuthnRequest with RSA-SHA256 — pysaml2 signs with SHA-1 unless ``signing_algorithm`` is set
  inside ``service.sp``, a top-level setting being silently ignored;
- the IdP metadata comes from ``SAML_IDP_METADATA_FILE`` or ``SAML_IDP_METADATA_URL``;
- the request asks for the eIDAS level ``SAML_DEFAULT_LOA`` with comparison ``minimum``
  (``http://eidas.europa.eu/LoA/{low|substantial|high}``), as a public-sector SP (SPType);
- responses must be signed (response or assertion), unsolicited ones are refused.

``acs_failure`` (``SAML_ACS_FAILURE_RESPONSE_FUNCTION``) turns any refused response into an
audit row and a clear message on the login page. The exact Cl@ve 2.0 attribute set and
extensions are *unverified* (legal.md ID-3): only PersonIdentifier is relied upon.
"""

from __future__ import annotations

import logging
import shutil

import saml2
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from .backends.base import eidas_uri, login_failed
from .backends.saml import FAMILY_NAME, GIVEN_NAME, PERSON_IDENTIFIER
from .constants import MetodoIdentificacion

logger = logging.getLogger(__name__)


def _site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def sp_entity_id() -> str:
    return f"{_site_url()}{reverse('saml2_metadata')}"


def acs_url() -> str:
    return f"{_site_url()}{reverse('saml2_acs')}"


def build_saml_config() -> dict:
    """The pysaml2 SP configuration, from settings only."""
    if not (settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE):
        raise ImproperlyConfigured(
            "SAML_ENABLED needs SAML_SP_KEY_FILE and SAML_SP_CERT_FILE (the SP signs its requests)."
        )
    if settings.SAML_IDP_METADATA_FILE:
        metadata = {"local": [str(settings.SAML_IDP_METADATA_FILE)]}
    elif settings.SAML_IDP_METADATA_URL:
        metadata = {"remote": [{"url": str(settings.SAML_IDP_METADATA_URL)}]}
    else:
        raise ImproperlyConfigured(
            "SAML_ENABLED needs SAML_IDP_METADATA_FILE or SAML_IDP_METADATA_URL."
        )
    site = _site_url()
    return {
        "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
        "entityid": sp_entity_id(),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": str(settings.COUNCIL_NAME),
                "name_id_format": NAMEID_FORMAT_UNSPECIFIED,
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{site}{reverse('saml2_ls')}", saml2.BINDING_HTTP_REDIRECT),
                        (f"{site}{reverse('saml2_ls_post')}", saml2.BINDING_HTTP_POST),
                    ],
                },
                # Signed AuthnRequest with SHA-256: both must be here, in service.sp.
                "authn_requests_signed": True,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "logout_requests_signed": True,
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": False,
                "force_authn": True,
                "requested_authn_context": {
                    "authn_context_class_ref": [eidas_uri(settings.SAML_DEFAULT_LOA)],
                    "comparison": "minimum",
                },
                "sp_type": "public",
                "sp_type_in_metadata": True,
                "requested_attributes": [
                    {"name": PERSON_IDENTIFIER, "required": True},
                    {"name": GIVEN_NAME, "required": False},
                    {"name": FAMILY_NAME, "required": False},
                ],
            }
        },
        "key_file": str(settings.SAML_SP_KEY_FILE),
        "cert_file": str(settings.SAML_SP_CERT_FILE),
        "encryption_keypairs": [
            {
                "key_file": str(settings.SAML_SP_KEY_FILE),
                "cert_file": str(settings.SAML_SP_CERT_FILE),
            }
        ],
        "metadata": metadata,
        "accepted_time_diff": 60,
        "organization": {
            "name": [(str(settings.COUNCIL_NAME), "es"), (str(settings.COUNCIL_NAME_EU), "eu")],
            "display_name": [(str(settings.COUNCIL_NAME), "es")],
            "url": [(site, "es")],
        },
    }


def saml_config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's ``SAML_CONFIG_LOADER``: 404 for every SAML view while SAML is off."""
    if not settings.SAML_ENABLED:
        raise Http404
    conf = SPConfig()
    conf.load(build_saml_config())
    return conf


def acs_failure(request: HttpRequest, exception=None, status: int = 403, **kwargs):
    """djangosaml2's ``SAML_ACS_FAILURE_RESPONSE_FUNCTION``: audit, explain, back to login."""
    failure = getattr(request, "identidad_login_error", None)
    if failure is not None:
        message, reason, nif = failure
    else:
        message = _(
            "Cl@ve no ha confirmado su identidad o su respuesta no es válida. "
            "No se ha iniciado la sesión."
        )
        reason = f"{type(exception).__name__}: {exception}" if exception else "invalid response"
        nif = ""
    logger.info("Cl@ve login refused: %s", reason)
    login_failed(
        request, method=MetodoIdentificacion.CLAVE, reason=reason, nif=nif, provider="clave"
    )
    messages.error(request, message)
    return HttpResponseRedirect(reverse("identidad:login"))
