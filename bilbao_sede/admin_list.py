"""The rows of a big table's admin changelist written out in Python (issue 10).

Django's ``{% result_list %}`` builds every cell of the page on its own: for each of the 50
rows and each column it looks the field up again, rebuilds the choices' dictionary of a
choices field, asks ``reverse()`` for the row's change URL and re-parses the preserved
filters into it, and formats each piece through ``format_html``; then the template loops
over the cells. That was most of the CPU of a changelist page.

:func:`result_list_html` writes the same HTML (the same table, headers, classes, links and
escaping; checked against Django's own tag in ``tests/test_admin_list.py``) with what does
not depend on the row decided once per column: the field or the admin's callable, the
cell's classes, the empty value, the choices' labels, and the change URL (``reverse()`` and
the preserved filters once, with the row's key put in). What depends on the row goes
through Django's own helpers (``display_for_field``, ``display_for_value``,
``lookup_field``), so a column of any other kind is shown exactly as Django shows it.

Pages Django's path must keep: an editable list (``list_editable``: a form per row) and a
popup (the opener's data attribute); they use Django's tag unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
    result_list,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

RESULTS_TEMPLATE = "admin/large_table/change_list_results.html"

# Stands for the row's key in the change URL built once per page (the admin's change URL
# takes any path segment; the marker never occurs in a URL Django builds otherwise).
_KEY_MARKER = "0bilbaosedekey0"

Cell = Callable[[Any], str]


class LargeTableChangeList(ChangeList):
    """Django's changelist, plus ``result_list_html`` for the template
    ``admin/large_table/change_list.html``."""

    def result_list_html(self) -> SafeString:
        return result_list_html(self)


def result_list_html(cl: ChangeList) -> SafeString:
    if getattr(cl, "formset", None) or cl.is_popup:
        djangos = result_list(cl)  # Django's tag, unchanged
        return mark_safe(get_template("admin/change_list_results.html").render(djangos))
    headers = list(result_headers(cl))
    cells = _column_writers(cl)
    rows = "".join(
        "<tr>" + "".join(cell(result) for cell in cells) + "</tr>\n" for result in cl.result_list
    )
    context: dict[str, Any] = {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": bool(cl.result_list),
        "rows": mark_safe(rows),
    }
    return mark_safe(get_template(RESULTS_TEMPLATE).render(context))


def _column_writers(cl: ChangeList) -> list[Cell]:
    """One function per column, ``row → its cell's HTML``, as Django's ``items_for_result``
    writes it (``django/contrib/admin/templatetags/admin_list.py``)."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    change_url = _change_url_writer(cl)
    writers: list[Cell] = []
    first = True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            linked = False
        elif first and not cl.list_display_links:
            linked = True
        else:
            linked = name in cl.list_display_links
        tag = ""
        if linked:
            tag = "th" if first else "td"
            first = False
        writers.append(_column_writer(cl, name, index, empty, tag, change_url if linked else None))
    return writers


def _coerce_field_name(field_name, field_index) -> str:
    """The column's name in its cell's class, as Django's ``_coerce_field_name``."""
    if callable(field_name):
        if field_name.__name__ == "<lambda>":
            return "lambda" + str(field_index)
        return field_name.__name__
    return field_name


def _column_writer(cl, name, index, empty, tag, change_url) -> Cell:
    model_admin = cl.model_admin
    opts = cl.lookup_opts
    base_class = f"field-{_coerce_field_name(name, index)}"
    try:
        # Django's own look-up of a list_display name (a field, not a reverse relation).
        field = admin_utils._get_non_gfk_field(opts, name)  # type: ignore[attr-defined]
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None

    if field is None:
        # A callable, an admin method or a model attribute: Django's lookup per row.
        def cell_value(result) -> tuple[str, list[str]]:
            try:
                _f, attr, value = lookup_field(name, result, model_admin)
            except ObjectDoesNotExist:
                return empty, [base_class]
            empty_display = getattr(attr, "empty_value_display", empty)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            classes = ["action-checkbox"] if name == "action_checkbox" else [base_class]
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            if isinstance(value, (datetime.date, datetime.time)):
                classes = [*classes, "nowrap"]
            return display_for_value(value, empty_display, boolean), classes

    elif field.auto_created:
        # Django shows an automatic field (the key) as a plain value.
        attname = name

        def cell_value(result) -> tuple[str, list[str]]:
            value = getattr(result, attname)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            classes = [base_class]
            if isinstance(value, (datetime.date, datetime.time)):
                classes.append("nowrap")
            return display_for_value(value, empty), classes

    else:
        classes = [base_class]
        if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
            classes.append("nowrap")
        if isinstance(field.remote_field, models.ManyToOneRel):
            related_name = field.name

            def display(result, value):
                related = getattr(result, related_name)
                return empty if related is None else related

        else:
            display = _field_display(field, empty, avoid_link=bool(tag))
        attname = name

        def cell_value(result) -> tuple[str, list[str]]:
            try:
                value = getattr(result, attname)
            except ObjectDoesNotExist:
                return empty, [base_class]
            if isinstance(value, str) and value.strip() == "":
                value = ""
            return display(result, value), classes

    if not tag:

        def cell(result) -> str:
            shown, row_classes = cell_value(result)
            return f'<td class="{" ".join(row_classes)}">{conditional_escape(shown)}</td>'

        return cell

    def linked_cell(result) -> str:
        shown, row_classes = cell_value(result)
        url = change_url(result)
        inner: str
        if url is None:
            inner = conditional_escape(shown)
        else:
            inner = f'<a href="{url}">{conditional_escape(shown)}</a>'
        return f'<{tag} class="{" ".join(row_classes)}">{inner}</{tag}>'

    return linked_cell


def _field_display(field, empty, avoid_link: bool):
    """``display_for_field`` with a choices field's labels read once per page."""
    if getattr(field, "flatchoices", None):
        try:
            labels = dict(field.flatchoices)
            hash(next(iter(labels), None))
        except TypeError:  # list-like choices: Django's own path
            labels = None
        if labels is not None:

            def choice(result, value):
                try:
                    return labels.get(value, empty)
                except TypeError:
                    return display_for_field(value, field, empty, avoid_link)

            return choice

    def generic(result, value):
        return display_for_field(value, field, empty, avoid_link)

    return generic


def _change_url_writer(cl: ChangeList) -> Callable[[Any], str | None]:
    """``row → its change URL, escaped``, with the preserved filters, as
    ``items_for_result`` builds it: ``reverse()`` and the filters once, the row's key put in
    for an integer key; any other key through Django's path per row."""
    context: dict[str, Any] = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    pk_attname = cl.to_field or cl.pk_attname

    def slow(result) -> str | None:
        try:
            url = cl.url_for_result(result)
        except NoReverseMatch:
            return None
        return escape(add_preserved_filters(context, url))

    if cl.to_field:
        return slow
    try:
        template = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(_KEY_MARKER,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return lambda result: None
    parts = escape(add_preserved_filters(context, template)).split(_KEY_MARKER)
    if len(parts) != 2:
        return slow
    prefix, suffix = parts

    def fast(result) -> str | None:
        key = getattr(result, pk_attname)
        if type(key) is not int:
            return slow(result)
        return f"{prefix}{key}{suffix}"

    return fast
