"""The reads of the firma app, with the access rules applied once, here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .constants import EstadoAccion, EstadoPaso, EstadoPeticion
from .csv import csv_normalise
from .models import (
    AccionFirma,
    DocumentoVersion,
    FirmaDocumento,
    PeticionDocumento,
    PeticionFirma,
)


def csv_resolve(code: str) -> DocumentoVersion | None:
    """The version whose CSV is ``code`` (any case, spaces, dashes), or None.

    FIR-8: whoever holds the code may see the document; nothing else is revealed. The only
    work done for a well-formed code is one lookup by exact value.
    """
    normalised = csv_normalise(code)
    if normalised is None:
        return None
    return DocumentoVersion.objects.select_related("documento").filter(csv=normalised).first()


def version_firmas(version: DocumentoVersion) -> QuerySet[FirmaDocumento]:
    """The portafirmas signatures a version carries (its visible legends), oldest first."""
    return FirmaDocumento.objects.filter(documento__resultado=version).order_by("signed_at", "pk")


def version_validation(version: DocumentoVersion):
    """The validation report (EN 319 102-1 verdict) of a signed version, or None if it
    carries no electronic signature. Cached a few minutes per content and language."""
    if not version.tipo_firma:
        return None
    from django.core.cache import cache
    from django.utils import translation

    from .services.documentos import documento_read
    from .validation import validate

    key = f"firma:validation:{version.sha256}:{translation.get_language()}"
    report = cache.get(key)
    if report is None:
        report = validate(documento_read(version))
        cache.set(key, report, 300)
    return report


def _actionable() -> Q:
    return Q(
        estado=EstadoAccion.PENDIENTE,
        paso__estado=EstadoPaso.EN_CURSO,
        paso__peticion__estado=EstadoPeticion.EN_CURSO,
    )


def acciones_actionable() -> QuerySet[AccionFirma]:
    """Actions waiting for their signer now (their step is the current one)."""
    return AccionFirma.objects.filter(_actionable())


def inbox_for(user) -> QuerySet[AccionFirma]:
    """The signer's inbox: the actions that wait for ``user`` now, oldest request first."""
    return (
        acciones_actionable()
        .filter(firmante=user)
        .select_related("paso__peticion", "paso__peticion__created_by")
        .order_by("paso__peticion__fecha_limite", "paso__peticion__created_at", "pk")
    )


def acciones_of(user) -> QuerySet[AccionFirma]:
    """Every action assigned to ``user`` (pending or not): only the signer sees an action."""
    return AccionFirma.objects.filter(firmante=user).select_related("paso__peticion")


def acciones_signing(user) -> QuerySet[AccionFirma]:
    """The user's signatures queued and not yet made (they leave the inbox at once)."""
    return acciones_of(user).filter(estado=EstadoAccion.EN_COLA).order_by("queued_at", "pk")


def can_create_peticiones(user) -> bool:
    """Sending documents to be signed is a role's permission, not a consequence of being staff."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("firma.add_peticionfirma")
    )


def peticiones_for(user) -> QuerySet[PeticionFirma]:
    """Requests ``user`` created or takes part in; nobody else sees them."""
    if not user.is_authenticated or not user.is_staff:
        return PeticionFirma.objects.none()
    ids = AccionFirma.objects.filter(firmante=user).values("paso__peticion_id")
    return (
        PeticionFirma.objects.filter(Q(created_by=user) | Q(pk__in=ids))
        .select_related("created_by")
        .distinct()
    )


def peticion_documentos(peticion: PeticionFirma) -> QuerySet[PeticionDocumento]:
    return peticion.documentos.select_related("borrador", "resultado", "documento")


def peticion_documento_content(pd: PeticionDocumento) -> tuple[bytes, str, str]:
    """What a participant reads now: the signed result, the copy being signed, or the draft."""
    if pd.resultado_id:
        field, name, mime = pd.resultado.content, pd.resultado.name, pd.resultado.mime
    elif pd.trabajo:
        field, name, mime = pd.trabajo, pd.borrador.name, pd.borrador.mime
    else:
        field, name, mime = pd.borrador.content, pd.borrador.name, pd.borrador.mime
    with field.open("rb") as fh:
        return fh.read(), name, mime
