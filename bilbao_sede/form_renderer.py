"""The form renderer: Django's own, with the commonest widgets written out in Python.

Django renders each widget through templates — ``select.html`` includes one
``select_option.html`` per option and every one of them ``attrs.html`` — so a form of a
dozen fields costs dozens of template renders (a staff case file page with its action
forms spent about a third of its time there). :class:`FastWidgetRenderer` produces the SAME
markup for the stock templates of the plain widgets (inputs, checkbox, select, textarea)
in Python, with the template engine's own rules for each value (``render_value_in_context``:
localisation and escaping; ``stringformat:'s'`` keeping a safe string safe). Any other
template — a custom widget, a radio list, a project override of a stock template — goes
through the templates as before; ``tests/test_form_renderer.py`` renders every fast
widget both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.backends.django import DjangoTemplates as DjangoTemplatesBackend
from django.template.base import render_value_in_context
from django.utils.functional import cached_property
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_STOCK_DIR = Path(__import__("django.forms").forms.__file__).parent / "templates"

# Stock templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
_INPUT_WRAPPERS = (
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "search",
    "tel",
    "color",
    "checkbox",
    "file",
)


def _text(value, context: Context) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, context)


def _stringformat(value, context: Context) -> str:
    """``{{ value|stringformat:'s' }}`` (the filter is ``is_safe``: safe in, safe out)."""
    out = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    if isinstance(value, SafeData):
        out = mark_safe(out)  # noqa: S308 - the value was already safe
    return render_value_in_context(out, context)


class _FallbackError(Exception):
    """A value the templates would treat in a way not reproduced here: use them."""


def _attrs(attrs: dict, context: Context) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if callable(value) or callable(name):
            raise _FallbackError  # the template engine would call it
        if value is not False:
            out.append(" " + _text(name, context))
            if value is not True:
                out.append('="' + _stringformat(value, context) + '"')
    return "".join(out)


def _input(widget: dict, context: Context) -> str:
    """``input.html`` (without its trailing newline)."""
    value = widget["value"]
    if callable(value):
        raise _FallbackError
    html = '<input type="' + _text(widget["type"], context) + '" name="'
    html += _text(widget["name"], context) + '"'
    if value is not None:
        html += ' value="' + _stringformat(value, context) + '"'
    return html + _attrs(widget["attrs"], context) + ">"


def _option(option: dict, context: Context) -> str:
    """``select_option.html`` (without its trailing newline)."""
    if option.get("template_name") != _WIDGETS + "select_option.html":
        raise _FallbackError
    return (
        '<option value="'
        + _stringformat(option["value"], context)
        + '"'
        + _attrs(option["attrs"], context)
        + ">"
        + _text(option["label"], context)
        + "</option>"
    )


def _select(widget: dict, context: Context) -> str:
    """``select.html``."""
    html = '<select name="' + _text(widget["name"], context) + '"'
    html += _attrs(widget["attrs"], context) + ">"
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            html += '\n  <optgroup label="' + _text(group_name, context) + '">'
        for option in group_choices:
            html += "\n  " + _option(option, context) + "\n"
        if group_name:
            html += "\n  </optgroup>"
    return html + "\n</select>"


def _textarea(widget: dict, context: Context) -> str:
    """``textarea.html``."""
    value = widget["value"]
    if callable(value):
        raise _FallbackError
    html = '<textarea name="' + _text(widget["name"], context) + '"'
    html += _attrs(widget["attrs"], context) + ">\n"
    if value:
        html += _text(value, context)
    return html + "</textarea>"


_FAST: dict[str, Callable[[dict, Context], str]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in _INPUT_WRAPPERS},
    _WIDGETS + "input.html": _input,
    _WIDGETS + "select.html": _select,
    _WIDGETS + "textarea.html": _textarea,
}
# The templates each fast path stands for (all must be Django's own, not overridden).
_COVERS = {
    _WIDGETS + "select.html": (_WIDGETS + "select_option.html", _WIDGETS + "attrs.html"),
    _WIDGETS + "textarea.html": (_WIDGETS + "attrs.html",),
}


class ProjectBoundField(BoundField):
    """Django's bound field, with a default for what ``components/field.html`` asks of it."""

    # The filing engine sets ``condition`` on its conditional fields; on any other field the
    # template's ``{% if field.condition %}`` would miss, and on each miss the template engine
    # calls dir() on the field (to tell a failing @property from a missing name): a dozen
    # times per page of a staff list with filters.
    condition = None


class FastWidgetRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the plain widgets rendered in Python (same HTML), and
    :class:`ProjectBoundField` for every form's fields."""

    bound_field_class = ProjectBoundField

    @cached_property
    def _fast(self) -> dict[str, Callable[[dict, Context], str]]:
        """The fast paths whose templates are Django's stock ones in this project."""

        def stock(name: str) -> bool:
            engine = cast(DjangoTemplatesBackend, self.engine).engine  # the template Engine
            origin = Path(engine.get_template(name).origin.name)
            return origin.is_relative_to(_STOCK_DIR)

        out = {}
        for name, render in _FAST.items():
            covered = _COVERS.get(name, (_WIDGETS + "input.html", _WIDGETS + "attrs.html"))
            if stock(name) and all(stock(c) for c in covered):
                out[name] = render
        return out

    def render(self, template_name, context, request=None):
        render = self._fast.get(template_name)
        if render is not None and request is None and set(context) == {"widget"}:
            try:
                return render(context["widget"], Context(autoescape=True)).strip()
            except _FallbackError:
                pass
        return super().render(template_name, context, request=request)
