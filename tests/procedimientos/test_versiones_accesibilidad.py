"""Accessibility of the form-version pages (WCAG 2.1 AA), in es and eu: every control labelled,
one h1 and no skipped heading levels, unique ids, nothing loaded from another site."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from procedimientos.formularios import versiones
from tests.procedimientos.versiones_support import *  # noqa: F403
from tests.procedimientos.versiones_support import through_review, v1_copy
from tests.sede.test_accessibility import accessibility_problems, external_resources, parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_pages_pass_the_checks_in_both_languages(client, proc_con_formulario, editora, jefa):
    schema, layout = v1_copy()
    del schema["properties"]["telefono"]
    layout["steps"][0]["fieldsets"][0]["fields"].remove("/telefono")
    approved = through_review(
        proc_con_formulario,
        editor=editora,
        approver=jefa,
        schema=schema,
        layout=layout,
        publish=False,
    )
    code = proc_con_formulario.code
    pages = {
        editora: [
            reverse("procedimientos:formulario_indice"),
            reverse("procedimientos:formulario_versiones", args=[code]),
            reverse("procedimientos:formulario_version", args=[approved.pk]),
            reverse("procedimientos:formulario_diff", args=[code]),
        ],
        jefa: [reverse("procedimientos:formulario_revisiones")],
    }
    versiones.version_return(version=approved, by=jefa, comment="Revisar")
    versiones.version_send_to_review(version=approved, by=editora)
    pages[jefa].append(reverse("procedimientos:formulario_version", args=[approved.pk]))
    problems = []
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            for prefix in ("", "/eu"):
                response = client.get(prefix + url)
                assert response.status_code == 200, (prefix + url, response.status_code)
                page = parse(response.content)
                assert page.html_lang == (prefix[1:] or "es")
                problems += [f"{prefix}{url}: {p}" for p in accessibility_problems(page)]
                problems += [f"{prefix}{url}: external {r}" for r in external_resources(page)]
            translation.activate(settings.LANGUAGE_CODE)
    assert not problems, "\n".join(problems)
