"""Checks on the signer's certificate: chain to our anchors, validity at signing time,
revocation (when switched on) and the signature policy identifier (FIR-1, FIR-2)."""

from __future__ import annotations

import asyncio
import base64
import contextvars
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
from .trust import build_validation_context, revocation_check_enabled, trust_anchors


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


_now_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "firma_validation_now", default=None
)


def current_time() -> dt.datetime:
    """The current time of this validation (``validate(..., validation_time=...)`` sets it)."""
    return _now_override.get() or dt.datetime.now(dt.UTC)


def _judged_at(report: SignatureReport) -> tuple[dt.datetime, str]:
    """EN 319 102-1: the certificate is judged at the time of a trusted proof of existence
    (a signature timestamp from a trusted TSA), else now. The signer's claimed signing time
    is not a proof."""
    poe = _aware(report.timestamp_time)
    if poe is not None:
        return poe, _(
            "fecha del sello de tiempo de confianza, que prueba que la firma ya existía entonces"
        )
    if report.signing_time is not None:
        return current_time(), _(
            "fecha actual: no hay sello de tiempo de confianza y la fecha de firma declarada "
            "por el firmante no es una prueba"
        )
    return current_time(), _("fecha actual: no hay sello de tiempo de confianza")


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
    """Is the certificate within its validity period at the time it is judged at?"""
    moment, basis = _judged_at(report)
    report.validation_time = moment
    report.validation_time_basis = str(basis)
    not_before = report.certificate_not_before
    not_after = report.certificate_not_after
    poe = _aware(report.timestamp_time)
    claimed = _aware(report.signing_time)
    if not_after and moment > not_after:
        report.certificate_valid_at_signing = False
        if poe is not None:
            reason = _(
                "El certificado del firmante caducó el %(date)s y el sello de tiempo "
                "(%(poe)s) es posterior: nada prueba que la firma se hiciera durante su validez."
            ) % {"date": not_after.date().isoformat(), "poe": poe.isoformat()}
        elif claimed is not None and claimed <= not_after:
            reason = _(
                "El certificado del firmante caducó el %(date)s. La firma declara haberse hecho "
                "el %(claimed)s, pero esa fecha la pone el firmante y no es una prueba: ningún "
                "sello de tiempo de confianza prueba que la firma sea anterior a la caducidad."
            ) % {"date": not_after.date().isoformat(), "claimed": claimed.isoformat()}
        else:
            reason = _(
                "El certificado del firmante caducó el %(date)s y ningún sello de tiempo de "
                "confianza prueba que la firma se hiciera antes."
            ) % {"date": not_after.date().isoformat()}
        report.add("certificate_expired", reason)
    elif not_before and moment < not_before:
        report.certificate_valid_at_signing = False
        if poe is not None:
            report.add(
                "certificate_not_yet_valid",
                _(
                    "El sello de tiempo prueba que la firma existía el %(poe)s, antes de que "
                    "empezara la validez del certificado del firmante (%(date)s)."
                )
                % {"poe": poe.isoformat(), "date": not_before.isoformat()},
            )
        else:
            report.add(
                "certificate_expired",
                _("El certificado del firmante aún no es válido (lo será desde %(date)s).")
                % {"date": not_before.isoformat()},
            )
    else:
        report.certificate_valid_at_signing = True
        if claimed is not None and not_before and claimed < not_before:
            report.warn(
                _(
                    "La fecha de firma declarada (%(claimed)s) es anterior a la validez del "
                    "certificado; no se tiene en cuenta porque no es una prueba."
                )
                % {"claimed": claimed.isoformat()}
            )


def _chain_moment(report: SignatureReport) -> dt.datetime:
    """When the leaf is outside its validity at the judged time, judge the rest of the path
    at a moment inside it, so that an untrusted root or a revocation still shows."""
    moment = report.validation_time or current_time()
    if report.certificate_valid_at_signing is False:
        not_after = _aware(report.certificate_not_after)
        not_before = _aware(report.certificate_not_before)
        if not_after is not None and moment > not_after:
            return not_after - dt.timedelta(seconds=1)
        if not_before is not None:
            return not_before + dt.timedelta(seconds=1)
    return moment


_CONSTRAINT_WORDS = ("name constraint", "path length", "policy", "permitted", "excluded")


def check_chain(
    report: SignatureReport,
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    revinfo: tuple[list, list] | None = None,
) -> None:
    """Path to the configured trust anchors at the judged time; revocation when switched on.

    A path that cannot be built is INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND; a path that is
    built but breaks a rule is CHAIN_CONSTRAINTS_FAILURE (name constraints, path length,
    policies) or CERTIFICATE_CHAIN_GENERAL_FAILURE (e.g. an issuer that is not a CA).
    """
    moment = _chain_moment(report)
    checking = revocation_check_enabled()
    fetch_log = FetchLog()
    try:
        path = _validate_path_preferring_embedded(
            cert, other_certs, moment=moment, fetch_log=fetch_log, revinfo=revinfo
        )
    except cv_errors.RevokedError as exc:
        report.chain_ok = True
        _set_path(report, getattr(exc, "original_path", None))
        report_revoked(report, exc)
        return
    except cv_errors.InsufficientRevinfoError as exc:
        report.chain_ok = True
        _set_path(report, getattr(exc, "original_path", None))
        if checking and _status_now_settles_it(report, cert, other_certs, revinfo):
            return
        report.revocation_status = REV_UNKNOWN
        report.add("revocation_unknown", revocation_unknown_reason(fetch_log, exc))
        return
    except (cv_errors.ExpiredError, cv_errors.NotYetValidError):
        report.chain_ok = False
        report.add(
            "ca_certificate_expired",
            _(
                "Un certificado de autoridad de la cadena no era válido en la fecha en que se "
                "juzga la firma (%(when)s) y ningún sello de tiempo prueba que fuera anterior."
            )
            % {"when": moment.isoformat()},
        )
        return
    except cv_errors.PathBuildingError:
        report.chain_ok = False
        report.add(
            "chain_untrusted",
            _(
                "El certificado del firmante no se encadena con ninguna autoridad de "
                "certificación de confianza: %(missing)s (se han usado los %(count)s "
                "certificados que incluye la firma o el documento)."
            )
            % {"missing": what_is_missing(cert, other_certs), "count": len(other_certs)},
        )
        return
    except (cv_errors.PathValidationError, cv_errors.ValidationError) as exc:
        report.chain_ok = False
        detail = getattr(exc, "failure_msg", None) or str(exc)
        _set_path(report, getattr(exc, "original_path", None))
        if any(word in detail.lower() for word in _CONSTRAINT_WORDS):
            code = "chain_constraints"
        else:
            code = "chain_invalid"
        if "is not a ca" in detail.lower():
            detail = _(
                "un certificado que emite otro de la cadena no es de autoridad de "
                "certificación (no tiene basicConstraints CA)"
            )
        report.add(
            code, _("La cadena de certificación no es válida: %(detail)s") % {"detail": detail}
        )
        return
    report.chain_ok = True
    _set_path(report, path)
    if checking:
        report.revocation_status = REV_GOOD
        if _aware(report.timestamp_time) is not None:
            _revoked_after_poe(report, cert, other_certs, revinfo)


def what_is_missing(cert: asn1_x509.Certificate, other_certs: list) -> str:
    """Name what stops the path: the issuer nobody supplied, or the untrusted root."""
    by_subject = {c.subject.dump(): c for c in other_certs}
    current = cert
    for _step in range(len(other_certs) + 1):
        if current.self_signed in ("yes", "maybe") and current.subject == current.issuer:
            return _("la raíz «%(name)s» no está entre las autoridades de confianza") % {
                "name": current.subject.human_friendly
            }
        issuer = by_subject.get(current.issuer.dump())
        if issuer is None:
            return _(
                "falta el certificado del emisor «%(issuer)s» (ni la firma ni el documento lo "
                "incluyen y no es una autoridad de confianza)"
            ) % {"issuer": current.issuer.human_friendly}
        current = issuer
    return _("la cadena no llega a ninguna autoridad de confianza")


def _status_now_settles_it(report, cert, other_certs, revinfo) -> bool:
    """Judged at a past proof of existence, today's revocation data may be too recent for
    that moment: if today the certificate is not revoked, or was revoked only after the
    proof, that settles it. Returns False when it does not."""
    poe = _aware(report.timestamp_time)
    if poe is None:
        return False
    try:
        path = _validate_path_preferring_embedded(
            cert, other_certs, moment=current_time(), revinfo=revinfo
        )
    except cv_errors.RevokedError as exc:
        when = _aware(getattr(exc, "revocation_dt", None))
        if when is None or when <= poe:
            report_revoked(report, exc)
            return True
        report.revocation_status = REV_REVOKED_LATER
        report.warn(
            _(
                "El certificado del firmante fue revocado el %(date)s (motivo: %(reason)s), "
                "después de la firma; el sello de tiempo de confianza prueba que la firma es "
                "anterior."
            )
            % {"date": when.isoformat(), "reason": _reason_label(getattr(exc, "reason", None))}
        )
        return True
    except (cv_errors.PathValidationError, cv_errors.ValidationError, cv_errors.PathBuildingError):
        return False
    _set_path(report, path)
    report.revocation_status = REV_GOOD
    return True


def _set_path(report: SignatureReport, path) -> None:
    """Keep the certificates of the validated path (leaf first) for the crypto checks."""
    if path is None:
        return
    try:
        certs = list(path.iter_certs(include_root=True))
    except Exception:  # noqa: BLE001
        return
    report.__dict__["_path"] = list(reversed(certs))


def check_crypto_constraints(
    report: SignatureReport,
    cert: asn1_x509.Certificate,
    *,
    digest: str | None,
    signature_algorithm=None,
) -> None:
    """The constraints table (:mod:`.constraints`) on the signature and on every certificate
    of the path but the trust anchor."""
    from . import constraints

    poe = _aware(report.timestamp_time)
    sig_digest = digest
    if signature_algorithm is not None:
        try:
            sig_digest = signature_algorithm.hash_algo or digest
        except (ValueError, KeyError):
            sig_digest = digest
    found = constraints.breaches(digest=digest, public_key=cert.public_key)
    if sig_digest and sig_digest != digest:
        found += constraints.breaches(digest=sig_digest, public_key=None)
    verdict = constraints.judge(found, made_after=_aware(report.certificate_not_before), poe=poe)
    if verdict is None:
        path = report.__dict__.get("_path") or [cert]
        anchors = {a.dump() for a in trust_anchors()}
        for index, link in enumerate(path):
            if link.dump() in anchors:
                break
            issuer = path[index + 1] if index + 1 < len(path) else None
            if issuer is None:
                break
            validity = link["tbs_certificate"]["validity"]
            verdict = constraints.judge(
                constraints.certificate_breaches(link, issuer),
                made_after=_aware(validity["not_before"].native),
                poe=poe,
            )
            if verdict is not None:
                break
    if verdict is None:
        return
    code, breach = verdict
    until = breach.until.date().isoformat() if breach.until else None
    if code == "crypto_constraints":
        if until:
            text = _(
                "Se ha usado %(what)s, que no se acepta para firmas hechas después del "
                "%(until)s (tabla de restricciones criptográficas), y esta es posterior."
            ) % {"what": breach.what, "until": until}
        else:
            text = _(
                "Se ha usado %(what)s, que no se acepta (tabla de restricciones criptográficas)."
            ) % {"what": breach.what}
    else:
        text = _(
            "Se ha usado %(what)s, que solo se acepta hasta el %(until)s, y ningún sello de "
            "tiempo de confianza prueba que la firma sea anterior."
        ) % {"what": breach.what, "until": until}
    report.add(code, text)


def _validate_path_preferring_embedded(cert, other_certs, *, revinfo, **kwargs):
    """Revocation data carried by the signature first; only if it is not enough, fetch
    (pyhanko-certvalidator would not look at it once it fetches). Returns the path."""
    if revinfo and (revinfo[0] or revinfo[1]) and revocation_check_enabled():
        try:
            return _validate_path(cert, other_certs, revinfo=revinfo, allow_fetch=False, **kwargs)
        except cv_errors.InsufficientRevinfoError:
            pass
    return _validate_path(cert, other_certs, revinfo=revinfo, **kwargs)


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
):
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
    return asyncio.run(validator.async_validate_usage(set(usage), extended_usage))


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
    """Revoked at the judged time. The signer's own claimed signing time after the revocation
    makes it TOTAL-FAILED/REVOKED; otherwise nothing proves the signature came first:
    INDETERMINATE/REVOKED_NO_POE (REVOKED_CA_NO_POE for an authority of the path)."""
    when = _aware(getattr(exc, "revocation_dt", None))
    reason = _reason_label(getattr(exc, "reason", None))
    values = {"date": when.isoformat() if when else "?", "reason": reason}
    claimed = _aware(report.signing_time)
    if not getattr(exc, "is_ee_cert", True):
        report.revocation_status = REV_REVOKED
        report.add(
            "ca_revoked_no_poe",
            _(
                "Un certificado de autoridad de la cadena está revocado desde %(date)s "
                "(motivo: %(reason)s) y ningún sello de tiempo prueba que la firma sea anterior."
            )
            % values,
        )
        return
    report.revocation_status = REV_REVOKED
    if when is None or (claimed is not None and when <= claimed):
        report.add(
            "certificate_revoked",
            _(
                "El certificado del firmante está revocado desde %(date)s, antes de la fecha "
                "de firma que la propia firma declara (motivo: %(reason)s)."
            )
            % values,
        )
        return
    report.revocation_status = REV_REVOKED_LATER
    report.add(
        "revoked_no_poe",
        _(
            "El certificado del firmante fue revocado el %(date)s (motivo: %(reason)s) y "
            "ningún sello de tiempo de confianza prueba que la firma sea anterior a la "
            "revocación (la fecha de firma declarada no es una prueba)."
        )
        % values,
    )


def _revoked_after_poe(report, cert, other_certs, revinfo=None) -> None:
    """Valid at the time of the trusted timestamp: say so if it was revoked afterwards."""
    try:
        _validate_path_preferring_embedded(
            cert, other_certs, moment=current_time(), revinfo=revinfo
        )
    except cv_errors.RevokedError as exc:
        when = _aware(getattr(exc, "revocation_dt", None))
        report.revocation_status = REV_REVOKED_LATER
        report.warn(
            _(
                "El certificado del firmante fue revocado el %(date)s (motivo: %(reason)s), "
                "después de la firma; el sello de tiempo de confianza prueba que la firma es "
                "anterior."
            )
            % {
                "date": when.isoformat() if when else "?",
                "reason": _reason_label(getattr(exc, "reason", None)),
            }
        )
    except (cv_errors.PathValidationError, cv_errors.ValidationError, cv_errors.PathBuildingError):
        return


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
        return _(
            "el certificado de la TSA ha caducado (o no era válido) en la fecha en que se "
            "comprueba, y ningún sello de tiempo de archivo posterior prueba que el sello sea "
            "anterior."
        )
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
    """FIR-1/FIR-2 and configured policies: a known policy's digest must match (else
    INDETERMINATE/POLICY_PROCESSING_ERROR); an unknown policy is reported with its
    identifier, not failed; no policy at all is a note (not -EPES)."""
    if not oid:
        report.warn(_("La firma no indica política de firma (no es -EPES)."))
        return
    report.policy_oid = normalize_oid(oid)
    policy = policy_for_oid(oid)
    if policy is None:
        report.policy_name = ""
        report.policy_digest_ok = None
        report.policy_ok = None
        report.warn(
            _(
                "La firma declara la política de firma %(oid)s, que no es una de las conocidas "
                "(AGE v1.9 o v1.8, o las configuradas): se informa de ella, pero no se comprueban "
                "su huella ni sus reglas."
            )
            % {"oid": report.policy_oid}
        )
        return
    report.policy_name = policy.label
    report.__dict__["_policy"] = policy
    expected = {base64.b64decode(h) for h in policy.hashes.values()}
    if digest is not None and digest not in expected:
        report.policy_ok = False
        report.policy_digest_ok = False
        report.add(
            "policy_hash_mismatch",
            _("La huella de la política de firma %(oid)s (%(name)s) no coincide con la publicada.")
            % {"oid": policy.oid, "name": policy.label},
        )
        return
    report.policy_digest_ok = digest is not None or None
    report.policy_ok = True


def check_policy_rules(report: SignatureReport, *, digest: str | None, has_signing_cert_attr=None):
    """The rules of the signature's (known) policy, given as data."""
    policy = report.__dict__.get("_policy")
    if policy is None or not policy.rules:
        return
    rules = policy.rules
    broken = []
    if rules.get("require_timestamp") and report.timestamp_time is None:
        broken.append(_("exige un sello de tiempo de confianza y la firma no lo tiene"))
    allowed = [a.lower().replace("-", "_") for a in rules.get("digest_algorithms") or []]
    if allowed and digest and digest.lower().replace("-", "_") not in allowed:
        broken.append(_("no admite el algoritmo de resumen %(alg)s") % {"alg": digest})
    if rules.get("require_signing_certificate") and has_signing_cert_attr is False:
        broken.append(_("exige el atributo signing-certificate y la firma no lo tiene"))
    for problem in broken:
        report.policy_ok = False
        report.add(
            "policy_rule_failed",
            _("La política de firma %(name)s %(problem)s.")
            % {"name": policy.label, "problem": problem},
        )


def check_signer_certificate(
    report: SignatureReport,
    cert: asn1_x509.Certificate,
    other_certs: list[asn1_x509.Certificate],
    revinfo: tuple[list, list] | None = None,
    *,
    signer_info=None,
    digest: str | None = None,
) -> None:
    """Validity at the judged time, path, revocation and cryptographic constraints. Pass the
    CMS ``signer_info`` (CAdES, PAdES) or the signature's ``digest`` name (XAdES)."""
    describe_certificate(report, cert)
    check_validity_period(report, cert)
    check_chain(report, cert, other_certs, revinfo)
    if signer_info is not None:
        check_crypto_constraints(
            report,
            cert,
            digest=signer_info["digest_algorithm"]["algorithm"].native,
            signature_algorithm=signer_info["signature_algorithm"],
        )
    elif digest is not None:
        check_crypto_constraints(report, cert, digest=digest)
    if signer_info is not None:
        from . import cms_verify as cv

        check_policy_rules(
            report,
            digest=signer_info["digest_algorithm"]["algorithm"].native,
            has_signing_cert_attr=cv.signed_attr(signer_info, cv.OID_SIGNING_CERTIFICATE_V2)
            is not None
            or cv.signed_attr(signer_info, cv.OID_SIGNING_CERTIFICATE) is not None,
        )
    else:
        check_policy_rules(report, digest=digest)


def report_certificate_mismatch(report: SignatureReport) -> None:
    report.add(
        "signer_certificate_mismatch",
        _("El certificado incluido no es el que la firma declara como certificado del firmante."),
    )
