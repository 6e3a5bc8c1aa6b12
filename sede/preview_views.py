"""Live preview of a form version (issue 16) for catalogue editors: the citizen's own step pages
(``sede/filing/step.html``, ``sede.forms.StepForm``, the engine's validation) rendered from a
draft ``FormularioVersion``, step by step, in the page's language (``/eu/…`` for Basque).

Nothing is saved as a ``Borrador``: the test answers live in the editor's session only, so the
conditions that depend on earlier steps behave as for a citizen. Posting a step shows exactly the
errors a citizen would see. Only catalogue editors (and administrators) may open it; everyone
else gets a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from identidad.workspace import staff_permission_required
from procedimientos.constants import PERMISO_GESTION_CATALOGO
from procedimientos.formularios.selectors import formulario_for_builder

from .filing.blocks import bind_fields, group_counts, step_blocks
from .filing.engine import Definition, get
from .filing.navigation import lang_of
from .forms import AdjuntoForm, StepForm

editor_required = staff_permission_required(PERMISO_GESTION_CATALOGO)


def _key(formulario) -> str:
    return f"sede:vista-previa:{formulario.pk}"


def _formulario(request, pk: int):
    formulario = formulario_for_builder(request.user, pk)
    if formulario is None:
        raise Http404
    return formulario


def _step_url(formulario, step_id: str) -> str:
    return reverse("sede:formulario_preview_step", args=[formulario.pk, step_id])


def _progress(formulario, definition, data, current: str, lang: str) -> list[dict]:
    steps = [
        {"id": s.id, "title": s.title(lang), "url": _step_url(formulario, s.id)}
        for s in definition.visible_steps(data)
    ]
    steps.append(
        {
            "id": "_revisar",
            "title": _("Revisar y presentar"),
            "url": reverse("sede:formulario_preview_end", args=[formulario.pk]),
        }
    )
    for s in steps:
        s["current"] = s["id"] == current
    return steps


def _common(request, formulario, definition, data, current: str, lang: str) -> dict:
    return {
        "preview": True,
        "formulario": formulario,
        "procedimiento": formulario.procedimiento,
        "progress": _progress(formulario, definition, data, current, lang),
        "builder_url": reverse("procedimientos:builder_edit", args=[formulario.pk]),
        "restart_url": reverse("sede:formulario_preview", args=[formulario.pk]),
    }


@editor_required
@require_http_methods(["GET", "POST"])
def formulario_preview(request, pk: int, step_id: str = ""):
    formulario = _formulario(request, pk)
    definition = Definition(formulario.schema, formulario.layout or {})
    if not definition.steps or not any(fs.spec["fields"] for fs in definition.steps[0].fieldsets):
        return render(
            request,
            "sede/preview/empty.html",
            _common(request, formulario, definition, {}, "", lang_of(request)),
        )
    if not step_id:
        # A fresh start: the test answers of an earlier preview are forgotten.
        request.session.pop(_key(formulario), None)
        return redirect(_step_url(formulario, definition.steps[0].id))
    current = definition.step(step_id)
    if current is None:
        raise Http404
    lang = lang_of(request)
    data = request.session.get(_key(formulario), {})
    if definition.is_attachments_step(current):
        return _attachments(request, formulario, definition, current, data, lang)

    errors: dict[str, list[str]] = {}
    post = None
    counts = None
    if request.method == "POST":
        action = request.POST.get("action", "next")
        counts = group_counts(definition, current, request.POST)
        if action.startswith("add:") and action[4:] in counts:
            counts[action[4:]] += 1
        data, coerce_errors = definition.parse_step(
            current, request.POST, data, group_counts=counts
        )
        if action.startswith("remove:"):
            path, _sep, index = action[7:].rpartition(":")
            items = get(data, path, [])
            if isinstance(items, list) and index.isdigit() and int(index) < len(items):
                del items[int(index)]
                counts[path] = len(items)
        request.session[_key(formulario)] = data
        if action == "back":
            previous = definition.previous_step(current.id, data)
            if previous is not None:
                return redirect(_step_url(formulario, previous.id))
            return redirect(reverse("procedimientos:builder_edit", args=[formulario.pk]))
        if not action.startswith(("add:", "remove:")):
            errors = definition.validate(data, step=current)
            errors.update(coerce_errors)
            if not errors:
                nxt = definition.next_step(current.id, data)
                if nxt is None:
                    return redirect("sede:formulario_preview_end", pk=formulario.pk)
                return redirect(_step_url(formulario, nxt.id))
            post = request.POST
    blocks, specs = step_blocks(definition, current, data, lang, counts)
    form = StepForm(specs, lang=lang, data_json=data, post=post)
    if errors:
        form.set_errors(errors)
        known = {s.pointer for s in specs}
        others = [m for p, ms in errors.items() if p not in known for m in ms]
        if others:
            form._errors["__all__"] = form.error_class(others)
    bind_fields(blocks, form, definition, lang)
    return render(
        request,
        "sede/filing/step.html",
        {
            **_common(request, formulario, definition, data, current.id, lang),
            "step": current,
            "step_title": current.title(lang),
            "blocks": blocks,
            "form": form,
            "is_first": definition.previous_step(current.id, data) is None,
        },
    )


def _attachments(request, formulario, definition, current, data, lang):
    """The attachments page as the citizen sees it; nothing is uploaded in a preview."""
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "back":
            previous = definition.previous_step(current.id, data)
            if previous is not None:
                return redirect(_step_url(formulario, previous.id))
        elif action == "next":
            nxt = definition.next_step(current.id, data)
            if nxt is None:
                return redirect("sede:formulario_preview_end", pk=formulario.pk)
            return redirect(_step_url(formulario, nxt.id))
        else:
            messages.info(request, _("En la vista previa no se adjuntan ficheros."))
        return redirect(_step_url(formulario, current.id))
    slots = []
    for i, doc in enumerate(formulario.procedimiento.required_documents or []):
        name = (doc.get("name_eu") if lang == "eu" else None) or doc.get("name_es", "")
        form = AdjuntoForm(prefix=f"slot{i}")
        form.fields["fichero"].label = _("Fichero: %(documento)s") % {"documento": name}
        slots.append(
            {"slot": str(i), "name": name, "mandatory": doc.get("mandatory", True), "form": form}
        )
    free_form = AdjuntoForm(prefix="libre")
    free_form.fields["fichero"].label = _("Fichero: otro documento")
    return render(
        request,
        "sede/filing/attachments.html",
        {
            **_common(request, formulario, definition, data, current.id, lang),
            "step": current,
            "step_title": current.title(lang),
            "slots": slots,
            "free": [],
            "free_form": free_form,
            "summary_form": None,
            "continue_problems": [],
            "max_file_mb": settings.SEDE_MAX_FILE_BYTES // (1024 * 1024),
            "max_total_mb": settings.SEDE_MAX_SUBMISSION_BYTES // (1024 * 1024),
            "max_files": settings.SEDE_MAX_FILES,
        },
    )


@editor_required
def formulario_preview_end(request, pk: int):
    """The end of the preview: the answers as the review page would list them, with the
    errors that would still stop the citizen from filing."""
    formulario = _formulario(request, pk)
    definition = Definition(formulario.schema, formulario.layout or {})
    lang = lang_of(request)
    data = request.session.get(_key(formulario), {})
    problems = []
    for pointer, msgs in definition.validate(data).items():
        target = definition.step_of(pointer)
        if target is not None and definition.is_attachments_step(target):
            continue
        spec = definition.field(pointer) if pointer.startswith("/") else None
        for message in msgs:
            problems.append(
                {
                    "label": spec.label(lang) if spec and spec.key else "",
                    "message": message,
                    "url": _step_url(formulario, target.id) if target else "",
                }
            )
    summary = definition.summary(data, lang)
    for block in summary:
        block["url"] = _step_url(formulario, block["step"].id)
    return render(
        request,
        "sede/preview/end.html",
        {
            **_common(request, formulario, definition, data, "_revisar", lang),
            "summary": summary,
            "problems": problems,
        },
    )
