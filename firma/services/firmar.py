"""Portafirmas signing (FIR-5), run in Celery: each queued action signs every document of
its request once, with the visible legend of delegation or suplencia (Ley 40/2015 12.3, 13.4).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firma.constants import EstadoAccion, EstadoPeticion, ModoFirma
from firma.models import AccionFirma, FirmaDocumento, FirmanteConfig, PeticionFirma

from .portafirmas import _advance

logger = logging.getLogger(__name__)


def _signer_name(user) -> str:
    full = getattr(user, "full_name", "") or user.get_full_name()
    return full or user.get_username()


def leyenda_for(accion: AccionFirma) -> str:
    """The text of the visible signature: who signs and, if so, for whom (FIR-5).

    Ley 40/2015: delegated acts say so and name the delegating authority (12.3); under
    suplencia, the substituted holder and who actually signs (13.4).
    """
    name = _signer_name(accion.firmante)
    if accion.modo == ModoFirma.DELEGACION:
        return _("%(firmante)s, por delegación de %(autoridad)s") % {
            "firmante": name,
            "autoridad": accion.en_nombre_de,
        }
    if accion.modo == ModoFirma.SUPLENCIA:
        return _("%(firmante)s, por suplencia de %(titular)s") % {
            "firmante": name,
            "titular": accion.en_nombre_de,
        }
    return name


def appearance_for(accion: AccionFirma) -> dict:
    """The ``appearance`` argument of ``firma.signing.sign`` for this action."""
    appearance = {"signer_name": _signer_name(accion.firmante)}
    if accion.modo in (ModoFirma.DELEGACION, ModoFirma.SUPLENCIA):
        appearance.update({"on_behalf_of": accion.en_nombre_de, "mode": accion.modo})
    return appearance


def _signature_box(index: int) -> tuple[int, int, int, int]:
    """Where the ``index``-th visible signature of a document goes on its first page.

    Two per row, rows stacked upwards from just above the CSV stamp, so parallel and
    sequential signatures never cover each other or the CSV.
    """
    x = 36 + (index % 2) * 272
    y = 66 + (index // 2) * 76
    return (x, y, x + 262, y + 70)


@transaction.atomic
def accion_sign_execute(*, accion_id: int) -> AccionFirma | None:
    """Sign every document of the request for a queued action; idempotent.

    An action that is not queued (already signed, rejected, annulled) is left alone; a
    document this action already signed is not signed again. The request row is locked while
    signing, so parallel signers of one step append their signatures one after the other.
    """
    from firma.keys import get_signer
    from firma.signing import sign

    accion = (
        AccionFirma.objects.select_for_update(of=("self",))
        .select_related("firmante", "paso")
        .filter(pk=accion_id)
        .first()
    )
    if accion is None or accion.estado != EstadoAccion.EN_COLA:
        return accion
    peticion = PeticionFirma.objects.select_for_update().get(pk=accion.paso.peticion_id)
    if peticion.estado != EstadoPeticion.EN_CURSO:
        return accion
    config = FirmanteConfig.objects.filter(user_id=accion.firmante_id).first()
    if config is None:
        raise ValidationError(_("El firmante no tiene configurado un certificado de firma."))
    signer = get_signer(config.keystore_name)
    leyenda = leyenda_for(accion)
    appearance = appearance_for(accion)
    for pd in peticion.documentos.select_related("borrador").order_by("orden", "pk"):
        if FirmaDocumento.objects.filter(accion=accion, documento=pd).exists():
            continue
        with pd.trabajo.open("rb") as fh:
            data = fh.read()
        result = sign(
            data,
            fmt="pades",
            signer=signer,
            reason=peticion.asunto,
            appearance={
                **appearance,
                "box": _signature_box(pd.firmas.count()),
                **({"role": config.cargo} if config.cargo else {}),
            },
        )
        old_name = pd.trabajo.name
        pd.trabajo.save(pd.borrador.name, ContentFile(result.data), save=False)
        pd.save(update_fields=["trabajo"])
        storage = pd.trabajo.storage
        transaction.on_commit(lambda name=old_name, st=storage: st.delete(name))
        FirmaDocumento.objects.create(
            accion=accion,
            documento=pd,
            signed_at=getattr(result, "signed_at", None) or timezone.now(),
            signer_subject=str(getattr(result, "signer_subject", "") or "")[:500],
            tipo_firma=str(getattr(result, "tipo_firma", "") or "")[:4],
            policy_oid=str(getattr(result, "policy_oid", "") or "")[:100],
            leyenda=leyenda[:500],
        )
    accion.estado = EstadoAccion.HECHA
    accion.done_at = timezone.now()
    accion.error = ""
    accion.save(update_fields=["estado", "done_at", "error"])
    _advance(accion.paso_id)
    logger.info("firma: accion %s signed", accion.pk)
    return accion


@transaction.atomic
def accion_sign_failed(*, accion_id: int, error: str) -> None:
    """Signing failed: the action goes back to the inbox with the error shown."""
    AccionFirma.objects.filter(pk=accion_id, estado=EstadoAccion.EN_COLA).update(
        estado=EstadoAccion.PENDIENTE, error=error[:2000]
    )


def acciones_requeue_stuck(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Sweep: re-enqueue queued signatures whose task the broker lost (idempotent task)."""
    from firma.tasks import accion_sign_task

    cutoff = timezone.now() - older_than
    ids = list(
        AccionFirma.objects.filter(
            estado=EstadoAccion.EN_COLA,
            paso__peticion__estado=EstadoPeticion.EN_CURSO,
            queued_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        accion_sign_task.delay(pk)
    return len(ids)
