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
    # CAdES countersignatures of this signature (FIR-5), each validated on its own.
    countersignatures: list[SignatureReport] = field(default_factory=list)

    def add(self, code: str, reason: str) -> None:
        if code not in self.codes:
            self.codes.append(code)
            self.reasons.append(str(reason))

    def warn(self, reason: str) -> None:
        self.warnings.append(str(reason))

    def conclude(self) -> str:
        for counter in self.countersignatures:
            counter.conclude()
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
        data["countersignatures"] = [c.to_dict() for c in self.countersignatures]
        return data

    def all_results(self) -> list[str]:
        """This signature's result and those of its countersignatures (nested)."""
        results = [self.result]
        for counter in self.countersignatures:
            results.extend(counter.all_results())
        return results


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
    for sig in signatures:
        sig.conclude()
    results = [r for sig in signatures for r in sig.all_results()]
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
        _summarise(lines, sig, str(number), depth=0)
    report.summary = "\n".join(lines)
    for sig in signatures:
        _collect_reasons(report.reasons, sig)
    return report


def _summarise(lines: list[str], sig: SignatureReport, number: str, *, depth: int) -> None:
    when = sig.signing_time.isoformat() if sig.signing_time else _("fecha desconocida")
    values = {
        "n": number,
        "who": sig.signer_name or sig.signer_subject or _("firmante desconocido"),
        "when": when,
        "result": _(RESULT_LABELS[sig.result]),
    }
    indent = "  " * depth
    if depth:
        lines.append(indent + _("Contrafirma %(n)s: %(who)s, %(when)s: %(result)s.") % values)
    else:
        lines.append(_("Firma %(n)s: %(who)s, %(when)s: %(result)s.") % values)
    lines.extend(f"{indent}  - {reason}" for reason in sig.reasons)
    for index, counter in enumerate(sig.countersignatures, start=1):
        _summarise(lines, counter, f"{number}.{index}", depth=depth + 1)


def _collect_reasons(reasons: list[str], sig: SignatureReport) -> None:
    reasons.extend(r for r in sig.reasons if r not in reasons)
    for counter in sig.countersignatures:
        _collect_reasons(reasons, counter)
