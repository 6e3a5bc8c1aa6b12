"""The big tables' changelist rows written in Python (bilbao_sede/admin_list.py) are the
rows Django's own ``{% result_list %}`` writes: same cells, classes, links (with the
preserved filters), escaping and empty values — compared on the registry entries and on
the audit trail, sorted and filtered, and with a list of another shape (an editable
column, an action checkbox, a boolean, a foreign key, a choices field, a date)."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_list
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve, reverse

from bilbao_sede.admin_list import LargeTableChangeList, result_list_html
from identidad.models import AuditEntry
from identidad.services import audit_record
from registro.models import Asiento

pytestmark = pytest.mark.django_db


def _normalised(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def _changelist(model, user, query: dict) -> LargeTableChangeList:
    model_admin = admin.site._registry[model]
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(url, query)
    request.user = user
    request.resolver_match = resolve(url)  # the preserved filters read it
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it without list_editable
    assert isinstance(cl, LargeTableChangeList)
    return cl


def _django_html(cl) -> str:
    return get_template("admin/change_list_results.html").render(result_list(cl))


QUERIES = [
    {},
    {"o": "2.-1"},
    {"estado__exact": "pendiente", "q": "licencia obra"},
    {"canal__exact": "sede", "o": "-5"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_entries_rows_are_djangos_rows(admin_user, register, urbanismo, query):
    register()
    register(resumen='Reserva de vado <permanente> & "Deusto"')
    cl = _changelist(Asiento, admin_user, query)
    ours = _normalised(result_list_html(cl))
    assert ours == _normalised(_django_html(cl))
    assert ours.count("<tr>") == len(cl.result_list) + 1 >= 2
    if "q" not in query:
        assert "&lt;permanente&gt; &amp; &quot;Deusto&quot;" in ours
    if query:  # the filters are preserved in each row's link
        assert "_changelist_filters=" in ours


def test_the_audit_trails_rows_are_djangos_rows(admin_user, ciudadana):
    audit_record(actor=ciudadana, action="login")
    audit_record(actor=None, action="<b>x</b>", object_type="registro.asiento", object_id="7")
    assert AuditEntry.objects.count() == 2
    for query in ({}, {"o": "3"}):
        cl = _changelist(AuditEntry, admin_user, query)
        assert _normalised(result_list_html(cl)) == _normalised(_django_html(cl))


def test_a_list_of_every_kind_of_column_is_djangos(admin_user, register, monkeypatch):
    """Columns the two admins above do not have: the action checkbox, a foreign key, a
    boolean callable, a date, a missing related object and an empty value."""
    entry = register()
    model_admin = admin.site._registry[Asiento]

    @admin.display(boolean=True, description="con resumen")
    def has_summary(obj):
        return bool(obj.resumen)

    monkeypatch.setattr(
        model_admin,
        "list_display",
        ["action_checkbox", "numero_display", "oficina", has_summary, "presented_at", "pk"],
    )
    monkeypatch.setattr(model_admin, "list_display_links", ["oficina"])
    cl = _changelist(Asiento, admin_user, {"direction__exact": entry.direction})
    ours = _normalised(result_list_html(cl))
    assert ours == _normalised(_django_html(cl))
    assert 'class="field-oficina nowrap"><a href=' in ours
    assert "icon-yes.svg" in ours and 'name="_selected_action"' in ours


def test_a_popup_or_an_editable_list_keeps_djangos_tag(admin_user, register):
    register()
    cl = _changelist(Asiento, admin_user, {"_popup": "1"})
    assert cl.is_popup
    assert _normalised(result_list_html(cl)) == _normalised(_django_html(cl))
    assert "data-popup-opener" in result_list_html(cl)


def test_the_page_shows_the_rows(client, admin_user, register):
    entry = register()
    client.force_login(admin_user)
    html = client.get("/admin/registro/asiento/", {"estado__exact": entry.estado}).content
    page = html.decode()
    assert entry.numero in page and 'id="result_list"' in page
    assert f"/admin/registro/asiento/{entry.pk}/change/?_changelist_filters=estado__exact" in page
