"""The receipt (REG-5): rendered, stamped with its CSV and QR on every page, sealed with the
council's seal (PAdES) after the commit; pending work survives a broker outage."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from firma.models import DocumentoVersion
from registro.constants import EstadoAsiento
from registro.justificante import render_receipt_pdf, sealed_receipt_bytes
from registro.models import Asiento
from registro.services import DocumentoNuevo, justificante_issue, justificantes_sweep
from tests.registro.support import pdf_pages_text, validate_seal

from .conftest import make_pdf_bytes

pytestmark = pytest.mark.django_db


def register_and_commit(register, django_capture_on_commit_callbacks, **kwargs) -> Asiento:
    with django_capture_on_commit_callbacks(execute=True):
        asiento = register(**kwargs)
    return Asiento.objects.get(pk=asiento.pk)


class TestSealedReceipt:
    def test_reg5_after_the_commit_the_receipt_is_sealed_with_number_csv_and_hashes(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        content = make_pdf_bytes("Memoria")
        asiento = register_and_commit(
            register,
            django_capture_on_commit_callbacks,
            documentos=[DocumentoNuevo(nombre="memoria.pdf", content=content)],
        )
        assert asiento.estado == EstadoAsiento.JUSTIFICANTE_SELLADO
        assert asiento.justificante_csv
        data = sealed_receipt_bytes(asiento)
        text = "\n".join(pdf_pages_text(data))
        assert asiento.numero in text
        assert "Justificante de registro" in text
        assert "{#" not in text and "#}" not in text  # no template comment printed
        assert hashlib.sha256(content).hexdigest() in text.replace(" ", "").replace("\n", "")
        version = DocumentoVersion.objects.get(pk=asiento.justificante_version_id)
        assert version.csv == asiento.justificante_csv
        assert version.format_csv() if hasattr(version, "format_csv") else True
        status = validate_seal(data, sello.ca_pem)
        assert status.intact and status.valid and status.trusted
        assert "SELLO" in status.signing_cert.subject.human_friendly.upper()

    def test_reg5_the_csv_and_its_qr_are_on_every_page(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        docs = [
            DocumentoNuevo(nombre=f"anexo-{n:02}.pdf", content=make_pdf_bytes(f"Anexo {n}"))
            for n in range(30)
        ]
        asiento = register_and_commit(register, django_capture_on_commit_callbacks, documentos=docs)
        pages = pdf_pages_text(sealed_receipt_bytes(asiento))
        assert len(pages) >= 2
        from firma.csv import csv_format

        code = csv_format(asiento.justificante_csv)
        for page in pages:
            assert code in page.replace(" ", "") or code in page
            assert "/verificar/" in page

    def test_reg5_the_qr_on_every_page_encodes_the_verification_url_with_sharp_modules(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        import io

        import pikepdf
        import qrcode
        from pikepdf import PdfImage

        from registro.justificante import csv_url

        asiento = register_and_commit(register, django_capture_on_commit_callbacks)
        qr = qrcode.QRCode(border=1)
        qr.add_data(csv_url(asiento.justificante_csv, language=asiento.idioma))
        qr.make(fit=True)
        expected = qr.get_matrix()  # True = dark module, with the 1-module quiet zone
        with pikepdf.open(io.BytesIO(sealed_receipt_bytes(asiento))) as pdf:
            assert len(pdf.pages) >= 1
            for page in pdf.pages:
                images = list(page.get_images().values())
                assert len(images) == 1
                image = images[0]
                # PDF/A forbids interpolation; without it the modules stay sharp when zoomed.
                assert image.get("/Interpolate") is False
                pixels = PdfImage(image).as_pil_image().convert("L")
                assert pixels.size == (len(expected), len(expected))
                drawn = [
                    [pixels.getpixel((x, y)) < 128 for x in range(pixels.width)]
                    for y in range(pixels.height)
                ]
                assert drawn == expected

    def test_reg5_the_receipt_is_in_the_filers_language(self, register):
        asiento = register(idioma="eu")
        text = "\n".join(pdf_pages_text(render_receipt_pdf(asiento)))
        assert "Erregistro-egiaztagiria" in text
        assert asiento.numero in text

    def test_the_receipt_of_an_ordinary_filing_is_one_page(self, register, urbanismo):
        """An application and one attachment, as the sede files them, on a procedure with
        its term and silence notes, moved to the next working day: one page, in Spanish
        and Basque, provisional or with its CSV footer (a second page held only the closing
        lines, and cost a page of layout to every receipt)."""
        from procedimientos.models import Materia, Procedimiento

        materia, _ = Materia.objects.get_or_create(slug="general", defaults={"name_es": "General"})
        procedimiento = Procedimiento.objects.create(
            code="instancia-general",
            sia_code="2000002",
            title_es="Instancia general",
            materia=materia,
            unit=urbanismo,
        )
        for idioma in ("es", "eu"):
            asiento = register(
                idioma=idioma,
                procedimiento=procedimiento,
                documentos=[
                    DocumentoNuevo(nombre=f"solicitud-{n}.pdf", content=make_pdf_bytes(str(n)))
                    for n in range(2)
                ],
            )
            asiento.effective_at = asiento.presented_at + timedelta(days=2)  # the long note
            for csv in ("", "ABCDEFGHJKLMNPQRSTUV"):
                pages = pdf_pages_text(render_receipt_pdf(asiento, csv=csv))
                assert len(pages) == 1, (idioma, csv, pages)
                assert "1 / 1" in pages[0] or "1/1" in pages[0].replace(" ", "")

    def test_reg5_a_receipt_rendered_before_its_seal_says_it_is_a_provisional_copy(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        """The copy offered while the worker seals says so and never claims a seal; the
        sealed receipt claims it and is not marked provisional."""
        asiento = register()
        provisional = " ".join(" ".join(pdf_pages_text(render_receipt_pdf(asiento))).split())
        assert "Copia provisional sin sello" in provisional
        assert "sellado con el sello electrónico" not in provisional
        eu = " ".join(" ".join(pdf_pages_text(render_receipt_pdf(register(idioma="eu")))).split())
        assert "Behin-behineko kopia, zigilurik gabe" in eu
        sealed = register_and_commit(register, django_capture_on_commit_callbacks)
        text = " ".join(" ".join(pdf_pages_text(sealed_receipt_bytes(sealed))).split())
        assert "sellado con el sello electrónico" in text
        assert "provisional" not in text

    def test_issuing_twice_keeps_one_sealed_receipt(self, sello, register):
        asiento = register()
        first = justificante_issue(asiento_id=asiento.pk)
        again = justificante_issue(asiento_id=asiento.pk)
        assert again.justificante_csv == first.justificante_csv
        assert DocumentoVersion.objects.count() == 1


class TestBrokerDown:
    def test_reg5_with_the_broker_down_the_entry_is_registered_and_the_sweep_seals_it(
        self, sello, register, django_capture_on_commit_callbacks, monkeypatch
    ):
        from kombu.exceptions import OperationalError

        from registro import tasks

        def broker_down(*args, **kwargs):
            raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

        with monkeypatch.context() as patched:
            patched.setattr(tasks.justificante_issue_task, "apply_async", broker_down)
            asiento = register_and_commit(register, django_capture_on_commit_callbacks)
            assert asiento.numero.endswith("00000001")
            assert asiento.estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE
            # The periodic sweep, three minutes later: the broker is still down.
            assert justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 0
        assert Asiento.objects.get(pk=asiento.pk).estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE

        # Broker back: once that attempt's claim has expired, the next sweep publishes it.
        assert justificantes_sweep(now=timezone.now() + timedelta(minutes=4)) == 0  # claimed
        assert justificantes_sweep(now=timezone.now() + timedelta(minutes=14)) == 1
        asiento.refresh_from_db()
        assert asiento.estado == EstadoAsiento.JUSTIFICANTE_SELLADO
        assert sealed_receipt_bytes(asiento).startswith(b"%PDF")

    def test_the_sweep_leaves_sealed_and_just_published_receipts_alone(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        register_and_commit(register, django_capture_on_commit_callbacks)  # sealed
        register()  # just registered: its task is on its way
        assert justificantes_sweep(now=timezone.now() + timedelta(seconds=30)) == 0
        assert justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 1

    def test_a_failed_seal_is_recorded_and_the_entry_stays_registered(
        self, settings, register, django_capture_on_commit_callbacks
    ):
        settings.FIRMA_KEYSTORES = {
            "sello": {"backend": "pkcs12", "path": "/nonexistent.p12", "password": "x"}
        }
        asiento = register_and_commit(register, django_capture_on_commit_callbacks)
        assert asiento.estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE
        assert asiento.justificante_error
        assert asiento.justificante_attempts == 1


class TestArchivalAndAccessible:
    """Issue 13 item 7: receipts are PDF/A-2b (fonts embedded, output intent, XMP
    identification) and tagged (structure tree, language, alt text) — and stay so sealed."""

    def test_the_sealed_receipt_is_pdf_a_2b_tagged_with_embedded_fonts(
        self, sello, register, django_capture_on_commit_callbacks
    ):
        import io

        import pikepdf

        asiento = register_and_commit(register, django_capture_on_commit_callbacks)
        with pikepdf.open(io.BytesIO(sealed_receipt_bytes(asiento))) as pdf:
            root = pdf.Root
            intents = root.get("/OutputIntents")
            assert intents and intents[0].get("/S") == "/GTS_PDFA1"
            assert "/DestOutputProfile" in intents[0]
            with pdf.open_metadata() as meta:
                assert meta.get("pdfaid:part") == "2"
                assert meta.get("pdfaid:conformance") == "B"
            assert root.get("/MarkInfo", {}).get("/Marked") is True
            assert "/StructTreeRoot" in root
            assert str(root.get("/Lang", "")).startswith("es")
            fonts = []
            for page in pdf.pages:
                for font in (page.Resources.get("/Font") or {}).values():
                    descendants = font.get("/DescendantFonts")
                    descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                    fonts.append(descriptor)
            assert fonts
            assert all(
                d is not None and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in fonts
            )
            # The logical structure a screen reader follows: heading, data table, paragraphs
            # (the CSV among them; the page footer repeating it is a pagination artifact).
            tags = {str(node.get("/S")) for node in _struct_nodes(root.StructTreeRoot)}
            assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= tags, tags
            figures = [n for n in _struct_nodes(root.StructTreeRoot) if n.get("/S") == "/Figure"]
            assert all(str(f.get("/Alt", "")).strip() for f in figures)


def _struct_nodes(node, depth=0):
    import pikepdf

    if depth > 50:
        return
    kids = node.get("/K")
    if kids is None:
        return
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _struct_nodes(kid, depth + 1)


class TestNoRowLockWhileSealing:
    """Issue 10 item 3: rendering and sealing (~100 ms) never hold the entry's row lock."""

    @pytest.mark.django_db(transaction=True)
    def test_the_entry_row_stays_free_while_its_receipt_is_rendered_and_sealed(
        self, sello, register, monkeypatch
    ):
        from django.db import DEFAULT_DB_ALIAS, connection, connections

        from registro import justificante

        if connection.vendor != "postgresql":
            pytest.skip("row locks are PostgreSQL's")
        asiento = register()  # autocommit; the eager receipt task ran on commit
        Asiento.objects.filter(pk=asiento.pk).update(
            estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE, justificante_csv=""
        )
        seen = {}
        original = justificante.csv_issue_sealed

        def sealing_while_another_session_locks_the_row(**kwargs):
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with other.cursor() as cur:
                    cur.execute("BEGIN")
                    cur.execute(
                        f"SELECT id FROM {Asiento._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
                        [asiento.pk],
                    )
                    seen["locked_by_other"] = cur.fetchone()[0]
                    cur.execute("ROLLBACK")
            finally:
                other.close()
            return original(**kwargs)

        monkeypatch.setattr(
            justificante, "csv_issue_sealed", sealing_while_another_session_locks_the_row
        )
        done = justificante_issue(asiento_id=asiento.pk)
        assert seen == {"locked_by_other": asiento.pk}
        assert done.estado == EstadoAsiento.JUSTIFICANTE_SELLADO
        assert DocumentoVersion.objects.filter(note="registro.justificante").count() == 2
