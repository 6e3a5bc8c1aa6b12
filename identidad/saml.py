"""SAML configuration for Cl@ve, built from settings. Completed in the identity-provider work."""

from django.conf import settings
from saml2.config import SPConfig


def saml_config_loader(request=None) -> SPConfig:
    conf = SPConfig()
    conf.load(dict(settings.SAML_CONFIG))
    return conf
