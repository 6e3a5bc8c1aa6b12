"""Validation reports: one per document, one entry per signature, each with reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

VALID = "valid"
INVALID = "invalid"
INDETERMINATE = "indeterminate"
CANNOT_VALIDATE = "cannot_validate"
RESULTS = (VALID, INVALID, INDETERMINATE, CANNOT_VALIDATE)

# Revocation status of the signer's certificate.
REV_NOT_CHECKED = "not_checked"
REV_GOOD = "good"
REV_REVOKED = "revoked"
REV_UNKNOWN = "unknown"
REV_REVOKED_LATER = "revoked_after_signing"

# Reason codes, stable for the API and the tests; each comes with a readable text.
INVALID_CODES = {
    "integrity_failed",
    "modified_after_signing",
    "certificate_expired",
    "certificate_not_yet_valid",
    "certificate_revoked",
    "chain_invalid",
    "policy_not_accepted",
    "policy_hash_mismatch",
    "timestamp_invalid",
}
INDETERMINATE_CODES = {
    "chain_untrusted",
    "revocation_unknown",
    "revoked_no_poe",
    "timestamp_untrusted",
    "detached_content_missing",
    "signer_certificate_missing",
    "signer_certificate_mismatch",
    "unsupported_algorithm",
}


@dataclass
class SignatureReport:
    signer_subject: str = ""
    signer_name: str = ""
    signing_time: dt.datetime | None = None
    certificate_serial: str = ""
    certificate_issuer: str = ""
    certificate_not_before: dt.datetime | None = None
    certificate_not_after: dt.datetime | None = None
    integrity_ok: bool | None = None
    chain_ok: bool | None = None
    certificate_valid_at_signing: bool | None = None
    revocation_status: str = REV_NOT_CHECKED
    policy_oid: str | None = None
    policy_ok: bool | None = None
    timestamp_time: dt.datetime | None = None
    covers_whole_document: bool | None = None
    result: str = INDETERMINATE
    codes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, code: str, reason: str) -> None:
        if code not in self.codes:
            self.codes.append(code)
            self.reasons.append(str(reason))

    def warn(self, reason: str) -> None:
        self.warnings.append(str(reason))

    def conclude(self) -> str:
        if self.integrity_ok is False or INVALID_CODES.intersection(self.codes):
            self.result = INVALID
        elif self.integrity_ok is None or INDETERMINATE_CODES.intersection(self.codes):
            self.result = INDETERMINATE
        elif self.chain_ok and self.certificate_valid_at_signing:
            self.result = VALID
        else:
            self.result = INDETERMINATE
        return self.result

    def to_dict(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.datetime):
                data[key] = value.isoformat()
        return data


@dataclass
class ValidationReport:
    fmt: str
    result: str
    signatures: list[SignatureReport] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    summary: str = ""

    def to_dict(self) -> dict:
        return {
            "fmt": self.fmt,
            "result": self.result,
            "summary": self.summary,
            "reasons": list(self.reasons),
            "signatures": [s.to_dict() for s in self.signatures],
        }

    @property
    def is_valid(self) -> bool:
        return self.result == VALID


RESULT_LABELS = {
    VALID: gettext_noop("válida"),
    INVALID: gettext_noop("no válida"),
    INDETERMINATE: gettext_noop("indeterminada"),
    CANNOT_VALIDATE: gettext_noop("no se puede validar"),
}


def cannot_validate(fmt: str, reason: str) -> ValidationReport:
    report = ValidationReport(fmt=fmt, result=CANNOT_VALIDATE, reasons=[str(reason)])
    report.summary = _("No se puede validar el documento: %(reason)s") % {"reason": reason}
    return report


def finish(fmt: str, signatures: list[SignatureReport]) -> ValidationReport:
    """Overall result: invalid if any signature is, else indeterminate if any is, else valid."""
    if not signatures:
        return cannot_validate(fmt, _("el documento no contiene ninguna firma."))
    results = [s.conclude() for s in signatures]
    if INVALID in results:
        overall = INVALID
    elif INDETERMINATE in results:
        overall = INDETERMINATE
    else:
        overall = VALID
    report = ValidationReport(fmt=fmt, result=overall, signatures=signatures)
    lines = [
        _("Resultado: %(result)s (%(count)s firma(s), formato %(fmt)s).")
        % {"result": _(RESULT_LABELS[overall]), "count": len(signatures), "fmt": fmt}
    ]
    for number, sig in enumerate(signatures, start=1):
        when = sig.signing_time.isoformat() if sig.signing_time else _("fecha desconocida")
        lines.append(
            _("Firma %(n)s: %(who)s, %(when)s: %(result)s.")
            % {
                "n": number,
                "who": sig.signer_name or sig.signer_subject or _("firmante desconocido"),
                "when": when,
                "result": _(RESULT_LABELS[sig.result]),
            }
        )
        lines.extend(f"  - {reason}" for reason in sig.reasons)
    report.summary = "\n".join(lines)
    for sig in signatures:
        report.reasons.extend(r for r in sig.reasons if r not in report.reasons)
    return report
