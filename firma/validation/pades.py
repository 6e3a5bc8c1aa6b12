"""PAdES validation with pyHanko: integrity, coverage and changes after signing.

Known trap (issue 4): for a PDF changed after signing (e.g. a page added in an incremental
update) pyHanko says "intact" with modification level OTHER. The signature itself is fine,
but it covers an earlier revision and the document changed afterwards: the result must not
be "valid".
"""

from __future__ import annotations

import io
import logging

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from . import cms_verify as cv
from .cades import (
    _check_timestamps,
    _policy,
    check_countersignatures,
    check_signing_certificate_attr,
)
from .certs import check_policy, check_signer_certificate
from .report import SignatureReport, ValidationReport, cannot_validate, finish
from .trust import build_validation_context, cms_revinfo, pdf_revinfo

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
    for sig in embedded:
        try:
            reports.append(_validate_one(sig, dss_revinfo))
        except Exception as exc:  # noqa: BLE001 (one broken signature must not hide others)
            logger.info("PAdES signature %s could not be analysed", sig.field_name, exc_info=True)
            report = SignatureReport(integrity_ok=False)
            report.add(
                "integrity_failed",
                _("La firma %(field)s está dañada: %(detail)s")
                % {"field": sig.field_name, "detail": exc},
            )
            reports.append(report)
    return finish(FMT, reports)


def _validate_one(sig, dss_revinfo: tuple[list, list]) -> SignatureReport:
    report = SignatureReport()
    report.signing_time = sig.self_reported_timestamp
    signer_info = sig.signer_info
    cert: asn1_x509.Certificate | None = sig.signer_cert
    others = cv.other_certificates(sig.signed_data)
    cms_crls, cms_ocsps = cms_revinfo(sig.signed_data, [signer_info])
    revinfo = (dss_revinfo[0] + cms_crls, dss_revinfo[1] + cms_ocsps)

    context = build_validation_context(
        moment=report.signing_time, extra_certs=others, revinfo=revinfo
    )
    status = validate_pdf_signature(sig, signer_validation_context=context)

    signature_ok = bool(status.valid)
    if status.intact and not signature_ok and cert is not None:
        # pyHanko may re-encode signed attributes that are not in DER order (seen in
        # @firma signatures); check the signature over the bytes as they were signed.
        try:
            signature_ok = cv.verify_signature_value(
                cert, signer_info, cv.signed_attrs_bytes(signer_info)
            )
        except (cv.UnsupportedAlgorithmError, ValueError, TypeError):
            signature_ok = False
    report.integrity_ok = bool(status.intact and signature_ok)
    if not status.intact:
        report.add(
            "integrity_failed",
            _("Los bytes firmados del PDF no coinciden con la firma (documento alterado)."),
        )
    elif not signature_ok:
        report.add(
            "integrity_failed",
            _("El valor de la firma no corresponde a los datos firmados."),
        )
    report.covers_whole_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if report.integrity_ok and (
        status.modification_level not in _ACCEPTED_CHANGES or status.docmdp_ok is False
    ):
        report.add(
            "modified_after_signing",
            _(
                "La firma cubre una revisión anterior del documento y el documento se ha "
                "modificado después de firmarse (%(level)s)."
            )
            % {"level": _change_label(status.modification_level)},
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
    _check_timestamps(report, signer_info, revinfo)
    ts = getattr(status, "timestamp_validity", None)
    timestamp_rejected = {"timestamp_invalid", "timestamp_untrusted"} & set(report.codes)
    if ts is not None and report.timestamp_time is None and not timestamp_rejected:
        report.timestamp_time = ts.timestamp
    if cert is None:
        report.add(
            "signer_certificate_missing",
            _("La firma no incluye el certificado del firmante."),
        )
        return report
    check_signing_certificate_attr(report, signer_info, cert)
    check_signer_certificate(report, cert, [c for c in others if c != cert], revinfo)
    check_countersignatures(report, sig.signed_data, signer_info)
    return report


def _change_label(level) -> str:
    labels = {
        ModificationLevel.ANNOTATIONS: _("anotaciones añadidas"),
        ModificationLevel.OTHER: _("contenido modificado, p. ej. páginas añadidas"),
    }
    return str(labels.get(level, getattr(level, "name", str(level))))
