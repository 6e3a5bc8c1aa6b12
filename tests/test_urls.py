"""Public URLs that are printed on documents must not move."""

from django.urls import reverse
from django.utils import translation


def test_fir8_csv_verification_lives_at_verificar():
    """The QR code and the CSV legend on every issued page point at SITE_URL/verificar/<code>/."""
    assert reverse("verificar:form") == "/verificar/"
    assert reverse("verificar:codigo", args=["ABCD2345"]) == "/verificar/ABCD2345/"
    with translation.override("eu"):
        assert reverse("verificar:form") == "/eu/verificar/"
