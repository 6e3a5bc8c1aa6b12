"""The test provider's validator: Giltza-like claims. Imported by django-oauth-toolkit only."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from .oidc_provider import IZENPE_IDENTITY_SCOPE, PROVIDER_CLAIMS


class GiltzaLikeValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "dni": IZENPE_IDENTITY_SCOPE,
        "given_name": IZENPE_IDENTITY_SCOPE,
        "family_name": IZENPE_IDENTITY_SCOPE,
        "acr": "openid",
    }

    def get_additional_claims(self, request):
        return dict(PROVIDER_CLAIMS.get(request.user.get_username(), {}))
