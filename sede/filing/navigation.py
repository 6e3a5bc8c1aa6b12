"""Helpers shared by the filing views: language, level check, draft lookup, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from identidad.constants import NivelGarantia
from identidad.session import identification_level

from .. import selectors


def lang_of(request) -> str:
    return (getattr(request, "LANGUAGE_CODE", "es") or "es")[:2]


def level_redirect(request, procedimiento, borrador=None):
    """Send the citizen to identify again when the session's level is below the procedure's.

    Not for an assisted filing: there the official checked the identity document in person."""
    if borrador is not None and borrador.asistida:
        return None
    minimum = int(procedimiento.min_identification_level)
    if identification_level(request) >= minimum:
        return None
    messages.warning(
        request,
        _(
            "Este trámite exige un nivel de garantía de identificación %(nivel)s o superior. "
            "Identifíquese con un método de ese nivel, por ejemplo con certificado electrónico."
        )
        % {"nivel": NivelGarantia(minimum).label.lower()},
    )
    return redirect_to_login(request.get_full_path())


def borrador_or_404(request, public_id):
    try:
        return selectors.borrador_for_user(request.user, public_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def step_url(borrador, step_id: str) -> str:
    return reverse("sede:filing_step", args=[borrador.public_id, step_id])


def progress(definition, borrador, current: str, lang: str) -> list[dict]:
    steps = [
        {"id": s.id, "title": s.title(lang), "url": step_url(borrador, s.id)}
        for s in definition.visible_steps(borrador.data)
    ]
    # One review step, then — only when the procedure needs a signature (CAT-5) — one
    # signature step; without a signature the application is submitted from the review.
    signs = borrador.procedimiento.signature_required
    from ..pagos_flow import tasa_due

    pays = tasa_due(borrador) is not None  # a fee to pay first (docs/pagos.md)
    steps.append(
        {
            "id": "_revisar",
            "title": _("Revisar") if signs or pays else _("Revisar y presentar"),
            "url": reverse("sede:filing_review", args=[borrador.public_id]),
        }
    )
    if pays:
        steps.append(
            {
                "id": "_pagar",
                "title": _("Pagar la tasa") if signs else _("Pagar y presentar"),
                "url": reverse("sede:filing_pago", args=[borrador.public_id]),
            }
        )
    if signs:
        steps.append(
            {
                "id": "_firmar",
                "title": _("Firmar y presentar"),
                "url": reverse("sede:filing_sign", args=[borrador.public_id]),
            }
        )
    for s in steps:
        s["current"] = s["id"] == current
    return steps
