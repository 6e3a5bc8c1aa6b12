"""OpenID Connect login (Izenpe Giltza by default). Completed in the identity-provider work."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class GiltzaOIDCBackend(OIDCAuthenticationBackend):
    pass
