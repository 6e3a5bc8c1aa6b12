"""asiento_register: the one way into the registry (REG-1..6, REG-12)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from calendario.models import DiaInhabil
from registro.constants import Canal, Direccion, RolInteresado, ValidezDocumento
from registro.models import Asiento, AsientoDocumento, Contador
from registro.services import DocumentoNuevo

from .conftest import make_pdf_bytes, scan_pdf, scan_png

MADRID = ZoneInfo("Europe/Madrid")
pytestmark = pytest.mark.django_db


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=MADRID), tick=False)


class TestNumbering:
    def test_reg4_entries_are_numbered_in_sequence_per_year_and_direction(
        self, register, urbanismo
    ):
        with at(2026, 3, 2, 10, 0):
            first = register()
            second = register()
            exit_ = register(direction=Direccion.SALIDA, unidad_origen=urbanismo)
        assert (first.numero, second.numero) == ("2026/E/00000001", "2026/E/00000002")
        assert exit_.numero == "2026/S/00000001"
        with at(2027, 1, 4, 9, 0):
            assert register().numero == "2027/E/00000001"

    def test_reg4_the_entry_keeps_what_was_presented(self, register, ciudadana, urbanismo):
        with at(2026, 3, 2, 10, 15, 30):
            asiento = register()
        asiento = Asiento.objects.get(pk=asiento.pk)
        assert asiento.presented_at == datetime(2026, 3, 2, 10, 15, 30, tzinfo=MADRID)
        assert asiento.unidad_destino == urbanismo
        assert asiento.resumen.startswith("Solicitud de licencia")
        parte = asiento.partes.get()
        assert (parte.nif, parte.nombre, parte.rol) == (
            "12345678Z",
            "Miren Etxeberria Agirre",
            RolInteresado.INTERESADO,
        )
        assert str(asiento) == asiento.numero

    def test_a_rolled_back_registration_gives_its_number_back(self, register):
        with at(2026, 3, 2, 10, 0):
            register()
            with pytest.raises(RuntimeError), transaction.atomic():
                assert register().numero == "2026/E/00000002"
                raise RuntimeError("the caller's transaction fails after registering")
            assert register().numero == "2026/E/00000002"
        assert Asiento.objects.count() == 2

    def test_entries_are_chained_by_hash(self, register):
        with at(2026, 3, 2, 10, 0):
            first, second = register(), register()
        assert first.prev_hash == "0" * 64
        assert second.prev_hash == first.hash
        assert Contador.objects.get(year=2026, direction="E").last_hash == second.hash


class TestEffectiveInstant:
    def test_reg2_a_saturday_submission_counts_from_monday_at_midnight(self, register):
        with at(2026, 3, 7, 18, 30):  # Saturday
            asiento = register()
        assert asiento.presented_at == datetime(2026, 3, 7, 18, 30, tzinfo=MADRID)
        assert asiento.effective_at == datetime(2026, 3, 9, 0, 0, tzinfo=MADRID)

    def test_reg2_a_holiday_counts_from_the_next_working_day(self, register):
        DiaInhabil.objects.create(
            date=date(2026, 3, 19), name_es="San José", scope="autonomico", source="BOPV"
        )
        with at(2026, 3, 19, 9, 0):
            asiento = register()
        assert asiento.effective_at == datetime(2026, 3, 20, 0, 0, tzinfo=MADRID)

    def test_reg2_on_a_working_day_it_counts_when_presented(self, register):
        with at(2026, 3, 9, 8, 5):
            asiento = register()
        assert asiento.effective_at == asiento.presented_at

    def test_reg2_weekend_filings_keep_their_order_and_precede_mondays(self, register):
        with at(2026, 3, 7, 23, 0):
            saturday = register()
        with at(2026, 3, 8, 1, 0):
            sunday = register()
        with at(2026, 3, 9, 0, 0, 1):
            monday = register()
        by_book_order = sorted(
            [monday, sunday, saturday], key=lambda a: (a.effective_at, a.presented_at)
        )
        assert [a.numero for a in by_book_order] == [
            saturday.numero,
            sunday.numero,
            monday.numero,
        ]
        assert saturday.effective_at == sunday.effective_at < monday.effective_at


class TestValidation:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"resumen": ""}, "resumen"),
            ({"resumen": "x" * 241}, "resumen"),
            ({"interesados": []}, "interesados"),
            ({"unidad_destino": None}, "unidad_destino"),
            ({"expone": "x" * 4001}, "expone"),
            ({"canal": "fax"}, "canal"),
            ({"canal": ["sede"]}, "canal"),  # not a string (unhashable): refused, not a crash
            ({"direction": {"E": 1}}, "direction"),
            ({"documentacion_fisica": ["1"]}, "documentacion_fisica"),
            ({"idioma": "fr"}, "idioma"),
        ],
    )
    def test_bad_input_writes_nothing_and_consumes_no_number(self, register, overrides, field):
        with pytest.raises(ValidationError) as caught:
            register(**overrides)
        assert field in caught.value.message_dict
        assert not Asiento.objects.exists()
        assert register().numero.endswith("/E/00000001")

    def test_a_summary_of_240_characters_is_accepted(self, register):
        assert len(register(resumen="x" * 240).resumen) == 240

    def test_an_exit_needs_the_issuing_unit(self, register):
        with pytest.raises(ValidationError) as caught:
            register(direction=Direccion.SALIDA)
        assert "unidad_origen" in caught.value.message_dict

    def test_a_representative_needs_a_representation_context(self, register, representante):
        with pytest.raises(ValidationError) as caught:
            register(representante=representante.interesado)
        assert "representante" in caught.value.message_dict

    def test_the_representation_context_is_kept(self, register, representante):
        asiento = register(
            representante=representante.interesado,
            representacion={"id": 7, "via": "apoderamiento", "reason": "Poder general 2026/1"},
        )
        assert asiento.representacion_id == 7
        assert asiento.representacion["reason"] == "Poder general 2026/1"
        assert asiento.partes.get(rol=RolInteresado.REPRESENTANTE).nif == "87654321X"

    def test_several_errors_are_reported_together(self, register):
        with pytest.raises(ValidationError) as caught:
            register(resumen="", interesados=[], unidad_destino=None)
        assert {"resumen", "interesados", "unidad_destino"} <= set(caught.value.message_dict)


class TestIdempotency:
    def test_a_double_click_returns_the_same_entry(self, register):
        first = register(idempotency_key="form-123")
        again = register(idempotency_key="form-123")
        assert again.pk == first.pk
        assert again.numero == first.numero
        assert Asiento.objects.count() == 1
        assert register().numero.endswith("/E/00000002")


class TestDocuments:
    def test_reg5_each_document_is_stored_with_its_sha256(self, register):
        content = make_pdf_bytes()
        asiento = register(
            documentos=[DocumentoNuevo(nombre="plano.pdf", content=content, mime="")]
        )
        doc = asiento.documentos.get()
        assert doc.sha256 == hashlib.sha256(content).hexdigest()
        assert (doc.size, doc.mime) == (len(content), "application/pdf")
        with default_storage.open(doc.file.name, "rb") as fh:
            assert fh.read() == content

    def test_the_same_bytes_registered_twice_are_one_file_and_nothing_else(self, register):
        content = make_pdf_bytes()
        first = register(documentos=[DocumentoNuevo(nombre="a.pdf", content=content)])
        second = register(documentos=[DocumentoNuevo(nombre="b.pdf", content=content)])
        name = first.documentos.get().file.name
        assert second.documentos.get().file.name == name
        folder, _ = default_storage.listdir(name.rsplit("/", 1)[0])
        assert (folder, _) == ([], [name.rsplit("/", 1)[1]])  # no temporary or renamed copy
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == content

    def test_a_failed_write_leaves_no_entry_and_no_part_of_the_document(
        self, register, monkeypatch
    ):
        import os

        def disk_full(src, dst):
            raise OSError(28, "No space left on device")

        content = make_pdf_bytes()
        digest = hashlib.sha256(content).hexdigest()
        folder = f"registro/{digest[:2]}"
        os.makedirs(default_storage.path(folder), exist_ok=True)
        monkeypatch.setattr(os, "replace", disk_full)
        with pytest.raises(OSError):
            register(documentos=[DocumentoNuevo(nombre="b.pdf", content=content)])
        monkeypatch.undo()
        assert not Asiento.objects.exists()
        assert default_storage.listdir(folder) == ([], [])

    def test_documents_go_to_any_configured_storage(self, register, settings):
        """Another storage (S3 in production) is used through its own ``save``."""
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        }
        content = make_pdf_bytes()
        first = register(documentos=[DocumentoNuevo(nombre="a.pdf", content=content)])
        register(documentos=[DocumentoNuevo(nombre="b.pdf", content=content)])
        name = first.documentos.get().file.name
        assert default_storage.listdir(name.rsplit("/", 1)[0])[1] == [name.rsplit("/", 1)[1]]
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == content

    def test_content_that_does_not_match_its_type_is_refused(self, register):
        with pytest.raises(ValidationError) as caught:
            register(
                documentos=[
                    DocumentoNuevo(nombre="x.pdf", content=b"MZ\x90\x00", mime="application/pdf")
                ]
            )
        assert "documentos" in caught.value.message_dict
        assert not AsientoDocumento.objects.exists()

    def test_an_unaccepted_type_is_refused(self, register):
        with pytest.raises(ValidationError):
            register(
                documentos=[
                    DocumentoNuevo(nombre="x.exe", content=b"MZ", mime="application/x-msdownload")
                ]
            )


class TestScanResolution:
    """REG-12: paper digitised at an office is an authentic copy only at >= 200 ppi."""

    def _scan(self, register, content, mime):
        return register(
            canal=Canal.PRESENCIAL,
            documentos=[
                DocumentoNuevo(
                    nombre="escaneo",
                    content=content,
                    mime=mime,
                    validez=ValidezDocumento.COPIA_AUTENTICA,
                )
            ],
        )

    def test_reg12_a_pdf_scanned_at_150_ppi_is_refused(self, register):
        with pytest.raises(ValidationError) as caught:
            self._scan(register, scan_pdf(150), "application/pdf")
        assert "150" in caught.value.message_dict["documentos"][0]
        assert "200" in caught.value.message_dict["documentos"][0]

    def test_reg12_a_pdf_scanned_at_300_ppi_is_accepted(self, register):
        doc = self._scan(register, scan_pdf(300, pages=2), "application/pdf").documentos.get()
        assert doc.resolution_ppi == 300
        assert doc.validez == ValidezDocumento.COPIA_AUTENTICA

    def test_reg12_an_image_at_200_ppi_is_accepted_and_at_199_refused(self, register):
        assert (
            self._scan(register, scan_png(200), "image/png").documentos.get().resolution_ppi == 200
        )
        with pytest.raises(ValidationError):
            self._scan(register, scan_png(199), "image/png")

    def test_reg12_an_image_without_resolution_is_refused(self, register):
        with pytest.raises(ValidationError) as caught:
            self._scan(register, scan_png(None), "image/png")
        assert "ppp" in caught.value.message_dict["documentos"][0]

    def test_reg12_a_pdf_without_a_scanned_image_is_refused(self, register):
        with pytest.raises(ValidationError):
            self._scan(register, make_pdf_bytes(), "application/pdf")


class TestRealRepresentationContext:
    def test_a_power_recorded_by_apoderamientos_travels_with_the_entry(
        self, register, ciudadana, representante, council_seal
    ):
        """The representative files for the ciudadana under a general power (apud acta)."""
        from apoderamientos.services import (
            apoderamiento_accept,
            apoderamiento_grant_apud_acta,
            representation_record,
        )

        poder = apoderamiento_grant_apud_acta(
            user=ciudadana,
            identification_level=2,
            apoderado=representante.interesado,
            tipo="general",
        )
        apoderamiento_accept(apoderamiento=poder, actor=representante)
        context = representation_record(person=representante, interesado=ciudadana.interesado)
        asiento = register(
            representante=representante.interesado,
            representacion=context,
            registrado_por=representante,
        )
        assert asiento.representacion_id == context.pk
        assert asiento.representacion["via"] == context.via
        assert asiento.representacion["apoderamiento"] == poder.pk
        roles = sorted(asiento.partes.values_list("rol", "nif"))
        assert roles == [("interesado", "12345678Z"), ("representante", "87654321X")]


def test_reg1_the_registry_accepts_submissions_at_any_hour_of_any_day(register):
    """REG-1: 24×7×365 — Christmas night at 03:00 is registered like any other moment."""
    with at(2026, 12, 25, 3, 0):
        asiento = register()
    assert asiento.numero == "2026/E/00000001"
    assert asiento.presented_at == datetime(2026, 12, 25, 3, 0, tzinfo=MADRID)


def test_reg4_an_entry_prepared_before_new_year_and_numbered_after_gets_the_new_years_number(
    register, monkeypatch
):
    """The clock passes midnight on 31 December between preparing and numbering."""
    from django.utils import timezone

    with at(2026, 6, 1, 10, 0):
        register()  # 2026/E/00000001
    instants = iter(
        [
            datetime(2026, 12, 31, 23, 59, 59, 999000, tzinfo=MADRID),  # prepared
            datetime(2027, 1, 1, 0, 0, 0, 1000, tzinfo=MADRID),  # numbered: a new year
            datetime(2027, 1, 1, 0, 0, 0, 2000, tzinfo=MADRID),  # second attempt prepared
            datetime(2027, 1, 1, 0, 0, 0, 3000, tzinfo=MADRID),  # second attempt numbered
        ]
    )
    monkeypatch.setattr(timezone, "now", lambda: next(instants))
    asiento = register()
    assert asiento.numero == "2027/E/00000001"
    assert Contador.objects.get(year=2026, direction="E").last_seq == 1  # number given back


def test_a_browser_that_does_not_know_the_type_gets_it_from_the_content(register):
    from .conftest import scan_png

    doc = register(
        documentos=[
            DocumentoNuevo(
                nombre="plano.png", content=scan_png(300), mime="application/octet-stream"
            ),
            DocumentoNuevo(nombre="foto.jpg", content=b"\xff\xd8\xff\xe0rest", mime="image/jpg"),
        ]
    ).documentos.order_by("orden")
    assert [d.mime for d in doc] == ["image/png", "image/jpeg"]
