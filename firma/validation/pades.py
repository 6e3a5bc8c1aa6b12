"""PAdES validation with pyHanko: integrity, coverage and changes after signing.

Known trap (issue 4): for a PDF changed after signing (e.g. a page added in an incremental
update) pyHanko says "intact" with modification level OTHER. The signature itself is fine,
but it covers an earlier revision and the document changed afterwards: the result must not
be "valid".
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.status import SignatureCoverageLevel

from . import cms_verify as cv
from .cades import (
    _check_timestamps,
    _policy,
    check_countersignatures,
    check_signing_certificate_attr,
    encapsulated_content,
    report_integrity_problem,
)
from .certs import check_policy, check_signer_certificate
from .report import FORMAT_FAILURE, SignatureReport, ValidationReport, cannot_validate, finish
from .trust import cms_revinfo, pdf_dss_certs, pdf_revinfo

FMT = "pades"
logger = logging.getLogger(__name__)

# Changes after signing that keep a signature valid: none, DSS/timestamps (LT/LTA), and
# filling forms / adding further signatures.
_ACCEPTED_CHANGES = {
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
}


def validate_pades(data: bytes) -> ValidationReport:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 (pyHanko raises many types on broken PDFs)
        return cannot_validate(FMT, _("el PDF no se puede leer (%(detail)s).") % {"detail": exc})
    if not embedded:
        return cannot_validate(FMT, _("el PDF no contiene ninguna firma electrónica."))
    reports = []
    dss_revinfo = pdf_revinfo(reader)
    dss_certs = pdf_dss_certs(reader)
    archive_poe = _archive_poe(embedded, dss_revinfo, dss_certs)
    for sig in embedded:
        if _is_document_timestamp(sig):
            continue  # a document timestamp (B-LTA) is not a signature of its own
        try:
            reports.append(_validate_one(sig, dss_revinfo, dss_certs, archive_poe))
        except Exception as exc:  # noqa: BLE001 (one broken signature must not hide others)
            logger.info("PAdES signature %s could not be analysed", sig.field_name, exc_info=True)
            report = SignatureReport(integrity_ok=False)
            report.add(
                "integrity_failed",
                _("La firma %(field)s está dañada: %(detail)s")
                % {"field": sig.field_name, "detail": exc},
                sub=FORMAT_FAILURE,
            )
            reports.append(report)
    if not reports:
        return cannot_validate(FMT, _("el PDF solo contiene sellos de tiempo de documento."))
    return finish(FMT, reports)


def _is_document_timestamp(sig) -> bool:
    try:
        return sig.sig_object.get("/Type") == "/DocTimeStamp"
    except Exception:  # noqa: BLE001
        return False


def _archive_poe(embedded, dss_revinfo, dss_certs) -> dt.datetime | None:
    """The earliest time the chain of document timestamps (B-LTA) proves the earlier content
    existed at: the newest one's TSA is judged now, each older one at the time of the next.
    None when there is no valid document timestamp (then everything is judged now)."""
    from .cades import timestamp_crypto_problem
    from .certs import current_time, timestamp_authority_problem

    poe = None
    for sig in reversed([s for s in embedded if _is_document_timestamp(s)]):
        try:
            signed_data = sig.signed_data
            tst_bytes = encapsulated_content(signed_data)
            tst_info = tsp.TSTInfo.load(tst_bytes)
            imprint = tst_info["message_imprint"]
            md = imprint["hash_algorithm"]["algorithm"].native
            if imprint["hashed_message"].native != sig.compute_digest(md):
                break
            (tsa_info,) = list(signed_data["signer_infos"])
            tsa_cert = cv.find_signer_certificate(signed_data, tsa_info)
            if tsa_cert is None:
                break
            ok, _problem = cv.verify_signer_info(signed_data, tsa_info, tst_bytes, tsa_cert)
            others = _unique(cv.other_certificates(signed_data) + dss_certs)
            crls, ocsps = cms_revinfo(signed_data, [tsa_info])
            judged_at = poe if poe is not None else current_time()
            if not ok or timestamp_authority_problem(
                tsa_cert,
                [c for c in others if c != tsa_cert],
                judged_at,
                (dss_revinfo[0] + crls, dss_revinfo[1] + ocsps),
            ):
                break
            if timestamp_crypto_problem(tsa_info, tsa_cert):
                break
            poe = tst_info["gen_time"].native
        except Exception:  # noqa: BLE001 (a damaged archive timestamp proves nothing)
            logger.info("document timestamp %s not usable", sig.field_name, exc_info=True)
            break
    return poe


def _validate_one(
    sig, dss_revinfo: tuple[list, list], dss_certs: list, archive_poe=None
) -> SignatureReport:
    """Integrity over the /ByteRange (digest) and over the DER signed attributes (value),
    changes after signing, policy, timestamps, then the certificate with every certificate
    the signature and the document carry (CMS certificates, /DSS /Certs)."""
    report = SignatureReport()
    report.signing_time = sig.self_reported_timestamp
    signer_info = sig.signer_info
    cert: asn1_x509.Certificate | None = sig.signer_cert
    others = _unique(cv.other_certificates(sig.signed_data) + dss_certs)
    cms_crls, cms_ocsps = cms_revinfo(sig.signed_data, [signer_info])
    revinfo = (dss_revinfo[0] + cms_crls, dss_revinfo[1] + cms_ocsps)

    sig.compute_integrity_info()
    integrity = sig.summarise_integrity_info()
    if cert is None:
        report.add(
            "signer_certificate_missing",
            _("La firma no incluye el certificado del firmante."),
        )
        return report
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    try:
        ok, problem = cv.verify_signer_info_digest(
            signer_info, sig.compute_digest(digest_name), cert
        )
    except cv.UnsupportedAlgorithmError as exc:
        report.add("unsupported_algorithm", _("Algoritmo no soportado: %(alg)s") % {"alg": exc})
        ok, problem = None, ""
    report.integrity_ok = ok
    if ok is False:
        report_integrity_problem(
            report,
            problem,
            _("Los bytes firmados del PDF no coinciden con la firma (documento alterado)."),
        )
    coverage = integrity.get("coverage")
    report.covers_whole_document = coverage == SignatureCoverageLevel.ENTIRE_FILE
    diff = integrity.get("diff_result")
    level = getattr(diff, "modification_level", None)
    if diff is not None and level is None:
        level = ModificationLevel.OTHER
    if report.integrity_ok and (
        (level is not None and level not in _ACCEPTED_CHANGES)
        or integrity.get("docmdp_ok") is False
    ):
        report.add(
            "modified_after_signing",
            _(
                "La firma cubre una revisión anterior del documento y el documento se ha "
                "modificado después de firmarse (%(level)s)."
            )
            % {"level": _change_label(level or ModificationLevel.OTHER)},
        )
    elif report.integrity_ok and not report.covers_whole_document:
        report.warn(
            _(
                "La firma cubre una revisión anterior; después solo se han añadido firmas, "
                "sellos de tiempo o datos de validación."
            )
        )
    oid, policy_digest = _policy(signer_info)
    check_policy(report, oid, policy_digest, "cades")
    _check_timestamps(report, signer_info, revinfo, archive_poe=archive_poe)
    check_signing_certificate_attr(report, signer_info, cert)
    check_signer_certificate(
        report, cert, [c for c in others if c != cert], revinfo, signer_info=signer_info
    )
    check_countersignatures(report, sig.signed_data, signer_info)
    return report


def _unique(certs: list) -> list:
    seen: set[bytes] = set()
    out = []
    for cert in certs:
        key = cert.dump()
        if key not in seen:
            seen.add(key)
            out.append(cert)
    return out


def _change_label(level) -> str:
    labels = {
        ModificationLevel.ANNOTATIONS: _("anotaciones añadidas"),
        ModificationLevel.OTHER: _("contenido modificado, p. ej. páginas añadidas"),
    }
    return str(labels.get(level, getattr(level, "name", str(level))))
