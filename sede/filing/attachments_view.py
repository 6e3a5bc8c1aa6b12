"""The attachments step: one slot per required document, free attachments, refusals."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from uploads import Limits, UploadRefused, check_file_size

from .. import selectors, services
from ..forms import (
    AdjuntoForm,
)
from .navigation import progress, step_url


def attachments_step(request, borrador, definition, current, lang):
    slots = selectors.slot_names(borrador, lang)
    error_form = None
    continue_problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action.startswith("remove:"):
            try:
                services.adjunto_remove(borrador=borrador, adjunto_id=int(action[7:]))
            except (ValueError, ObjectDoesNotExist) as exc:
                raise Http404 from exc
            messages.info(request, _("Documento quitado."))
            return redirect(step_url(borrador, current.id))
        if action.startswith("upload:"):
            slot = action[7:]
            prefix = f"slot{slot}" if slot else "libre"
            form = AdjuntoForm(request.POST, request.FILES, prefix=prefix)
            if form.is_valid():
                upload = form.cleaned_data["fichero"]
                try:
                    check_file_size(  # before reading it
                        nombre=upload.name, size=upload.size, limits=Limits.sede()
                    )
                    services.adjunto_add(
                        borrador=borrador,
                        upload=services.Upload(
                            nombre=upload.name,
                            data=upload.read(),
                            mime=upload.content_type or "",
                        ),
                        slot=slot,
                        description=form.cleaned_data.get("description", ""),
                    )
                except UploadRefused as exc:
                    form.add_error("fichero", str(exc))
                except services.FilingRefused as exc:
                    form.add_error("fichero", exc.message)
                else:
                    messages.success(
                        request, _("Documento «%(nombre)s» adjuntado.") % {"nombre": upload.name}
                    )
                    return redirect(step_url(borrador, current.id))
            error_form = (prefix, form)
        elif action == "back":
            previous = definition.previous_step(current.id, borrador.data)
            target = previous.id if previous else current.id
            return redirect(step_url(borrador, target))
        elif action in ("next", "save"):
            errors = selectors.borrador_errors(borrador, lang)
            problems = errors.get("adjuntos", []) + [
                m
                for p, ms in errors.items()
                for fs in current.fieldsets
                if fs.repeat and (p == fs.repeat["path"] or p.startswith(fs.repeat["path"] + "/"))
                for m in ms
            ]
            if action == "save":
                messages.success(request, _("Borrador guardado."))
                return redirect(step_url(borrador, current.id))
            if not problems:
                nxt = definition.next_step(current.id, borrador.data)
                borrador.current_step = nxt.id if nxt else current.id
                borrador.save(update_fields=["current_step", "updated_at"])
                if nxt is None:
                    return redirect("sede:filing_review", public_id=borrador.public_id)
                return redirect(step_url(borrador, nxt.id))
            continue_problems = problems
    adjuntos = list(borrador.adjuntos.all())
    by_slot = {}
    for a in adjuntos:
        by_slot.setdefault(a.slot, []).append(a)
    slot_rows = []
    for s in slots:
        prefix = f"slot{s['slot']}"
        form = (
            error_form[1] if error_form and error_form[0] == prefix else AdjuntoForm(prefix=prefix)
        )
        # Each file input is named after its document: several "Fichero" labels would be
        # ambiguous to a screen reader.
        form.fields["fichero"].label = _("Fichero: %(documento)s") % {"documento": s["name"]}
        slot_rows.append({**s, "adjuntos": by_slot.get(s["slot"], []), "form": form})
    free_form = (
        error_form[1] if error_form and error_form[0] == "libre" else AdjuntoForm(prefix="libre")
    )
    free_form.fields["fichero"].label = _("Fichero: otro documento")
    return render(
        request,
        "sede/filing/attachments.html",
        {
            "borrador": borrador,
            "procedimiento": borrador.procedimiento,
            "step": current,
            "step_title": current.title(lang),
            "slots": slot_rows,
            "free": by_slot.get("", []),
            "free_form": free_form,
            "summary_form": error_form[1] if error_form else None,
            "continue_problems": continue_problems,
            "progress": progress(definition, borrador, current.id, lang),
            "max_file_mb": settings.SEDE_MAX_FILE_BYTES // (1024 * 1024),
            "max_total_mb": settings.SEDE_MAX_SUBMISSION_BYTES // (1024 * 1024),
            "max_files": settings.SEDE_MAX_FILES,
        },
        status=200,
    )
