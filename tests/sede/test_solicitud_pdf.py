"""DOC-4: the application PDF is rendered with its stylesheet, parsed once per process."""

from __future__ import annotations

import pytest

from sede.filing import documento
from sede.services import _render
from tests.registro.support import pdf_pages_text
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.test_submit import complete_instancia, new_draft, sin_firma  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_solicitud_is_laid_out_by_its_stylesheet_parsed_once(sin_firma, ciudadana):  # noqa: F811
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    first = _render(borrador)
    stylesheet = documento.solicitud_stylesheet()
    text = " ".join(" ".join(pdf_pages_text(_render(borrador))).split())
    # The page counter exists only in the stylesheet's @page rule.
    assert text.endswith("1/1")
    assert first.startswith(b"%PDF-")
    assert documento.solicitud_stylesheet() is stylesheet
