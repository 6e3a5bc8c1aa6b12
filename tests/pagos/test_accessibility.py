"""The payment pages pass the sede's accessibility checks (WCAG 2.1 AA basics) in es and eu,
and load nothing from another site."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pagos.models import Pago
from tests.sede.test_accessibility import accessibility_problems, external_resources, parse
from tests.sede.test_submit import complete_instancia, new_draft

pytestmark = pytest.mark.django_db


def test_the_payment_pages_pass_the_checks_in_both_languages(con_tasa, client_as, ciudadana):
    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, con_tasa))
    step = reverse("sede:filing_pago", args=[borrador.public_id])
    redirect_page = client.post(step).content
    fields = dict(
        re.findall(rb'<input type="hidden" name="(Ds_[^"]+)" value="([^"]*)"', redirect_page)
    )
    simulator = client.post(
        reverse("pagos:simulador"), {k.decode(): v.decode() for k, v in fields.items()}
    ).content
    pago = Pago.objects.get()
    pages = {"redirect": redirect_page, "simulator": simulator}
    for lang in ("es", "eu"):
        prefix = "" if lang == "es" else "/eu"
        pages[f"step-{lang}"] = client.get(prefix + step).content
        pages[f"detalle-{lang}"] = client.get(
            prefix + reverse("pagos:detalle", args=[pago.public_id]) + "?resultado=ko"
        ).content
        pages[f"review-{lang}"] = client.get(
            prefix + reverse("sede:filing_review", args=[borrador.public_id])
        ).content
    failures = {}
    for name, html in pages.items():
        page = parse(html)
        problems = accessibility_problems(page) + external_resources(page)
        if problems:
            failures[name] = problems
    assert failures == {}
