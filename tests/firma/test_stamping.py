"""Stamping the CSV, the verification URL and a QR code on every page (FIR-8)."""

from __future__ import annotations

import pytest

from firma.stamping import StampingError, stamp_pdf
from tests.firma.portafirmas_support import has_qr_image, make_pdf, page_texts

CODE = "7K3Q-9WXD-M2PA-0R4T-ZZ8N-B6CE-1HJV"
URL = f"https://sede.bilbao.eus/verificar/{CODE}/"


class TestStampPdf:
    def test_fir8_every_page_of_a_multipage_pdf_gets_the_csv_url_and_qr(self):
        original = make_pdf(pages=4)
        stamped = stamp_pdf(original, code=CODE, url=URL)
        texts = page_texts(stamped)
        assert len(texts) == 4
        for ix, text in enumerate(texts):
            assert f"pagina {ix + 1}" in text  # the page's own content is still there
            assert CODE in text
            assert URL in text
            assert has_qr_image(stamped, ix)

    def test_the_unstamped_pdf_has_no_csv(self):
        original = make_pdf(pages=2)
        assert all(CODE not in text for text in page_texts(original))
        assert not has_qr_image(original, 0)

    def test_the_original_bytes_are_kept_as_the_first_revision(self):
        original = make_pdf(pages=1)
        assert stamp_pdf(original, code=CODE, url=URL).startswith(original)

    @pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n garbage"])
    def test_a_malformed_pdf_raises_a_stamping_error(self, data):
        with pytest.raises(StampingError):
            stamp_pdf(data, code=CODE, url=URL)
