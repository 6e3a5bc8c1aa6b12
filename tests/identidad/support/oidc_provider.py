"""A real OpenID provider for the tests: django-oauth-toolkit, Giltza-shaped.

Mounted by ``oidc_urls`` next to the project's own URLs on pytest-django's live server.
Its users log in with a password at ``/proveedor/login/``, consent at ``/o/authorize/`` and
the provider issues RS256-signed ID tokens and a userinfo answer with the ``dni`` claim
(only when the Izenpe identity scope is granted, as Giltza does), plus ``acr`` when the
test says so. The toolkit's models exist only once the test has added ``oauth2_provider``
to ``INSTALLED_APPS``, so its validator lives apart, in ``oidc_validator``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.template import engines

IZENPE_IDENTITY_SCOPE = "urn:izenpe:identity:global"
SCOPES = {
    "openid": "OpenID Connect",
    IZENPE_IDENTITY_SCOPE: "Identidad",
    "urn:izenpe:fea:properties": "Propiedades de firma",
    "urn:safelayer:eidas:authn_details": "Detalles de autenticación eIDAS",
}

# Claims the provider tells about each of its users, by provider username.
PROVIDER_CLAIMS: dict[str, dict[str, str]] = {}


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


_LOGIN_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><title>Proveedor</title><form method='post'>{% csrf_token %}"
    "{{ form.as_p }}<input type='hidden' name='next' value='{{ next }}'>"
    "<button type='submit'>Entrar</button></form>"
)


class ProviderLoginView(LoginView):
    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(_LOGIN_TEMPLATE.render(context, self.request))
