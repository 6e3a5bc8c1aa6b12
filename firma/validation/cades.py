"""CAdES validation (detached and attached), with our own CMS check (see cms_verify)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac

from asn1crypto import cms, core, pem, tsp
from django.utils.translation import gettext as _

from . import cms_verify as cv
from .certs import (
    check_policy,
    check_signer_certificate,
    current_time,
    describe_certificate,
    report_certificate_mismatch,
    timestamp_authority_problem,
)
from .report import (
    FORMAT_FAILURE,
    SIG_CRYPTO_FAILURE,
    SignatureReport,
    ValidationReport,
    cannot_validate,
    finish,
)
from .trust import cms_revinfo

FMT = "cades"


class NotCMSError(Exception):
    pass


def load_cms(data: bytes) -> cms.SignedData:
    """Parse DER, PEM or base64 CMS SignedData; raise :class:`NotCMSError` otherwise."""
    raw = data
    stripped = data.strip()
    if pem.detect(stripped):
        _type, _headers, raw = pem.unarmor(stripped)
    elif stripped[:1] in (b"M",):  # base64 of a DER SEQUENCE starts with "M"
        try:
            raw = base64.b64decode(b"".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            raw = data
    try:
        info = cms.ContentInfo.load(raw, strict=False)
        if info["content_type"].native != "signed_data":
            raise NotCMSError(_("no es una firma CMS (SignedData)."))
        signed_data = info["content"]
        signed_data["signer_infos"]  # noqa: B018 (forces parsing)
        return signed_data
    except NotCMSError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise NotCMSError(_("no es una firma CAdES/CMS legible.")) from exc


def encapsulated_content(signed_data: cms.SignedData) -> bytes | None:
    content = signed_data["encap_content_info"]["content"]
    if content is None or isinstance(content, core.Void) or content.contents is None:
        return None
    if isinstance(content, core.ParsableOctetString):
        return bytes(content)
    return content.native


def validate_cades(data: bytes, *, detached_content: bytes | None = None) -> ValidationReport:
    try:
        signed_data = load_cms(data)
        signer_infos = list(signed_data["signer_infos"])
    except NotCMSError as exc:
        return cannot_validate(FMT, str(exc))
    attached = encapsulated_content(signed_data)
    fmt = "cades-attached" if attached is not None else "cades-detached"
    content = attached if attached is not None else detached_content
    reports = [_safe_validate(signed_data, si, content) for si in signer_infos]
    return finish(fmt, reports)


def _safe_validate(signed_data, signer_info, content) -> SignatureReport:
    """A damaged structure (certificate, attribute) makes that signature fail, with a reason."""
    try:
        return validate_signer_info(signed_data, signer_info, content)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        report = SignatureReport(integrity_ok=False)
        report.add(
            "integrity_failed",
            _("La firma está dañada y no se puede analizar: %(detail)s")
            % {"detail": str(exc).splitlines()[0][:200]},
            sub=FORMAT_FAILURE,
        )
        return report


def _time(value) -> dt.datetime | None:
    try:
        native = value.native if value is not None else None
    except (ValueError, TypeError):
        return None
    return native if isinstance(native, dt.datetime) else None


def validate_signer_info(
    signed_data: cms.SignedData, signer_info: cms.SignerInfo, content: bytes | None
) -> SignatureReport:
    report = SignatureReport()
    cert = cv.find_signer_certificate(signed_data, signer_info)
    others = cv.other_certificates(signed_data)
    try:
        report.signing_time = _time(cv.signed_attr(signer_info, cv.OID_SIGNING_TIME))
    except (ValueError, TypeError):
        report.signing_time = None
    if cert is None:
        report.add(
            "signer_certificate_missing",
            _("La firma no incluye el certificado del firmante."),
        )
        return report
    describe_certificate(report, cert)
    # Integrity.
    if content is None:
        report.add(
            "detached_content_missing",
            _("Firma separada (detached): hace falta el documento firmado para comprobarla."),
        )
    else:
        try:
            ok, problem = cv.verify_signer_info(signed_data, signer_info, content, cert)
        except cv.UnsupportedAlgorithmError as exc:
            report.add(
                "unsupported_algorithm",
                _("Algoritmo no soportado: %(alg)s") % {"alg": str(exc)},
            )
        except (ValueError, TypeError) as exc:
            report.integrity_ok = False
            report.add(
                "integrity_failed",
                _("La estructura de la firma está dañada: %(detail)s") % {"detail": exc},
                sub=FORMAT_FAILURE,
            )
        else:
            report.integrity_ok = ok
            if not ok:
                report_integrity_problem(
                    report, problem, _("El documento ha sido modificado después de firmarse.")
                )
    check_signing_certificate_attr(report, signer_info, cert)
    # Policy.
    oid, policy_digest = _policy(signer_info)
    check_policy(report, oid, policy_digest, "cades")
    # Timestamp (CAdES-T).
    # Timestamp (CAdES-T) and certificate, with the revocation data carried in the CMS.
    revinfo = cms_revinfo(signed_data, [signer_info])
    _check_timestamps(report, signer_info, revinfo)
    check_signer_certificate(report, cert, others, revinfo, signer_info=signer_info)
    check_countersignatures(report, signed_data, signer_info)
    return report


MAX_COUNTERSIGNATURE_DEPTH = 8


def check_countersignatures(
    report: SignatureReport,
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    *,
    depth: int = 0,
) -> None:
    """Validate the countersignatures of ``signer_info`` (FIR-5) as nested signatures."""
    values = cv.unsigned_attr_values(signer_info, cv.OID_COUNTER_SIGNATURE)
    if not values:
        return
    if depth >= MAX_COUNTERSIGNATURE_DEPTH:
        report.warn(_("Hay contrafirmas anidadas a demasiada profundidad: no se validan."))
        return
    countersigned = signer_info["signature"].native
    for value in values:
        try:
            counter = cms.SignerInfo.load(value.dump())
            nested = validate_countersignature(signed_data, counter, countersigned)
            check_countersignatures(nested, signed_data, counter, depth=depth + 1)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
            nested = SignatureReport(integrity_ok=False)
            nested.add(
                "integrity_failed",
                _("La contrafirma está dañada y no se puede analizar: %(detail)s")
                % {"detail": str(exc).splitlines()[0][:200]},
            )
        report.countersignatures.append(nested)


def validate_countersignature(
    signed_data: cms.SignedData, counter: cms.SignerInfo, countersigned: bytes
) -> SignatureReport:
    """A countersignature: its digest covers the countersigned signature value; then its
    signer, certificate, chain, policy and timestamps as for any signature."""
    report = SignatureReport()
    cert = cv.find_signer_certificate(signed_data, counter)
    try:
        report.signing_time = _time(cv.signed_attr(counter, cv.OID_SIGNING_TIME))
    except (ValueError, TypeError):
        report.signing_time = None
    if cert is None:
        report.add(
            "signer_certificate_missing",
            _("La contrafirma no incluye el certificado de su firmante."),
        )
        return report
    describe_certificate(report, cert)
    try:
        ok, problem = cv.verify_signer_info(signed_data, counter, countersigned, cert)
    except cv.UnsupportedAlgorithmError as exc:
        report.add(
            "unsupported_algorithm", _("Algoritmo no soportado: %(alg)s") % {"alg": str(exc)}
        )
    else:
        report.integrity_ok = ok
        if not ok:
            report_integrity_problem(
                report,
                problem,
                _(
                    "La contrafirma no corresponde a la firma que refrenda (el valor de esa "
                    "firma no es el que se contrafirmó)."
                ),
                _("El valor de la contrafirma no corresponde a los datos firmados."),
            )
    if cv.signed_attr(counter, cv.OID_CONTENT_TYPE) is not None:
        report.warn(_("La contrafirma incluye el atributo content-type, que no debe llevar."))
    check_signing_certificate_attr(report, counter, cert)
    oid, policy_digest = _policy(counter)
    check_policy(report, oid, policy_digest, "cades")
    revinfo = cms_revinfo(signed_data, [counter])
    _check_timestamps(report, counter, revinfo)
    others = [c for c in cv.other_certificates(signed_data) if c != cert]
    check_signer_certificate(report, cert, others, revinfo, signer_info=counter)
    return report


def report_integrity_problem(
    report: SignatureReport, problem: str, digest_reason: str, signature_reason: str = ""
) -> None:
    """One wording per problem of :func:`cms_verify.verify_signer_info`."""
    if problem == "digest":
        report.add("integrity_failed", digest_reason)
    elif problem == "not_der":
        report.add(
            "signed_attributes_not_der",
            _(
                "Los atributos firmados no están codificados en DER (RFC 5652 §5.4): la firma "
                "solo se verifica sobre otra codificación, no sobre la que exige la norma."
            ),
        )
    else:
        report.add(
            "integrity_failed",
            signature_reason or _("El valor de la firma no corresponde a los datos firmados."),
            sub=SIG_CRYPTO_FAILURE,
        )


def check_signing_certificate_attr(report, signer_info, cert) -> None:
    try:
        matches = cv.signing_certificate_matches(signer_info, cert)
    except (ValueError, TypeError, KeyError, IndexError, cv.UnsupportedAlgorithmError):
        matches = False
    if matches is False:
        report_certificate_mismatch(report)


def _policy(signer_info: cms.SignerInfo) -> tuple[str | None, bytes | None]:
    from pyhanko.sign.ades import cades_asn1

    value = cv.signed_attr(signer_info, cv.OID_SIGNATURE_POLICY)
    if value is None:
        return None, None
    try:
        ident = cades_asn1.SignaturePolicyIdentifier.load(value.dump())
        if ident.name != "signature_policy_id":
            return None, None
        policy_id = ident.chosen
        return policy_id["sig_policy_id"].dotted, policy_id["sig_policy_hash"]["digest"].native
    except (ValueError, TypeError, KeyError):
        return "?", None


def _check_timestamps(
    report: SignatureReport,
    signer_info: cms.SignerInfo,
    revinfo: tuple[list, list] | None = None,
    *,
    archive_poe: dt.datetime | None = None,
) -> None:
    for value in cv.unsigned_attr_values(signer_info, cv.OID_SIGNATURE_TIMESTAMP):
        try:
            token = cms.ContentInfo.load(value.dump())
        except (ValueError, TypeError) as exc:
            report.add(
                "timestamp_invalid",
                _("El sello de tiempo no es válido: %(detail)s") % {"detail": exc},
            )
            continue
        check_timestamp_token(
            report, token, signer_info["signature"].native, revinfo, archive_poe=archive_poe
        )


def check_timestamp_token(
    report: SignatureReport,
    token: cms.ContentInfo,
    imprinted: bytes,
    revinfo: tuple[list, list] | None = None,
    *,
    archive_poe: dt.datetime | None = None,
):
    """A signature timestamp: intact and over ``imprinted``, from a TSA that chains to our
    anchors with the timeStamping usage, its certificate judged now — or at the time of a
    later archive (document) timestamp that proves the token existed then (``archive_poe``).
    Otherwise it is no proof of existence and is set aside (reported)."""
    try:
        when = verify_timestamp_token(token, imprinted)
    except Exception as exc:  # noqa: BLE001 (any defect in the token makes it invalid)
        report.add(
            "timestamp_invalid",
            _("El sello de tiempo no es válido: %(detail)s") % {"detail": exc},
        )
        return
    signed_data = token["content"]
    tsa_cert = cv.find_signer_certificate(signed_data, signed_data["signer_infos"][0])
    others = [c for c in cv.other_certificates(signed_data) if c != tsa_cert]
    token_crls, token_ocsps = cms_revinfo(signed_data, list(signed_data["signer_infos"]))
    if revinfo is not None:
        token_crls, token_ocsps = token_crls + revinfo[0], token_ocsps + revinfo[1]
    judged_at = archive_poe if archive_poe is not None else current_time()
    problem = timestamp_authority_problem(tsa_cert, others, judged_at, (token_crls, token_ocsps))
    if not problem:
        problem = timestamp_crypto_problem(signed_data["signer_infos"][0], tsa_cert)
    if problem:
        report.add(
            "timestamp_untrusted",
            _("El sello de tiempo no se acepta como prueba de existencia (no se usa): %(detail)s")
            % {"detail": problem},
        )
        return
    report.timestamp_time = when


def timestamp_crypto_problem(tsa_info, tsa_cert) -> str | None:
    """The constraints table on the TSA's signature; a weak token is no proof of existence."""
    from . import constraints

    found = constraints.breaches(
        digest=tsa_info["digest_algorithm"]["algorithm"].native, public_key=tsa_cert.public_key
    )
    validity = tsa_cert["tbs_certificate"]["validity"]
    if constraints.judge(found, made_after=validity["not_before"].native, poe=None) is None:
        return None
    return _("la TSA usa %(what)s, que no cumple la tabla de restricciones criptográficas.") % {
        "what": found[0].what
    }


def verify_timestamp_token(token: cms.ContentInfo, imprinted: bytes) -> dt.datetime:
    """Check an RFC 3161 token covers ``imprinted`` and is intact; return its time."""
    signed_data = token["content"]
    tst_bytes = encapsulated_content(signed_data)
    if tst_bytes is None:
        raise ValueError("empty timestamp token")
    tst_info = tsp.TSTInfo.load(tst_bytes)
    imprint = tst_info["message_imprint"]
    expected = cv.digest(imprint["hash_algorithm"]["algorithm"].native, imprinted)
    if not hmac.compare_digest(imprint["hashed_message"].native, expected):
        raise ValueError(_("no corresponde a esta firma"))
    (tsa_info,) = list(signed_data["signer_infos"])
    tsa_cert = cv.find_signer_certificate(signed_data, tsa_info)
    if tsa_cert is None:
        raise ValueError(_("falta el certificado de la TSA"))
    ok, _problem = cv.verify_signer_info(signed_data, tsa_info, tst_bytes, tsa_cert)
    if not ok:
        raise ValueError(_("la firma de la TSA no es íntegra"))
    return tst_info["gen_time"].native
