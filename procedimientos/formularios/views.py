"""The form builder's staff pages (catalogue editors): the procedures and their form versions,
a new draft, the builder page (each edit a POST of one operation; no JavaScript needed) and the
raw JSON view. Thin: parse the form, call ``services.formulario_builder_apply``, render."""

from __future__ import annotations

import json
import re
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from identidad.models import User
from identidad.workspace import staff_permission_required

from ..constants import PERMISO_GESTION_CATALOGO
from ..models import FormularioCongelado, FormularioVersion
from . import bloques, editor, prefill, selectors, services, validadores
from .editor import EdicionInvalida
from .forms import (
    FORMS,
    AddFieldForm,
    BlockForm,
    ConditionForm,
    FieldForm,
    FieldsetForm,
    JsonForm,
    PrefillForm,
    RequiredIfForm,
    StepForm,
    ValidatorForm,
    options_text,
)

editor_required = staff_permission_required(PERMISO_GESTION_CATALOGO)
ANCHOR = re.compile(r"^#[A-Za-z0-9_-]{1,80}$")


def _frozen_message() -> str:
    return _(
        "Esta versión está publicada y no se puede cambiar: las solicitudes presentadas "
        "apuntan a ella. Cree una versión nueva (borrador) a partir de ella."
    )


@editor_required
def builder_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.procedimientos_for_builder(request.user, q=q), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "procedimientos/builder/list.html", {"page": page, "q": q})


@editor_required
@require_POST
def builder_new(request: HttpRequest, code: str) -> HttpResponse:
    procedimiento = selectors.procedimiento_for_builder(request.user, code)
    draft = services.formulario_draft_new(
        procedimiento=procedimiento,
        copy_latest=request.POST.get("base") != "empty",
        by=cast(User, request.user),  # signed in: editor_required
    )
    messages.success(
        request,
        _("Se ha creado la versión %(version)s (borrador).") % {"version": draft.version},
    )
    return redirect("procedimientos:builder_edit", pk=draft.pk)


def _formulario(request: HttpRequest, pk: int) -> FormularioVersion:
    formulario = selectors.formulario_for_builder(request.user, pk)
    if formulario is None:
        raise Http404
    return formulario


def _apply(request, formulario, form) -> list[dict]:
    """Run the form's operation; the problems to show (empty when saved)."""
    if not form.is_valid():
        return _problems(form)
    operation, kwargs = form.operation()
    try:
        services.formulario_builder_apply(
            formulario=formulario, operation=operation, by=request.user, **kwargs
        )
    except FormularioCongelado:
        return [{"text": _frozen_message(), "href": "#estado"}]
    except EdicionInvalida as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _problems(form)
    return []


def _anchor_for(target: str) -> str:
    """Where a step, fieldset or field is on the builder page (move and delete errors)."""
    kind, _sep, ref = (target or "").partition(":")
    if kind == "step":
        return f"#paso-{ref}"
    if kind == "fieldset":
        return "#apartado-" + ref.replace("/", "-")
    if kind == "field":
        return "#fila-" + slugify(target)
    return "#estado"


def _problems(form) -> list[dict]:
    first = next((b for b in form if not b.is_hidden), None)
    target = str(form.data.get(form.add_prefix("target"), ""))
    anchor = f"#{first.auto_id}" if first is not None else _anchor_for(target)
    out = [{"text": str(e), "href": anchor} for e in form.non_field_errors()]
    for bound in form:
        for error in bound.errors:
            label = bound.label if not bound.is_hidden else ""
            text = f"{label}: {error}" if label else str(error)
            out.append({"text": text, "href": f"#{bound.auto_id}" if label else anchor})
    return out


@editor_required
def builder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    formulario = _formulario(request, pk)
    campo = request.GET.get("campo") or request.POST.get("campo") or ""
    failed = None
    problems: list[dict] = []
    if request.method == "POST":
        op = request.POST.get("op", "")
        form_class = FORMS.get(op)
        if form_class is None:
            raise Http404
        prefix = request.POST.get("prefix") or None
        kwargs = {}
        if form_class is FieldForm:
            node = editor.node_at(formulario.schema, request.POST.get(f"{prefix}-target", ""))
            kwargs["kind"] = editor.kind_of(node or {})
        if form_class is RequiredIfForm:
            kwargs["pointer"] = request.POST.get(f"{prefix}-target", "")
        form = form_class(
            request.POST,
            prefix=prefix,
            schema=formulario.schema,
            layout=formulario.layout or {},
            **kwargs,
        )
        problems = _apply(request, formulario, form)
        if not problems:
            messages.success(request, _("Cambios guardados."))
            url = reverse("procedimientos:builder_edit", args=[formulario.pk])
            if campo:
                url += "?campo=" + campo
            anchor = request.POST.get("anchor") or ""
            return redirect(url + (anchor if ANCHOR.match(anchor) else ""))
        failed = (prefix, form)
    context = _page(formulario, campo=campo, failed=failed)
    context["problems"] = problems
    return render(request, "procedimientos/builder/edit.html", context)


def _bind(failed, prefix: str, build):
    """The failed POST's bound form when it is this one, else a fresh one."""
    if failed is not None and failed[0] == prefix:
        return failed[1]
    return build()


def _page(formulario: FormularioVersion, *, campo: str, failed) -> dict:
    schema, layout = formulario.schema, formulario.layout or {}
    common = {"schema": schema, "layout": layout}
    rows = editor.outline(schema, layout)
    for step in rows:
        p = f"s-{step['id']}"
        step["prefix"], step["cond_prefix"] = p, f"sc-{step['id']}"
        step["form"] = _bind(
            failed,
            p,
            lambda s=step, p=p: StepForm(
                prefix=p,
                initial={"target": s["target"], **{k: s[k] for k in ("title_es", "title_eu")}},
                **common,
            ),
        )
        step["cond_form"] = _condition_form(failed, step, step["cond_prefix"], common)
        for fs in step["fieldset_rows"]:
            p = f"f-{step['id']}-{fs['id']}"
            fs["prefix"], fs["cond_prefix"] = p, f"fc-{step['id']}-{fs['id']}"
            fs["form"] = _bind(
                failed,
                p,
                lambda f=fs, p=p: FieldsetForm(
                    prefix=p,
                    initial={
                        "target": f["target"],
                        **{k: f.get(k, "") for k in ("legend_es", "legend_eu")},
                        **{k: f.get(k, "") for k in ("help_es", "help_eu")},
                    },
                    **common,
                ),
            )
            fs["cond_form"] = _condition_form(failed, fs, fs["cond_prefix"], common)
    context = {
        "formulario": formulario,
        "procedimiento": formulario.procedimiento,
        "frozen": formulario.is_frozen,
        "steps": rows,
        "add_form": _bind(failed, "nuevo", lambda: AddFieldForm(prefix="nuevo", **common)),
        "block_form": _bind(failed, "bloque", lambda: BlockForm(prefix="bloque", **common)),
        "has_blocks": bool(bloques.BLOQUES),
        "form_rules": _form_rules(schema, failed, common),
        "campo": None,
    }
    if campo:
        context["campo"] = _field_panel(schema, layout, rows, campo, failed, common)
    return context


def _form_rules(schema: dict, failed, common: dict) -> list[dict]:
    """The cross-field rules (validators written in the form's ``x-rules``)."""
    rows = []
    for v in validadores.VALIDADORES.values():
        if v.keyword != "x-rules" and v.kinds:
            continue
        prefix = f"r-{v.id}"
        rows.append(
            {
                "v": v,
                "on": [r for r in schema.get("x-rules", []) if r.get("rule") == v.id],
                "form": _bind(
                    failed,
                    prefix,
                    lambda v=v, prefix=prefix: ValidatorForm(
                        prefix=prefix,
                        validador=v,
                        initial={"target": "", "validator": v.id},
                        **common,
                    ),
                ),
            }
        )
    return rows


def _condition_form(failed, holder: dict, prefix: str, common: dict):
    cond = holder.get("condition") or {}
    values = [cond["equals"]] if "equals" in cond else cond.get("in", [])
    shown = ", ".join(("sí" if v is True else "no" if v is False else str(v)) for v in values)
    return _bind(
        failed,
        prefix,
        lambda: ConditionForm(
            prefix=prefix,
            initial={"target": holder["target"], "field": cond.get("field", ""), "values": shown},
            **common,
        ),
    )


def _field_panel(schema, layout, rows, target, failed, common) -> dict | None:
    row = next(
        (
            f
            for s in rows
            for fs in s["fieldset_rows"]
            for f in fs["field_rows"]
            if f["target"] == target and f["editable"]
        ),
        None,
    )
    if row is None:
        return None
    pointer = row["absolute"]
    node = editor.node_at(schema, pointer) or {}
    initial = {
        "target": pointer,
        "title_es": row["title_es"],
        "title_eu": row["title_eu"],
        "help_es": row["help_es"],
        "help_eu": row["help_eu"],
        "required": row["required"],
        "options": options_text(node),
        "max_length": node.get("maxLength"),
    }
    rule = row["required_if"]
    rule_values = ", ".join(
        ("sí" if v is True else "no" if v is False else str(v)) for v in (rule[1] if rule else [])
    )
    source = row["prefill"] or {}
    validators = []
    for v in validadores.VALIDADORES.values():
        if v.keyword == "x-rules" or not v.kinds:
            continue
        if not editor.family(row["kind"]) & set(v.kinds):
            continue
        prefix = f"v-{v.id}"
        validators.append(
            {
                "v": v,
                "on": v.id in row["validators"],
                "form": _bind(
                    failed,
                    prefix,
                    lambda v=v, prefix=prefix: ValidatorForm(
                        prefix=prefix,
                        validador=v,
                        initial={"target": pointer, "validator": v.id},
                        **common,
                    ),
                ),
            }
        )
    return {
        "row": row,
        "form": _bind(
            failed,
            "campo",
            lambda: FieldForm(prefix="campo", kind=row["kind"], initial=initial, **common),
        ),
        "required_if_form": _bind(
            failed,
            "oblig",
            lambda: RequiredIfForm(
                prefix="oblig",
                pointer=pointer,
                initial={
                    "target": pointer,
                    "field": rule[0] if rule else "",
                    "values": rule_values,
                },
                **common,
            ),
        ),
        "validators": validators,
        "prefill_form": _bind(
            failed,
            "prefill",
            lambda: PrefillForm(
                prefix="prefill",
                initial={
                    "target": pointer,
                    "source": f"{source['source']}|{source['key']}" if source else "",
                    "editable": source.get("editable", True),
                },
                **common,
            ),
        ),
        "has_prefill": bool(prefill.FUENTES),
    }


@editor_required
def builder_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The raw definition for advanced editors, judged like every other edit."""
    formulario = _formulario(request, pk)
    common = {"schema": formulario.schema, "layout": formulario.layout or {}}
    problems: list[dict] = []
    if request.method == "POST":
        form = JsonForm(request.POST, **common)
        problems = _apply(request, formulario, form)
        if not problems:
            messages.success(request, _("Cambios guardados."))
            return redirect("procedimientos:builder_json", pk=formulario.pk)
    else:
        form = JsonForm(
            initial={
                "schema_json": json.dumps(formulario.schema, indent=2, ensure_ascii=False),
                "layout_json": json.dumps(formulario.layout or {}, indent=2, ensure_ascii=False),
            },
            **common,
        )
    return render(
        request,
        "procedimientos/builder/json.html",
        {
            "formulario": formulario,
            "procedimiento": formulario.procedimiento,
            "frozen": formulario.is_frozen,
            "form": form,
            "problems": problems,
        },
    )
