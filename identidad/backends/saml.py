"""SAML 2.0 login (Cl@ve). Completed in the identity-provider work."""

from djangosaml2.backends import Saml2Backend


class ClaveSaml2Backend(Saml2Backend):
    pass
