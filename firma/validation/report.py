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

# ETSI EN 319 102-1 §5.1.3 main indications and sub-indications.
TOTAL_PASSED = "TOTAL-PASSED"
TOTAL_FAILED = "TOTAL-FAILED"
INDETERMINATE_ETSI = "INDETERMINATE"
INDICATION_RESULTS = {TOTAL_PASSED: VALID, TOTAL_FAILED: INVALID, INDETERMINATE_ETSI: INDETERMINATE}

FORMAT_FAILURE = "FORMAT_FAILURE"
HASH_FAILURE = "HASH_FAILURE"
SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
REVOKED = "REVOKED"
NOT_YET_VALID = "NOT_YET_VALID"
SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
REVOKED_NO_POE = "REVOKED_NO_POE"
REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
TRY_LATER = "TRY_LATER"
SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"

# Reason codes, stable for the API and the tests; each comes with a readable text and maps to
# the (indication, sub-indication) it gives. ``None``: reported, but no effect on the verdict
# (a timestamp that is not a proof of existence is ignored, EN 319 102-1 §5.5).
CODE_VERDICTS: dict[str, tuple[str, str] | None] = {
    "integrity_failed": (TOTAL_FAILED, HASH_FAILURE),
    "signature_value_failed": (TOTAL_FAILED, SIG_CRYPTO_FAILURE),
    "signed_attributes_not_der": (TOTAL_FAILED, SIG_CRYPTO_FAILURE),
    "format_failure": (TOTAL_FAILED, FORMAT_FAILURE),
    "modified_after_signing": (TOTAL_FAILED, FORMAT_FAILURE),
    "certificate_revoked": (TOTAL_FAILED, REVOKED),
    "certificate_not_yet_valid": (TOTAL_FAILED, NOT_YET_VALID),
    "signer_certificate_missing": (INDETERMINATE_ETSI, NO_SIGNING_CERTIFICATE_FOUND),
    "signer_certificate_mismatch": (INDETERMINATE_ETSI, NO_SIGNING_CERTIFICATE_FOUND),
    "detached_content_missing": (INDETERMINATE_ETSI, SIGNED_DATA_NOT_FOUND),
    "chain_untrusted": (INDETERMINATE_ETSI, NO_CERTIFICATE_CHAIN_FOUND),
    "chain_constraints": (INDETERMINATE_ETSI, CHAIN_CONSTRAINTS_FAILURE),
    "chain_invalid": (INDETERMINATE_ETSI, CERTIFICATE_CHAIN_GENERAL_FAILURE),
    "certificate_expired": (INDETERMINATE_ETSI, OUT_OF_BOUNDS_NO_POE),
    "certificate_expired_not_revoked": (INDETERMINATE_ETSI, OUT_OF_BOUNDS_NOT_REVOKED),
    "revoked_no_poe": (INDETERMINATE_ETSI, REVOKED_NO_POE),
    "ca_certificate_expired": (INDETERMINATE_ETSI, OUT_OF_BOUNDS_NO_POE),
    "ca_revoked_no_poe": (INDETERMINATE_ETSI, REVOKED_CA_NO_POE),
    "revocation_unknown": (INDETERMINATE_ETSI, TRY_LATER),
    "crypto_constraints": (INDETERMINATE_ETSI, CRYPTO_CONSTRAINTS_FAILURE),
    "crypto_constraints_no_poe": (INDETERMINATE_ETSI, CRYPTO_CONSTRAINTS_FAILURE_NO_POE),
    "unsupported_algorithm": (INDETERMINATE_ETSI, CRYPTO_CONSTRAINTS_FAILURE),
    "policy_hash_mismatch": (INDETERMINATE_ETSI, POLICY_PROCESSING_ERROR),
    "policy_rule_failed": (INDETERMINATE_ETSI, SIG_CONSTRAINTS_FAILURE),
    "timestamp_invalid": None,
    "timestamp_untrusted": None,
}
# Kept for callers that grouped codes by their plain result.
INVALID_CODES = {c for c, v in CODE_VERDICTS.items() if v and v[0] == TOTAL_FAILED}
INDETERMINATE_CODES = {c for c, v in CODE_VERDICTS.items() if v and v[0] == INDETERMINATE_ETSI}

# The order in which EN 319 102-1's building blocks run (format, identification of the
# signing certificate, validation context, X.509 validation, cryptographic verification,
# signature acceptance): among findings of the same indication, the earliest one names the
# sub-indication.
_SUB_ORDER = [
    FORMAT_FAILURE,
    HASH_FAILURE,
    SIG_CRYPTO_FAILURE,
    REVOKED,
    NOT_YET_VALID,
    SIGNED_DATA_NOT_FOUND,
    NO_SIGNING_CERTIFICATE_FOUND,
    NO_CERTIFICATE_CHAIN_FOUND,
    CERTIFICATE_CHAIN_GENERAL_FAILURE,
    CHAIN_CONSTRAINTS_FAILURE,
    REVOKED_NO_POE,
    REVOKED_CA_NO_POE,
    OUT_OF_BOUNDS_NO_POE,
    OUT_OF_BOUNDS_NOT_REVOKED,
    CRYPTO_CONSTRAINTS_FAILURE,
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    TRY_LATER,
    POLICY_PROCESSING_ERROR,
    SIG_CONSTRAINTS_FAILURE,
]

INDICATION_LABELS = {
    TOTAL_PASSED: gettext_noop("la firma es válida"),
    TOTAL_FAILED: gettext_noop("la firma no es válida"),
    INDETERMINATE_ETSI: gettext_noop("no se puede determinar si la firma es válida"),
}

#: The plain explanation of each sub-indication, for people (es source, eu in the catalogue).
SUBINDICATION_EXPLANATIONS = {
    FORMAT_FAILURE: gettext_noop(
        "La firma o el documento no tienen el formato esperado, o el documento se modificó "
        "después de firmarse de una forma no permitida."
    ),
    HASH_FAILURE: gettext_noop(
        "El contenido firmado ha cambiado: la huella del documento no coincide con la firmada."
    ),
    SIG_CRYPTO_FAILURE: gettext_noop(
        "El valor de la firma no se puede verificar con la clave pública del certificado."
    ),
    REVOKED: gettext_noop("El certificado del firmante estaba revocado cuando se firmó."),
    NOT_YET_VALID: gettext_noop(
        "La firma es anterior al inicio de la validez del certificado del firmante."
    ),
    SIG_CONSTRAINTS_FAILURE: gettext_noop(
        "La firma no cumple una regla de la política de firma aplicada."
    ),
    CHAIN_CONSTRAINTS_FAILURE: gettext_noop(
        "La cadena de certificados incumple una restricción (longitud, nombres, usos)."
    ),
    CERTIFICATE_CHAIN_GENERAL_FAILURE: gettext_noop(
        "La cadena de certificados hasta la autoridad de confianza no es válida."
    ),
    CRYPTO_CONSTRAINTS_FAILURE: gettext_noop(
        "La firma usa un algoritmo o una longitud de clave que ya no se consideran seguros."
    ),
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE: gettext_noop(
        "Un algoritmo o clave usados ya no se consideran seguros y ningún sello de tiempo "
        "prueba que la firma se hizo cuando aún lo eran."
    ),
    POLICY_PROCESSING_ERROR: gettext_noop(
        "La política de firma indicada no se ha podido comprobar (su huella no coincide)."
    ),
    NO_SIGNING_CERTIFICATE_FOUND: gettext_noop(
        "No se encuentra el certificado del firmante o no es el que la firma declara."
    ),
    NO_CERTIFICATE_CHAIN_FOUND: gettext_noop(
        "El certificado del firmante no se encadena con ninguna autoridad de confianza."
    ),
    REVOKED_NO_POE: gettext_noop(
        "El certificado del firmante está revocado y ningún sello de tiempo prueba que la "
        "firma sea anterior a la revocación."
    ),
    REVOKED_CA_NO_POE: gettext_noop(
        "Un certificado de la cadena está revocado y ningún sello de tiempo prueba que la "
        "firma sea anterior a la revocación."
    ),
    OUT_OF_BOUNDS_NO_POE: gettext_noop(
        "El certificado ha caducado (o aún no es válido) y ningún sello de tiempo prueba que "
        "la firma se hizo durante su validez; la fecha declarada por el firmante no es prueba."
    ),
    OUT_OF_BOUNDS_NOT_REVOKED: gettext_noop(
        "El certificado ha caducado y no consta revocado, pero ningún sello de tiempo prueba "
        "que la firma se hizo durante su validez."
    ),
    TRY_LATER: gettext_noop(
        "No se ha podido saber si el certificado está revocado; puede intentarlo más tarde."
    ),
    SIGNED_DATA_NOT_FOUND: gettext_noop(
        "Falta el documento firmado (firma separada): súbalo junto a la firma."
    ),
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
    policy_name: str = ""
    # Whether the policy document's digest in the signature matches the one we know for that
    # policy: True, False, or None when the policy is not one we know (reported, not failed).
    policy_digest_ok: bool | None = None
    # The time the certificate was judged at, and why (a trusted timestamp, else now).
    validation_time: dt.datetime | None = None
    validation_time_basis: str = ""
    result: str = INDETERMINATE
    indication: str = INDETERMINATE_ETSI
    subindication: str = ""
    codes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # CAdES countersignatures of this signature (FIR-5), each validated on its own.
    countersignatures: list[SignatureReport] = field(default_factory=list)

    def add(self, code: str, reason: str, *, sub: str | None = None) -> None:
        """Record a finding; ``sub`` names its sub-indication when the code alone does not
        (e.g. ``integrity_failed`` is HASH_FAILURE, or SIG_CRYPTO_FAILURE for the value)."""
        if code not in self.codes:
            self.codes.append(code)
            self.reasons.append(str(reason))
            if sub:
                self.__dict__.setdefault("_subs", {})[code] = sub

    def warn(self, reason: str) -> None:
        self.warnings.append(str(reason))

    def conclude(self) -> str:
        """Indication and sub-indication (EN 319 102-1 §5.1.3) from the findings."""
        for counter in self.countersignatures:
            counter.conclude()
        by_indication: dict[str, list[str]] = {TOTAL_FAILED: [], INDETERMINATE_ETSI: []}
        overrides = self.__dict__.get("_subs", {})
        for code in self.codes:
            verdict = CODE_VERDICTS.get(code)
            if verdict is not None:
                by_indication[verdict[0]].append(overrides.get(code, verdict[1]))
        if self.integrity_ok is False and not by_indication[TOTAL_FAILED]:
            by_indication[TOTAL_FAILED].append(HASH_FAILURE)
        if by_indication[TOTAL_FAILED]:
            self.indication = TOTAL_FAILED
            self.subindication = _first(by_indication[TOTAL_FAILED])
        elif by_indication[INDETERMINATE_ETSI]:
            self.indication = INDETERMINATE_ETSI
            self.subindication = _first(by_indication[INDETERMINATE_ETSI])
        elif self.integrity_ok and self.chain_ok and self.certificate_valid_at_signing:
            self.indication = TOTAL_PASSED
            self.subindication = ""
        else:
            self.indication = INDETERMINATE_ETSI
            self.subindication = CERTIFICATE_CHAIN_GENERAL_FAILURE
        self.result = INDICATION_RESULTS[self.indication]
        return self.result

    @property
    def indication_label(self) -> str:
        return _(INDICATION_LABELS[self.indication])

    @property
    def explanation(self) -> str:
        """The plain-language meaning of the verdict (es/eu)."""
        if self.subindication in SUBINDICATION_EXPLANATIONS:
            return _(SUBINDICATION_EXPLANATIONS[self.subindication])
        return self.indication_label

    def to_dict(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.datetime):
                data[key] = value.isoformat()
        data["countersignatures"] = [c.to_dict() for c in self.countersignatures]
        data["explanation"] = self.explanation
        return data

    def all_signatures(self) -> list[SignatureReport]:
        """This signature and its countersignatures (nested), in order."""
        found = [self]
        for counter in self.countersignatures:
            found.extend(counter.all_signatures())
        return found

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
    # EN 319 102-1 verdict of the document: the worst of its signatures (None when no
    # signature could be found or read at all).
    indication: str | None = None
    subindication: str = ""

    @property
    def explanation(self) -> str:
        if self.indication is None:
            return _("No se puede validar el documento.")
        if self.subindication in SUBINDICATION_EXPLANATIONS:
            return _(SUBINDICATION_EXPLANATIONS[self.subindication])
        return _(INDICATION_LABELS[self.indication])

    def to_dict(self) -> dict:
        return {
            "fmt": self.fmt,
            "result": self.result,
            "indication": self.indication,
            "subindication": self.subindication or None,
            "explanation": self.explanation,
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
    every = [s for sig in signatures for s in sig.all_signatures()]
    worst = next(
        (
            sig
            for indication in (TOTAL_FAILED, INDETERMINATE_ETSI, TOTAL_PASSED)
            for sig in every
            if sig.indication == indication
        ),
        every[0],
    )
    overall = worst.result
    report = ValidationReport(
        fmt=fmt,
        result=overall,
        signatures=signatures,
        indication=worst.indication,
        subindication=worst.subindication,
    )
    lines = [
        _("Resultado: %(result)s (%(count)s firma(s), formato %(fmt)s).")
        % {"result": _(RESULT_LABELS[overall]), "count": len(signatures), "fmt": fmt},
        _("Indicación ETSI EN 319 102-1: %(verdict)s. %(explanation)s")
        % {"verdict": _verdict(worst), "explanation": report.explanation},
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
    lines.append(f"{indent}  " + _verdict(sig) + ": " + sig.explanation)
    if sig.validation_time is not None:
        lines.append(
            f"{indent}  "
            + _("Certificado comprobado a fecha %(when)s (%(basis)s).")
            % {"when": sig.validation_time.isoformat(), "basis": sig.validation_time_basis}
        )
    lines.append(
        f"{indent}  "
        + _("Revocación: %(status)s.")
        % {"status": _(REVOCATION_LABELS.get(sig.revocation_status, sig.revocation_status))}
    )
    lines.extend(f"{indent}  - {reason}" for reason in sig.reasons)
    for index, counter in enumerate(sig.countersignatures, start=1):
        _summarise(lines, counter, f"{number}.{index}", depth=depth + 1)


def _collect_reasons(reasons: list[str], sig: SignatureReport) -> None:
    reasons.extend(r for r in sig.reasons if r not in reasons)
    for counter in sig.countersignatures:
        _collect_reasons(reasons, counter)


REVOCATION_LABELS = {
    REV_NOT_CHECKED: gettext_noop("no comprobada"),
    REV_GOOD: gettext_noop("no revocado"),
    REV_REVOKED: gettext_noop("revocado"),
    REV_UNKNOWN: gettext_noop("desconocida"),
    REV_REVOKED_LATER: gettext_noop("revocado después de la firma"),
}


def _first(subindications: list[str]) -> str:
    return min(
        subindications, key=lambda s: _SUB_ORDER.index(s) if s in _SUB_ORDER else len(_SUB_ORDER)
    )


def _verdict(sig) -> str:
    if sig.subindication:
        return f"{sig.indication}/{sig.subindication}"
    return sig.indication
