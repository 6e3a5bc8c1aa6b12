"""CSV codes (FIR-8): unguessable, readable, unique, one per document version."""

from __future__ import annotations

import hashlib
import math

import pytest

from firma.csv import ALPHABET, CODE_LENGTH, csv_format, csv_normalise, csv_verification_url
from firma.models import DocumentoVersion
from firma.services import csv_issue, csv_resolve, documento_read
from tests.firma.portafirmas_support import make_pdf, page_texts

pytestmark = pytest.mark.django_db


class TestCsvFormat:
    def test_fir8_code_has_at_least_128_bits_of_entropy(self):
        assert CODE_LENGTH * math.log2(len(ALPHABET)) >= 128

    def test_fir8_alphabet_leaves_out_ambiguous_characters(self):
        assert len(set(ALPHABET)) == 32
        for ambiguous in "ILOU":
            assert ambiguous not in ALPHABET

    def test_codes_are_grouped_for_people_and_normalised_back(self):
        version = csv_issue(content=b"hola", name="a.txt", mime="text/plain")
        shown = version.csv_display
        assert len(shown.split("-")) == CODE_LENGTH // 4
        assert all(len(group) == 4 for group in shown.split("-"))
        assert csv_normalise(shown) == version.csv
        assert csv_normalise("  " + shown.lower().replace("-", " ") + " ") == version.csv

    def test_crockford_lookalikes_are_read_as_the_symbols_they_resemble(self):
        code = "0" * 27 + "1"
        assert csv_normalise("o" * 27 + "L") == code
        assert csv_normalise("O" * 27 + "i") == code

    @pytest.mark.parametrize(
        "value", ["", "ABC", "U" * CODE_LENGTH, "A" * (CODE_LENGTH + 1), "<script>", "A" * 500]
    )
    def test_malformed_codes_normalise_to_nothing(self, value):
        assert csv_normalise(value) is None

    def test_verification_url_is_on_the_sede(self, settings):
        settings.SITE_URL = "https://sede.bilbao.eus"
        code = "7" * CODE_LENGTH
        assert (
            csv_verification_url(code) == f"https://sede.bilbao.eus/verificar/{csv_format(code)}/"
        )


class TestCsvIssue:
    def test_fir8_many_codes_are_all_different_and_spread_over_the_alphabet(self):
        versions = [
            csv_issue(content=f"doc {n}".encode(), name=f"{n}.txt", mime="text/plain")
            for n in range(60)
        ]
        codes = [v.csv for v in versions]
        assert len(set(codes)) == 60
        used = set("".join(codes))
        assert used == set(ALPHABET)

    def test_it_stores_content_name_mime_hash_and_size(self):
        data = b"%PDF-1.4 fake"
        version = csv_issue(content=data, name="decreto.pdf", mime="application/pdf")
        version.refresh_from_db()
        assert documento_read(version) == data
        assert version.name == "decreto.pdf"
        assert version.mime == "application/pdf"
        assert version.sha256 == hashlib.sha256(data).hexdigest()
        assert version.size == len(data)
        assert version.numero == 1

    def test_fir8_any_change_is_a_new_version_with_a_new_csv_and_the_old_one_still_resolves(self):
        first = csv_issue(content=b"v1", name="informe.txt", mime="text/plain")
        second = csv_issue(
            content=b"v2", name="informe.txt", mime="text/plain", documento=first.documento
        )
        assert second.documento_id == first.documento_id
        assert second.numero == 2
        assert second.csv != first.csv
        assert csv_resolve(first.csv) == first
        assert csv_resolve(second.csv_display) == second
        assert first.documento.current_version == second
        assert not first.is_current and second.is_current

    def test_resolve_returns_nothing_for_unknown_or_malformed_codes(self):
        csv_issue(content=b"x", name="x.txt", mime="text/plain")
        assert csv_resolve("Z" * CODE_LENGTH) is None
        assert csv_resolve("not a code") is None

    def test_fir8_stamp_puts_the_versions_own_csv_on_every_page(self, settings):
        settings.SITE_URL = "https://sede.example"
        version = csv_issue(
            content=make_pdf(pages=2), name="resolucion.pdf", mime="application/pdf", stamp=True
        )
        texts = page_texts(documento_read(version))
        assert len(texts) == 2
        for text in texts:
            assert version.csv_display in text
            assert version.verification_url in text
        # The stored hash is that of the stamped bytes that are served.
        assert version.sha256 == hashlib.sha256(documento_read(version)).hexdigest()

    def test_only_pdfs_can_be_stamped(self):
        with pytest.raises(ValueError):
            csv_issue(content=b"x", name="x.txt", mime="text/plain", stamp=True)
        assert not DocumentoVersion.objects.exists()
