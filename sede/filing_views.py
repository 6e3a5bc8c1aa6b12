"""Views of the filing flow: start, form steps, attachments, review, signature, submit,
receipt. Thin: parse, authorise (selectors), call one service, render. No JavaScript needed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from identidad.constants import NivelGarantia
from identidad.models import Interesado
from identidad.session import identification_level, identification_method

from . import selectors, services
from .constants import MetodoFirma
from .filing import prefill
from .filing.attachments_view import attachments_step
from .filing.blocks import bind_fields, group_counts, step_blocks
from .filing.documento import solicitud_filename
from .filing.engine import get
from .filing.navigation import borrador_or_404, lang_of, level_redirect, progress, step_url
from .forms import (
    FirmaCertificadoForm,
    FirmaConcertadaForm,
    OnBehalfForm,
    StepForm,
)
from .pagos_flow import pago_redirect, pago_state

# --- Start -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """The procedure's start page: who the application is for, then a new draft."""
    try:
        procedimiento, formulario = selectors.procedimiento_for_filing(code)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if (response := level_redirect(request, procedimiento)) is not None:
        return response
    from apoderamientos.selectors import interesados_for

    own = services.own_interesado(request.user)
    interesados = interesados_for(request.user, procedimiento) if own else []
    form = OnBehalfForm(
        request.POST if request.method == "POST" else None,
        interesados=interesados,
        own_pk=own.pk if own else None,
    )
    drafts = selectors.borradores_of(request.user).filter(procedimiento=procedimiento)[:5]
    if request.method == "POST":
        wanted = request.POST.get("interesado", "")
        chosen = next((i for i in interesados if str(i.pk) == wanted), None)
        if chosen is None and wanted.isdigit():
            # Not offered: apoderamientos says why (no power, expired, another procedure...).
            chosen = Interesado.objects.filter(pk=int(wanted)).first()
        try:
            if wanted and chosen is None:
                raise services.FilingRefused(_("Elija en nombre de quién presenta la solicitud."))
            borrador = services.borrador_start(
                user=request.user,
                procedimiento=procedimiento,
                formulario=formulario,
                on_behalf_of=chosen if chosen and own and chosen.pk != own.pk else None,
            )
        except services.FilingRefused as exc:
            form.is_valid()
            form.errors["interesado"] = form.error_class([exc.message])
        else:
            return redirect(step_url(borrador, borrador.current_step))
    return render(
        request,
        "sede/filing/start.html",
        {
            "procedimiento": procedimiento,
            "form": form,
            "drafts": drafts,
            "represents_others": len(interesados) > 1,
            "level_label": NivelGarantia(procedimiento.min_identification_level).label.lower(),
            "expiry_days": settings.SEDE_DRAFT_EXPIRY_DAYS,
        },
    )


@login_required
def resume(request, public_id):
    borrador = borrador_or_404(request, public_id)
    definition = selectors.definition_of(borrador)
    step_id = borrador.current_step or definition.steps[0].id
    if definition.step(step_id) is None:
        step_id = definition.steps[0].id
    return redirect(step_url(borrador, step_id))


# --- Form steps ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step(request, public_id, step_id: str):
    borrador = borrador_or_404(request, public_id)
    if (response := level_redirect(request, borrador.procedimiento, borrador)) is not None:
        return response
    definition = selectors.definition_of(borrador)
    current = definition.step(step_id)
    if current is None:
        raise Http404
    lang = lang_of(request)
    if definition.is_attachments_step(current):
        return attachments_step(request, borrador, definition, current, lang)

    errors: dict[str, list[str]] = {}
    post = None
    counts = None
    if request.method == "GET":
        # Fields of this step still empty: ask their prefill sources again (issue 16).
        services.borrador_prefill(borrador=borrador, pointers=definition.step_pointers(current, {}))
    data = borrador.data
    if request.method == "POST":
        action = request.POST.get("action", "next")
        counts = group_counts(definition, current, request.POST)
        remove = None
        if action.startswith("add:"):
            path = action[4:]
            if path in counts:
                fs = next(f for f in current.fieldsets if f.repeat and f.repeat["path"] == path)
                counts[path] = min(counts[path] + 1, int(fs.repeat.get("max", 50)))
        elif action.startswith("remove:"):
            path, _sep, index = action[7:].rpartition(":")
            if path in counts and index.isdigit():
                remove = (path, int(index))
        data, coerce_errors = definition.parse_step(
            current, request.POST, borrador.data, group_counts=counts
        )
        if remove is not None:
            items = get(data, remove[0], [])
            if isinstance(items, list) and remove[1] < len(items):
                del items[remove[1]]
                counts[remove[0]] = len(items)
        services.borrador_save(borrador=borrador, data=data, step_id=current.id)
        if action.startswith(("add:", "remove:")):
            return _render_step(request, borrador, definition, current, lang, data, {}, counts)
        if action == "back":
            previous = definition.previous_step(current.id, data)
            return redirect(
                step_url(borrador, previous.id)
                if previous
                else reverse("sede:filing_start", args=[borrador.procedimiento.code])
            )
        if action == "save":
            messages.success(
                request,
                _("Borrador guardado. Puede continuar más tarde desde Mi carpeta."),
            )
            return redirect(step_url(borrador, current.id))
        errors = definition.validate(data, step=current)
        errors.update(coerce_errors)
        if not errors:
            nxt = definition.next_step(current.id, data)
            if nxt is None:
                return redirect("sede:filing_review", public_id=borrador.public_id)
            borrador.current_step = nxt.id
            borrador.save(update_fields=["current_step", "updated_at"])
            return redirect(step_url(borrador, nxt.id))
        post = request.POST
    return _render_step(
        request, borrador, definition, current, lang, data, errors, counts, post=post
    )


def _render_step(request, borrador, definition, current, lang, data, errors, counts, post=None):
    blocks, specs = step_blocks(definition, current, data, lang, counts)
    form = StepForm(specs, lang=lang, data_json=data, post=post)
    records = borrador.prefill or {}
    prefill.annotate(form, records, data)
    for block in blocks:
        if block["repeat"]:
            path = block["repeat"]["path"]
            block["prefill"] = prefill.block_note(records, path, data)
            if prefill.locked(records, path):  # the groups are the source's: no add/remove
                block["repeat"]["can_add"] = block["repeat"]["can_remove"] = False
    group_errors = []
    if errors:
        form.set_errors(errors)
        known = {s.pointer for s in specs}
        group_errors = [m for p, ms in errors.items() if p not in known for m in ms]
        if group_errors:
            form._errors["__all__"] = form.error_class(group_errors)
    bind_fields(blocks, form, definition, lang)
    return render(
        request,
        "sede/filing/step.html",
        {
            "borrador": borrador,
            "procedimiento": borrador.procedimiento,
            "step": current,
            "step_title": current.title(lang),
            "blocks": blocks,
            "form": form,
            "progress": progress(definition, borrador, current.id, lang),
            "is_first": definition.previous_step(current.id, data) is None,
        },
    )


# --- Attachments -------------------------------------------------------------------------


# --- Review, signature, submission ------------------------------------------------------


def _review_context(request, borrador, definition, lang):
    errors = selectors.borrador_errors(borrador, lang)
    problems = []
    for pointer, msgs in errors.items():
        target = definition.step_of(pointer) if pointer != "adjuntos" else None
        if pointer == "adjuntos" or target is None:
            target = next((s for s in definition.steps if definition.is_attachments_step(s)), None)
        spec = definition.field(pointer) if pointer.startswith("/") else None
        label = spec.label(lang) if spec and spec.key else ""
        for message in msgs:
            problems.append(
                {
                    "label": label,
                    "message": message,
                    "url": step_url(borrador, target.id) if target else "",
                }
            )
    summary = definition.summary(borrador.data, lang)
    for block in summary:
        block["url"] = step_url(borrador, block["step"].id)
    attachments = next((s for s in definition.steps if definition.is_attachments_step(s)), None)
    return {
        "borrador": borrador,
        "procedimiento": borrador.procedimiento,
        "summary": summary,
        "adjuntos": list(borrador.adjuntos.all()),
        "attachments_url": step_url(borrador, attachments.id) if attachments else "",
        "problems": problems,
        "progress": progress(definition, borrador, "_revisar", lang),
    }


@login_required
def review(request, public_id):
    borrador = borrador_or_404(request, public_id)
    if (response := level_redirect(request, borrador.procedimiento, borrador)) is not None:
        return response
    definition = selectors.definition_of(borrador)
    context = _review_context(request, borrador, definition, lang_of(request))
    context["pago"] = pago_state(borrador)  # the fee, when the procedure charges one
    return render(request, "sede/filing/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, public_id):
    """CAT-5: (a) identified citizen with a strong level + council seal; (b) the PDF signed
    with the citizen's own certificate, validated by firma."""
    borrador = borrador_or_404(request, public_id)
    procedimiento = borrador.procedimiento
    if (response := level_redirect(request, procedimiento, borrador)) is not None:
        return response
    if not procedimiento.signature_required:
        return redirect("sede:filing_review", public_id=borrador.public_id)
    if (response := pago_redirect(borrador)) is not None:  # the fee first (docs/pagos.md)
        return response
    if borrador.asistida:
        from .asistida.views import sign_as_habilitado

        return sign_as_habilitado(request, borrador)
    lang = lang_of(request)
    to_review = redirect("sede:filing_review", public_id=borrador.public_id)
    # Nothing to sign while data is missing: the review lists each problem with a link. A
    # valid POST is checked once, by borrador_submit (on the locked draft), not here too.
    if request.method != "POST" and selectors.borrador_errors(borrador, lang):
        return to_review
    level = identification_level(request)
    minimum = int(settings.SEDE_SIGNATURE_MIN_LEVEL)
    concertada = FirmaConcertadaForm()
    certificado = FirmaCertificadoForm()
    if request.method == "POST":
        method = request.POST.get("method")
        signed = None
        if method == MetodoFirma.CLAVE_CONCERTADA:
            concertada = FirmaConcertadaForm(request.POST)
            ok = concertada.is_valid()
            form = concertada
        else:
            method = MetodoFirma.CERTIFICADO
            certificado = FirmaCertificadoForm(request.POST, request.FILES)
            ok = certificado.is_valid()
            form = certificado
            if ok:
                signed = certificado.cleaned_data["firmado"].read()
        if not ok and selectors.borrador_errors(borrador, lang):
            return to_review
        if ok:
            try:
                presentacion = services.borrador_submit(
                    borrador=borrador,
                    user=request.user,
                    language=lang,
                    session_level=level,
                    session_method=identification_method(request) or "",
                    firma_method=method,
                    signed_pdf=signed,
                )
            except services.FilingRefused as exc:
                if exc.errors:  # the data has problems (borrador_errors)
                    return to_review
                form.add_error(
                    None if method == MetodoFirma.CLAVE_CONCERTADA else "firmado", exc.message
                )
            else:
                return redirect("sede:filing_receipt", public_id=presentacion.public_id)
    definition = selectors.definition_of(borrador)
    return render(
        request,
        "sede/filing/sign.html",
        {
            "borrador": borrador,
            "procedimiento": procedimiento,
            "concertada": concertada,
            "certificado": certificado,
            "strong_enough": level >= minimum,
            "login_url": reverse("identidad:login") + "?next=" + request.path,
            "minimum_label": NivelGarantia(minimum).label.lower(),
            "metodo_concertada": MetodoFirma.CLAVE_CONCERTADA.value,
            "metodo_certificado": MetodoFirma.CERTIFICADO.value,
            "progress": progress(definition, borrador, "_firmar", lang),
        },
    )


@login_required
def solicitud_pdf(request, public_id):
    borrador = borrador_or_404(request, public_id)
    if selectors.borrador_errors(borrador, lang_of(request)):
        # An application with errors is not offered for signing (issue 15 §1).
        return redirect("sede:filing_review", public_id=borrador.public_id)
    pdf = services.solicitud_prepare(borrador=borrador)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = solicitud_filename(borrador)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def submit(request, public_id):
    """Submit without a signature (procedures that need identification only, CAT-5).
    A second POST of the same draft shows the same receipt (idempotent)."""
    from .models import Presentacion

    existing = Presentacion.objects.filter(borrador__public_id=public_id, user=request.user).first()
    if existing is not None:
        return redirect("sede:filing_receipt", public_id=existing.public_id)
    borrador = borrador_or_404(request, public_id)
    if (response := level_redirect(request, borrador.procedimiento, borrador)) is not None:
        return response
    if borrador.procedimiento.signature_required:
        return redirect("sede:filing_sign", public_id=borrador.public_id)
    if (response := pago_redirect(borrador)) is not None:  # the fee first (docs/pagos.md)
        return response
    try:
        presentacion = services.borrador_submit(
            borrador=borrador,
            user=request.user,
            language=lang_of(request),
            session_level=identification_level(request),
            session_method=identification_method(request) or "",
        )
    except services.FilingRefused as exc:
        messages.error(request, exc.message)
        return redirect("sede:filing_review", public_id=borrador.public_id)
    return redirect("sede:filing_receipt", public_id=presentacion.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, public_id):
    borrador = borrador_or_404(request, public_id)
    if request.method == "POST":
        services.borrador_delete(borrador=borrador, actor=request.user)
        messages.info(request, _("Borrador eliminado."))
        return redirect("sede:mi_carpeta")
    return render(request, "sede/filing/delete.html", {"borrador": borrador})


# --- Receipt -----------------------------------------------------------------------------


def pagos_of_presentacion(presentacion) -> list:
    """The fee paid for this filing's draft (and refunded, if so), shown on the receipt."""
    from pagos.constants import EstadoPago
    from pagos.selectors import pagos_for_referencia

    paid = (EstadoPago.AUTORIZADO, EstadoPago.DEVUELTO)
    return list(pagos_for_referencia(str(presentacion.borrador.public_id)).filter(estado__in=paid))


def _presentacion(request, public_id):
    try:
        return selectors.presentacion_for_user(request.user, public_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def receipt(request, public_id):
    presentacion = _presentacion(request, public_id)
    asiento = presentacion.asiento
    return render(
        request,
        "sede/filing/receipt.html",
        {
            "presentacion": presentacion,
            "asiento": asiento,
            "procedimiento": presentacion.procedimiento,
            "documentos": list(asiento.documentos.all()),
            "moved": asiento.effective_at != asiento.presented_at,
            "pagos": pagos_of_presentacion(presentacion),
        },
    )


@login_required
def receipt_pdf(request, public_id):
    """REG-5: the sealed receipt — sealed now if no worker has got to it yet (the task
    then finds it done), or, when a worker is sealing it right now, that worker's seal,
    waited for up to ``SEDE_RECEIPT_WAIT_MS`` (rendering a provisional copy meanwhile would
    cost as much CPU as the seal itself); a provisional copy, marked as such, past that
    wait or if it cannot be sealed."""
    from registro.justificante import render_receipt_pdf, sealed_receipt_bytes
    from registro.services import justificante_for_filer

    presentacion = _presentacion(request, public_id)
    asiento = justificante_for_filer(
        asiento=presentacion.asiento, wait_ms=settings.SEDE_RECEIPT_WAIT_MS
    )
    pdf = sealed_receipt_bytes(asiento) if asiento.is_sealed else None
    if pdf is None:
        pdf = render_receipt_pdf(asiento)
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file is named in the page's language ("justificante-…" / "egiaztagiria-…").
    name = _("justificante-%(numero)s.pdf") % {"numero": asiento.numero.replace("/", "-")}
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
