"""Checks on the signer's certificate: chain to our anchors, validity at signing time,
revocation (when switched on) and the signature policy identifier (FIR-1, FIR-2)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator import errors as cv_errors

from firma.policy import normalize_oid, policy_for_oid

from .report import REV_GOOD, REV_REVOKED, REV_REVOKED_LATER, REV_UNKNOWN, SignatureReport
from .revocation import FetchLog, allowed_hosts
from .trust import build_validation_context, revocation_check_enabled


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _signing_moment(report: SignatureReport) -> dt.datetime:
    """Claimed signing time, else the signature timestamp, else now."""
    return _aware(report.signing_time) or _aware(report.timestamp_time) or dt.datetime.now(dt.UTC)


def describe_certificate(report: SignatureReport, cert: asn1_x509.Certificate) -> None:
    try:
        crypto_cert = x509.load_der_x509_certificate(cert.dump())
        report.signer_subject = crypto_cert.subject.rfc4514_string()
        report.certificate_issuer = crypto_cert.issuer.rfc4514_string()
    except ValueError:
        report.signer_subject = cert.subject.human_friendly
        report.certificate_issuer = cert.issuer.human_friendly
    cn = cert.subject.native.get("common_name")
    report.signer_name = (cn[0] if isinstance(cn, list) else cn) or report.signer_subject
    report.certificate_serial = format(cert.serial_number, "x")
    validity = cert["tbs_certificate"]["validity"]
    report.certificate_not_before = validity["not_before"].native
    report.certificate_not_after = validity["not_after"].native


def check_validity_period(report: SignatureReport, cert: asn1_x509.Certificate) -> None:
    """Was the certificate within its validity period when it signed?"""
    moment = _signing_moment(report)
    not_before = report.certificate_not_before
    not_after = report.certificate_not_after
    if not_after and moment > not_after:
        report.certificate_valid_at_signing = False
        report.add(
            "certificate_expired",
            _("El certificado del firmante había caducado (%(date)s) cuando se firmó.")
            % {"date": not_after.date().isoformat()},
        )
    elif not_before and moment < not_before:
        report.certificate_valid_at_signing = False
        report.add(
            "certificate_not_yet_valid",
            _("El certificado del firmante aún no era válido cuando se firmó."),
        )
    else:
        report.certificate_valid_at_signing = True


def check_chain(
    report: SignatureReport,
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    revinfo: tuple[list, list] | None = None,
) -> None:
    """Chain to the configured trust anchors at signing time; revocation when switched on."""
    moment = _signing_moment(report)
    if report.certificate_valid_at_signing is False:
        # The chain is judged at a moment when the leaf was valid, so that an untrusted root
        # or a revocation still shows up next to the expiry.
        moment = report.certificate_not_before or moment
        moment = moment + dt.timedelta(seconds=1)
    checking = revocation_check_enabled()
    fetch_log = FetchLog()
    try:
        _validate_path_preferring_embedded(
            cert, other_certs, moment=moment, fetch_log=fetch_log, revinfo=revinfo
        )
    except cv_errors.RevokedError as exc:
        report.chain_ok = True
        report_revoked(report, exc)
        return
    except cv_errors.InsufficientRevinfoError as exc:
        report.chain_ok = True
        if checking and _revoked_after_signing(report, cert, other_certs, moment, revinfo):
            return
        report.revocation_status = REV_UNKNOWN
        report.add("revocation_unknown", revocation_unknown_reason(fetch_log, exc))
        return
    except (cv_errors.ExpiredError, cv_errors.NotYetValidError):
        report.chain_ok = False
        report.add(
            "chain_invalid",
            _("Un certificado de la cadena no era válido en la fecha de la firma."),
        )
        return
    except cv_errors.PathBuildingError:
        report.chain_ok = False
        report.add(
            "chain_untrusted",
            _(
                "El certificado del firmante no se encadena con ninguna autoridad de "
                "certificación de confianza."
            ),
        )
        return
    except (cv_errors.PathValidationError, cv_errors.ValidationError) as exc:
        report.chain_ok = False
        report.add(
            "chain_invalid",
            _("La cadena de certificación no es válida: %(detail)s")
            % {"detail": getattr(exc, "failure_msg", str(exc))},
        )
        return
    report.chain_ok = True
    if checking:
        report.revocation_status = REV_GOOD


def _validate_path_preferring_embedded(cert, other_certs, *, revinfo, **kwargs) -> None:
    """Revocation data carried by the signature first; only if it is not enough, fetch
    (pyhanko-certvalidator would not look at it once it fetches)."""
    if revinfo and (revinfo[0] or revinfo[1]) and revocation_check_enabled():
        try:
            _validate_path(cert, other_certs, revinfo=revinfo, allow_fetch=False, **kwargs)
            return
        except cv_errors.InsufficientRevinfoError:
            pass
    _validate_path(cert, other_certs, revinfo=revinfo, **kwargs)


def _validate_path(
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    *,
    moment: dt.datetime | None,
    fetch_log: FetchLog | None = None,
    usage: set[str] | frozenset[str] = frozenset(),
    extended_usage: set[str] | None = None,
    revinfo: tuple[list, list] | None = None,
    allow_fetch: bool = True,
) -> None:
    context = build_validation_context(
        moment=moment,
        extra_certs=other_certs,
        fetch_log=fetch_log,
        revinfo=revinfo,
        allow_fetch=allow_fetch,
    )
    validator = CertificateValidator(
        cert, intermediate_certs=other_certs, validation_context=context
    )
    asyncio.run(validator.async_validate_usage(set(usage), extended_usage))


_REVOCATION_REASONS = {
    "unspecified": gettext_noop("no especificado"),
    "key_compromise": gettext_noop("clave comprometida"),
    "ca_compromise": gettext_noop("autoridad de certificación comprometida"),
    "affiliation_changed": gettext_noop("cambio de afiliación"),
    "superseded": gettext_noop("sustituido por otro certificado"),
    "cessation_of_operation": gettext_noop("cese de actividad"),
    "certificate_hold": gettext_noop("certificado suspendido"),
    "remove_from_crl": gettext_noop("retirado de la lista de revocación"),
    "privilege_withdrawn": gettext_noop("privilegios retirados"),
    "aa_compromise": gettext_noop("autoridad de atributos comprometida"),
}


def _reason_label(reason) -> str:
    native = getattr(reason, "native", reason) or "unspecified"
    label = _REVOCATION_REASONS.get(str(native))
    return _(label) if label else str(native)


def report_revoked(report: SignatureReport, exc: cv_errors.RevokedError) -> None:
    report.revocation_status = REV_REVOKED
    when = getattr(exc, "revocation_dt", None)
    report.add(
        "certificate_revoked",
        _(
            "El certificado del firmante está revocado desde %(date)s, antes de la firma "
            "(motivo: %(reason)s)."
        )
        % {
            "date": when.isoformat() if when else "?",
            "reason": _reason_label(getattr(exc, "reason", None)),
        },
    )


def _revoked_after_signing(report, cert, other_certs, moment: dt.datetime, revinfo=None) -> bool:
    """Revoked, but after ``moment``? Then a timestamp before the revocation proves the
    signature existed while the certificate was good (valid); without one it is
    indeterminate. Returns False when that is not the case."""
    try:
        _validate_path_preferring_embedded(cert, other_certs, moment=None, revinfo=revinfo)
    except cv_errors.RevokedError as exc:
        when = _aware(getattr(exc, "revocation_dt", None))
        if when is None or when <= moment:
            report_revoked(report, exc)
            return True
        reason = _reason_label(getattr(exc, "reason", None))
        stamped = _aware(report.timestamp_time)
        report.revocation_status = REV_REVOKED_LATER
        if stamped is not None and stamped < when:
            report.warn(
                _(
                    "El certificado del firmante fue revocado el %(date)s (motivo: %(reason)s), "
                    "después de la firma; el sello de tiempo prueba que la firma es anterior."
                )
                % {"date": when.isoformat(), "reason": reason}
            )
        else:
            report.add(
                "revoked_no_poe",
                _(
                    "El certificado del firmante fue revocado el %(date)s (motivo: %(reason)s), "
                    "después de la fecha de firma declarada, pero ningún sello de tiempo prueba "
                    "que la firma sea anterior a la revocación."
                )
                % {"date": when.isoformat(), "reason": reason},
            )
        return True
    except (cv_errors.PathValidationError, cv_errors.ValidationError, cv_errors.PathBuildingError):
        return False
    return False


def timestamp_authority_problem(
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    when: dt.datetime | None,
    revinfo: tuple[list, list] | None = None,
) -> str | None:
    """Why the TSA certificate of a timestamp is not acceptable, or None if it is.

    It must chain to a trust anchor at the time of the timestamp and carry the
    ``timeStamping`` extended key usage (RFC 3161 2.3); revocation as for signers.
    """
    try:
        _validate_path_preferring_embedded(
            cert,
            other_certs,
            moment=_aware(when),
            extended_usage={"time_stamping"},
            revinfo=revinfo,
        )
    except cv_errors.RevokedError:
        return _("el certificado de la TSA está revocado.")
    except cv_errors.InsufficientRevinfoError:
        return _("no se ha podido comprobar si el certificado de la TSA está revocado.")
    except (cv_errors.ExpiredError, cv_errors.NotYetValidError):
        return _("el certificado de la TSA no era válido en la fecha del sello.")
    except cv_errors.PathBuildingError:
        return _(
            "el certificado de la TSA no se encadena con ninguna autoridad de certificación "
            "de confianza."
        )
    except cv_errors.InvalidCertificateError as exc:
        if "purpose" in str(exc).lower() or "usage" in str(exc).lower():
            return _(
                "el certificado de la TSA no está autorizado para emitir sellos de tiempo "
                "(falta el uso extendido timeStamping)."
            )
        return _("el certificado de la TSA no es válido: %(detail)s") % {"detail": exc}
    except (cv_errors.PathValidationError, cv_errors.ValidationError) as exc:
        return _("la cadena del certificado de la TSA no es válida: %(detail)s") % {
            "detail": getattr(exc, "failure_msg", str(exc))
        }
    return None


def revocation_unknown_reason(fetch_log: FetchLog, exc: Exception | None = None) -> str:
    if fetch_log.refused:
        return _(
            "No se ha podido comprobar si el certificado del firmante está revocado: no se "
            "consulta %(urls)s porque su servidor no está entre los permitidos "
            "(FIRMA_REVOCATION_HOSTS)."
        ) % {"urls": ", ".join(fetch_log.refused)}
    if fetch_log.failed:
        return _(
            "No se ha podido comprobar si el certificado del firmante está revocado: el "
            "servicio de revocación %(urls)s no responde o su respuesta no es válida."
        ) % {"urls": ", ".join(fetch_log.failed)}
    unknown = [url for url, status in fetch_log.ocsp_answers if status == "unknown"]
    if unknown:
        return _(
            "No se ha podido comprobar si el certificado del firmante está revocado: el "
            "servicio OCSP %(urls)s responde que no conoce el certificado."
        ) % {"urls": ", ".join(unknown)}
    if fetch_log.ocsp_answers:
        return _(
            "No se ha podido comprobar si el certificado del firmante está revocado: la "
            "respuesta OCSP de %(urls)s no es aceptable (firma, respondedor no autorizado "
            "o fechas)."
        ) % {"urls": ", ".join(url for url, _status in fetch_log.ocsp_answers)}
    if not allowed_hosts():
        return _(
            "No se ha podido comprobar si el certificado del firmante está revocado: la firma "
            "no incluye datos de revocación para él y no se consultan servicios externos "
            "(FIRMA_REVOCATION_HOSTS vacío)."
        )
    return _("No se ha podido comprobar si el certificado del firmante está revocado.")


def check_policy(report: SignatureReport, oid: str | None, digest: bytes | None, family: str):
    """FIR-1/FIR-2: the AGE policy v1.9 (or legacy v1.8) with the right hash."""
    if not oid:
        report.warn(_("La firma no indica política de firma (no es -EPES)."))
        return
    report.policy_oid = normalize_oid(oid)
    policy = policy_for_oid(oid)
    if policy is None:
        report.policy_ok = False
        report.add(
            "policy_not_accepted",
            _("La política de firma %(oid)s no es una de las aceptadas (AGE v1.9 o v1.8).")
            % {"oid": report.policy_oid},
        )
        return
    if digest is not None and digest not in {base64.b64decode(h) for h in policy.hashes.values()}:
        report.policy_ok = False
        report.add(
            "policy_hash_mismatch",
            _("La huella de la política de firma %(oid)s no coincide con la publicada.")
            % {"oid": policy.oid},
        )
        return
    report.policy_ok = True


def check_signer_certificate(
    report: SignatureReport,
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    revinfo: tuple[list, list] | None = None,
) -> None:
    describe_certificate(report, cert)
    check_validity_period(report, cert)
    check_chain(report, cert, other_certs, revinfo)


def report_certificate_mismatch(report: SignatureReport) -> None:
    report.add(
        "signer_certificate_mismatch",
        _("El certificado incluido no es el que la firma declara como certificado del firmante."),
    )
