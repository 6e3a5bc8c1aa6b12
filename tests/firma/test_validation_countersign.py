"""CAdES countersignatures (FIR-5: a signer ratifying a previous one → CounterSignature).

Signed with ``firma.signing.countersign`` and validated as nested signatures: integrity over
the countersigned signature value, signer certificate, chain, policy.
"""

from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import cms
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firma.keys import get_signer
from firma.policy import SIGNING_POLICY
from firma.signing import SigningError, countersign, sign
from firma.signing.countersign import _add_unsigned_countersignature, _counter_signer_info
from firma.validation import validate

DOC = b"Resolucion 2026/0042: se concede la licencia."


def _sealed(fmt: str = "cades-attached") -> bytes:
    return sign(DOC, fmt=fmt, signer=get_signer("sello")).data


def _counters(data: bytes, index: int = 0) -> list:
    """The countersignature SignerInfos on the ``index``-th signature of ``data``."""
    info = cms.ContentInfo.load(data)["content"]["signer_infos"][index]
    return [
        v
        for attr in info["unsigned_attrs"]
        if attr["type"].dotted == "1.2.840.113549.1.9.6"
        for v in attr["values"]
    ]


def test_a_countersignature_ratifies_the_previous_signature_fir5():
    result = countersign(_sealed(), signer=get_signer("alcaldesa"))
    assert (result.fmt, result.tipo_firma) == ("cades-attached", "TF05")
    assert "MIREN" in result.signer_subject
    report = validate(result.data)
    assert report.result == "valid", report.summary
    (main,) = report.signatures  # still one signature, with one nested countersignature
    assert main.result == "valid" and "SELLO" in main.signer_name
    (counter,) = main.countersignatures
    assert counter.result == "valid"
    assert "MIREN AGIRRE LASA" in counter.signer_name
    assert counter.integrity_ok and counter.chain_ok
    assert counter.policy_oid == SIGNING_POLICY.oid and counter.policy_ok
    assert "Contrafirma 1.1: MIREN AGIRRE LASA" in report.summary


def test_the_countersignature_carries_no_content_type_and_covers_the_signature_value():
    data = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    (counter,) = _counters(data)
    types = {a["type"].native for a in counter["signed_attrs"]}
    assert "content_type" not in types
    assert {"message_digest", "signing_time", "signing_certificate_v2"} <= types


def test_two_signers_can_ratify_the_same_signature_and_the_api_shows_both():
    once = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    twice = countersign(once, signer=get_signer("secretario")).data
    payload = validate(twice).to_dict()
    assert payload["result"] == "valid"
    nested = payload["signatures"][0]["countersignatures"]
    assert [c["result"] for c in nested] == ["valid", "valid"]
    names = sorted(c["signer_name"].split(" - ")[0] for c in nested)  # a SET OF: any order
    assert names == ["JON ETXEBARRIA GOIKOETXEA", "MIREN AGIRRE LASA"]
    assert isinstance(nested[0]["signing_time"], str)  # serialisable, like the rest


def test_a_countersignature_of_a_countersignature_is_nested_one_level_deeper():
    data = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    content_info = cms.ContentInfo.load(data)
    signed_data = content_info["content"]
    first = signed_data["signer_infos"][0]["unsigned_attrs"][0]["values"][0]
    signer = get_signer("secretario")
    deeper = _counter_signer_info(signer, first["signature"].native, dt.datetime.now(dt.UTC))
    _add_unsigned_countersignature(first, deeper)
    signed_data["certificates"] = cms.CertificateSet(
        [
            *signed_data["certificates"],
            cms.CertificateChoices({"certificate": signer.asn1_certificate}),
        ]
    )
    report = validate(content_info.dump())
    assert report.result == "valid", report.summary
    (level1,) = report.signatures[0].countersignatures
    (level2,) = level1.countersignatures
    assert "JON ETXEBARRIA" in level2.signer_name and level2.result == "valid"
    assert "Contrafirma 1.1.1" in report.summary


def test_a_tampered_countersignature_is_invalid_with_a_reason():
    data = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    content_info = cms.ContentInfo.load(data)
    counter = content_info["content"]["signer_infos"][0]["unsigned_attrs"][0]["values"][0]
    value = bytearray(counter["signature"].native)
    value[10] ^= 0xFF
    counter["signature"] = bytes(value)
    report = validate(content_info.dump())
    main = report.signatures[0]
    assert main.result == "valid"  # the ratified signature itself is intact
    (bad,) = main.countersignatures
    assert bad.result == "invalid" and bad.integrity_ok is False
    assert bad.codes == ["integrity_failed"]
    assert report.result == "invalid"
    assert any("contrafirma" in r for r in report.reasons)


def test_a_countersignature_moved_onto_another_signature_does_not_match_it():
    ratified_elsewhere = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    (stolen,) = _counters(ratified_elsewhere)
    other = sign(b"Otra resolucion", fmt="cades-attached", signer=get_signer("sello")).data
    target = cms.ContentInfo.load(other)
    info = target["content"]["signer_infos"][0]
    info["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "counter_signature", "values": [stolen]})]
    )
    signed_data = target["content"]
    alcaldesa = get_signer("alcaldesa").asn1_certificate
    signed_data["certificates"] = cms.CertificateSet(
        [*signed_data["certificates"], cms.CertificateChoices({"certificate": alcaldesa})]
    )
    report = validate(target.dump())
    (bad,) = report.signatures[0].countersignatures
    assert bad.result == "invalid"
    assert "no corresponde a la firma que refrenda" in bad.reasons[0]


def test_a_countersigner_from_an_unknown_ca_is_indeterminate():
    data = countersign(_sealed(), signer=get_signer("ajeno"), check_signer=False).data
    report = validate(data)
    (counter,) = report.signatures[0].countersignatures
    assert counter.result == "indeterminate"
    assert counter.codes == ["chain_untrusted"]
    assert report.result == "indeterminate"


def test_a_detached_signature_can_be_countersigned():
    result = countersign(_sealed("cades-detached"), signer=get_signer("alcaldesa"))
    assert result.fmt == "cades-detached"
    report = validate(result.data, detached_content=DOC)
    assert report.result == "valid", report.summary
    assert report.signatures[0].countersignatures[0].result == "valid"


def test_the_target_chooses_which_signature_is_ratified():
    cosigned = _sealed()
    content_info = cms.ContentInfo.load(cosigned)
    second = cms.ContentInfo.load(
        sign(DOC, fmt="cades-attached", signer=get_signer("concejal")).data
    )
    signed_data = content_info["content"]
    signed_data["signer_infos"] = cms.SignerInfos(
        [*signed_data["signer_infos"], second["content"]["signer_infos"][0]]
    )
    signed_data["certificates"] = cms.CertificateSet(
        [*signed_data["certificates"], *second["content"]["certificates"]]
    )
    both = content_info.dump()
    first = validate(both).signatures[0].signer_name  # SET OF: order as encoded
    data = countersign(both, signer=get_signer("alcaldesa"), target=0).data
    report = validate(data)
    assert report.result == "valid", report.summary
    ratified = [s.signer_name for s in report.signatures if s.countersignatures]
    assert ratified == [first]


@pytest.mark.parametrize("data", [b"", b"not a signature", b"<xml/>"])
def test_only_cades_can_be_countersigned(data):
    with pytest.raises(SigningError):
        countersign(data, signer=get_signer("alcaldesa"))


def test_a_revoked_certificate_cannot_countersign_when_revocation_is_checked(settings):
    sealed = _sealed()
    settings.FIRMA_REVOCATION_CHECK = True
    with pytest.raises(SigningError, match="revocado"):
        countersign(sealed, signer=get_signer("revocado"))


@pytest.mark.django_db
def test_the_validation_page_shows_the_countersigner(client):
    cache.clear()
    data = countersign(_sealed(), signer=get_signer("alcaldesa")).data
    response = client.post(
        reverse("firma:validar"),
        {"fichero": SimpleUploadedFile("r.csig", data, "application/pkcs7-signature")},
    )
    cache.clear()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Contrafirma 1.1" in html
    assert "MIREN AGIRRE LASA" in html
