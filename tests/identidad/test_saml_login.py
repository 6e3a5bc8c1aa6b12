"""SAML 2.0 login with Cl@ve (legal.md ID-3), round trip through djangosaml2's real views.

An in-process pysaml2 IdP with its own key and certificate plays Cl@ve: it reads the sede's
signed AuthnRequest (RSA-SHA256, eIDAS LoA ``substantial``, comparison ``minimum``) and
answers with a signed response the sede's ACS checks. Nothing is mocked.
"""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from identidad.constants import NivelGarantia, ResultadoAuditoria
from identidad.models import AuditEntry, User
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from tests.identidad.support.saml_idp import (
    ClaveLikeIdP,
    b64,
    write_idp_metadata,
    write_key_and_certificate,
)

pytestmark = pytest.mark.django_db

EIDAS_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory):
    """SP and IdP keys, certificates and the IdP's metadata: generated once per module."""
    directory = tmp_path_factory.mktemp("saml")
    write_key_and_certificate(directory, "sp")
    write_idp_metadata(directory)
    return directory


@pytest.fixture
def clave(settings, keys_dir, client):
    """The sede configured for a Cl@ve-like IdP, and that IdP, which knows the sede's metadata."""
    settings.SAML_ENABLED = True
    settings.SITE_URL = "http://testserver"
    settings.SAML_SP_KEY_FILE = str(keys_dir / "sp.key")
    settings.SAML_SP_CERT_FILE = str(keys_dir / "sp.crt")
    settings.SAML_IDP_METADATA_FILE = str(keys_dir / "idp-metadata.xml")
    settings.SAML_DEFAULT_LOA = "substantial"
    metadata = client.get(reverse("saml2_metadata"))
    assert metadata.status_code == 200
    sp_metadata = keys_dir / "sp-metadata.xml"
    sp_metadata.write_bytes(metadata.content)
    return ClaveLikeIdP(keys_dir, sp_metadata)


def _start_login(client, next_url="/mi-carpeta/"):
    response = client.get(reverse("saml2_login"), {"next": next_url})
    assert response.status_code == 200
    params = response.context["params"]
    return params["SAMLRequest"], params["RelayState"]


def test_the_authn_request_is_signed_with_sha256_and_asks_for_eidas_substantial(client, clave):
    saml_request, _relay = _start_login(client)
    xml = base64.b64decode(saml_request).decode()
    assert "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" in xml
    assert "http://www.w3.org/2001/04/xmlenc#sha256" in xml
    assert "rsa-sha1" not in xml
    parsed = clave.parse_request(saml_request)  # the IdP verifies the SP's signature
    context = parsed.message.requested_authn_context
    assert [ref.text for ref in context.authn_context_class_ref] == [EIDAS_SUBSTANTIAL]
    assert context.comparison == "minimum"
    assert parsed.message.assertion_consumer_service_url == "http://testserver/saml2/acs/"


def test_a_forged_request_signature_is_rejected_by_the_idp(client, clave):
    saml_request, _relay = _start_login(client)
    xml = base64.b64decode(saml_request).decode()
    forged = xml.replace("http://testserver/saml2/acs/", "http://evil.example/acs/")
    with pytest.raises(Exception, match="(?i)signed correctly|signature"):
        clave.parse_request(b64(forged))


def test_a_clave_login_identifies_the_citizen_and_reads_back_the_level(client, clave):
    saml_request, relay = _start_login(client)
    response_xml = clave.response_for(clave.parse_request(saml_request), nif="12345678Z")
    response = client.post(
        reverse("saml2_acs"), {"SAMLResponse": b64(response_xml), "RelayState": relay}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mi-carpeta/"
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.nif == "12345678Z"
    assert user.first_name == "Miren"
    assert client.session[SESSION_METHOD_KEY] == "clave"
    assert client.session[SESSION_LEVEL_KEY] == NivelGarantia.SUSTANCIAL
    entry = AuditEntry.objects.get(action="login")
    assert entry.result == ResultadoAuditoria.OK
    assert entry.actor == user
    assert entry.detail == {"method": "clave", "level": "sustancial", "provider": "clave"}
    assert client.get("/mi-carpeta/").status_code == 200


def test_a_high_level_assertion_gives_a_high_level_session_for_the_same_account(
    client, clave, ciudadana
):
    saml_request, relay = _start_login(client)
    response_xml = clave.response_for(
        clave.parse_request(saml_request), nif="12345678Z", loa="high"
    )
    client.post(reverse("saml2_acs"), {"SAMLResponse": b64(response_xml), "RelayState": relay})
    assert int(client.session[SESSION_KEY]) == ciudadana.pk
    assert client.session[SESSION_LEVEL_KEY] == NivelGarantia.ALTO


def test_a_tampered_response_is_rejected(client, clave):
    saml_request, relay = _start_login(client)
    response_xml = clave.response_for(clave.parse_request(saml_request), nif="12345678Z")
    tampered = response_xml.replace("ES/ES/12345678Z", "ES/ES/87654321X")
    assert tampered != response_xml
    response = client.post(
        reverse("saml2_acs"), {"SAMLResponse": b64(tampered), "RelayState": relay}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("identidad:login")
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(nif__in=["12345678Z", "87654321X"]).exists()
    entry = AuditEntry.objects.get(action="login")
    assert entry.result == ResultadoAuditoria.DENEGADO
    assert entry.detail["method"] == "clave"
    page = client.get(response["Location"]).content.decode()
    assert "Cl@ve no ha confirmado su identidad" in page


def test_an_assertion_below_the_requested_level_is_refused(client, clave):
    saml_request, relay = _start_login(client)
    response_xml = clave.response_for(clave.parse_request(saml_request), nif="12345678Z", loa="low")
    response = client.post(
        reverse("saml2_acs"), {"SAMLResponse": b64(response_xml), "RelayState": relay}
    )
    assert response["Location"] == reverse("identidad:login")
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "no ha garantizado el nivel de identificación" in page
    assert AuditEntry.objects.get(action="login").result == ResultadoAuditoria.DENEGADO


def test_an_invalid_nif_is_refused_with_a_clear_message(client, clave):
    saml_request, relay = _start_login(client)
    response_xml = clave.response_for(clave.parse_request(saml_request), nif="12345678A")
    response = client.post(
        reverse("saml2_acs"), {"SAMLResponse": b64(response_xml), "RelayState": relay}
    )
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "no es válido" in page


def test_an_external_relay_state_falls_back_to_mi_carpeta(client, clave):
    saml_request, _relay = _start_login(client, next_url="https://evil.example/")
    response_xml = clave.response_for(clave.parse_request(saml_request), nif="12345678Z")
    response = client.post(
        reverse("saml2_acs"),
        {"SAMLResponse": b64(response_xml), "RelayState": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not re.match(r"https?://evil", response["Location"])


def test_saml_is_404_while_disabled_and_the_login_page_hides_it(client, settings):
    settings.SAML_ENABLED = False
    assert client.get(reverse("saml2_login")).status_code == 404
    assert client.get(reverse("saml2_metadata")).status_code == 404
    assert "Entrar con Cl@ve" not in client.get(reverse("identidad:login")).content.decode()


def test_the_login_page_offers_clave_when_enabled(client, clave):
    page = client.get(reverse("identidad:login"), {"next": "/registro/"}).content.decode()
    assert "Entrar con Cl@ve" in page
    assert 'action="/saml2/login/"' in page


def test_the_sp_metadata_announces_signed_requests_and_the_acs(client, clave):
    metadata = client.get(reverse("saml2_metadata")).content.decode()
    assert 'AuthnRequestsSigned="true"' in metadata
    assert "http://testserver/saml2/acs/" in metadata
    assert "X509Certificate" in metadata
