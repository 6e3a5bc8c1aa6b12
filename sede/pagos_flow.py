"""The payment step of the filing flow (docs/pagos.md): between the review and the
signature/submission, for a procedure whose catalogue entry sets a fee (``tasa``).

The fee is computed from the answers (``pagos.tasas``); the payment counts only when the
gateway's verified notification authorised it for this draft and this amount. Submission
(``services.borrador_submit``) asks ``pago_for_submission`` and attaches the payment proof."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pagos.models import Pago
from pagos.selectors import pago_valid_for, pagos_for_referencia
from pagos.tasas import Tasa, tasa_of

from .filing.refusals import FilingRefused
from .models import Borrador


def referencia_of(borrador: Borrador) -> str:
    """What pagos records as paid: the draft's public id (pagos never imports sede)."""
    return str(borrador.public_id)


def tasa_due(borrador: Borrador) -> Tasa | None:
    return tasa_of(borrador.procedimiento, borrador.data or {})


def pago_state(borrador: Borrador) -> dict:
    """For the templates: the fee, the payment that covers it and the earlier attempts."""
    tasa = tasa_due(borrador)
    if tasa is None:
        return {"tasa": None, "pagado": None, "intentos": [], "pending": False}
    pagado = pago_valid_for(referencia_of(borrador), tasa.amount_cents)
    return {
        "tasa": tasa,
        "amount_eur": f"{tasa.amount_cents // 100},{tasa.amount_cents % 100:02d}",
        "pagado": pagado,
        "intentos": list(pagos_for_referencia(referencia_of(borrador))[:10]),
        "pending": pagado is None,
        "url": reverse("sede:filing_pago", args=[borrador.public_id]),
    }


def pago_redirect(borrador: Borrador):
    """The payment step when the fee is due and not paid yet; None otherwise."""
    tasa = tasa_due(borrador)
    if tasa is None or pago_valid_for(referencia_of(borrador), tasa.amount_cents) is not None:
        return None
    return redirect("sede:filing_pago", public_id=borrador.public_id)


def pago_for_submission(borrador: Borrador) -> Pago | None:
    """The authorised payment of the fee, None when there is no fee; refuses when the fee is
    due and no verified notification authorised it (a hand-crafted POST included)."""
    tasa = tasa_due(borrador)
    if tasa is None:
        return None
    pago = pago_valid_for(referencia_of(borrador), tasa.amount_cents)
    if pago is None:
        raise FilingRefused(
            _("Antes de presentar la solicitud tiene que pagar la tasa (%(importe)s €).")
            % {"importe": f"{tasa.amount_cents // 100},{tasa.amount_cents % 100:02d}"}
        )
    return pago


def justificante_documento(pago: Pago, language: str):
    """The payment proof as a document of the registry entry (an attachment: TD99 in the
    case file, «Justificante de pago»)."""
    from django.utils import translation

    from pagos.justificante import justificante_filename, render_justificante_pdf
    from registro.services import DocumentoNuevo

    with translation.override(language):
        nombre = justificante_filename(pago)
    return DocumentoNuevo(
        nombre=nombre,
        content=render_justificante_pdf(pago, language=language),
        mime="application/pdf",
    )
