"""CAT-3 (L39 art. 21.4; RD 203/2021 art. 41.b): the applicant is told the reception date,
the maximum term and the effect of silence — on the receipt issued with the entry."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registro.justificante import render_receipt_pdf
from tests.registro.support import pdf_pages_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("idioma", "expected"),
    [
        ("es", ["3 meses", "Estimatorio (positivo)", "art. 21.4"]),
        ("eu", ["3 hilabete", "21.4 art."]),
    ],
)
def test_the_receipt_states_the_maximum_term_and_the_effect_of_silence(register, idioma, expected):
    asiento = register(idioma=idioma)
    text = " ".join(" ".join(pdf_pages_text(render_receipt_pdf(asiento))).split())
    for fragment in expected:
        assert fragment in text
    # The reception date as Bilbao reads it (an entry made on a weekend is effective at 00:00 of
    # the next working day in Madrid time, which is the day before in UTC).
    assert timezone.localtime(asiento.effective_at).strftime("%d/%m/%Y") in text


def test_an_entry_without_procedure_says_nothing_about_terms(register):
    asiento = register(procedimiento=None)
    text = " ".join(" ".join(pdf_pages_text(render_receipt_pdf(asiento))).split())
    assert "3 meses" not in text and "21.4" not in text
