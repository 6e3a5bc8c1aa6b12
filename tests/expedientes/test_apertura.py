"""Opening a case file from a registry entry (EXP-1) and attaching later entries."""

from __future__ import annotations

import re

import pytest

from expedientes.constants import (
    EstadoElaboracion,
    EstadoExpediente,
    Origen,
    TipoDocumental,
    TipoEntrada,
)
from expedientes.models import Expediente
from expedientes.services import expediente_attach_asiento, expediente_open_from_asiento

pytestmark = pytest.mark.django_db


class TestExpedienteOpenFromAsiento:
    def test_it_opens_a_file_with_the_eni_identifier_of_the_responsible_unit(
        self, register, urbanismo
    ):
        """EXP-1: ES_<DIR3>_<AAAA>_EXP_<id30>, state E01, the procedure's unit."""
        asiento = register()
        exp = expediente_open_from_asiento(asiento=asiento)
        assert re.fullmatch(r"ES_LA0001234_\d{4}_EXP_\d{30}", exp.identificador)
        assert exp.identificador.endswith(f"{exp.pk:030d}")
        assert exp.estado == EstadoExpediente.ABIERTO
        assert exp.unidad == urbanismo
        assert exp.fase == "iniciacion"
        assert exp.asiento_origen == asiento

    def test_the_parties_and_documents_of_the_entry_come_with_it(self, register, ciudadana):
        """DOC-1..5: each registered document becomes an ENI document of citizen origin."""
        exp = expediente_open_from_asiento(asiento=register())
        assert [p.nif for p in exp.partes.all()] == [ciudadana.interesado.nif]
        docs = [m.documento for m in exp.documentos.order_by("orden")]
        assert [d.nombre for d in docs] == ["solicitud.pdf", "presupuesto.pdf"]
        solicitud = docs[0]
        assert solicitud.tipo_documental == TipoDocumental.SOLICITUD
        assert docs[1].tipo_documental == TipoDocumental.OTROS
        assert solicitud.origen == Origen.CIUDADANO
        assert solicitud.estado_elaboracion == EstadoElaboracion.ORIGINAL
        assert re.fullmatch(r"ES_LA0001234_\d{4}_\d{30}", solicitud.identificador)
        asiento_doc = exp.asiento_origen.documentos.get(nombre="solicitud.pdf")
        assert solicitud.actual.sha256 == asiento_doc.sha256
        with solicitud.actual.content.open("rb") as fh:
            assert fh.read().startswith(b"%PDF-")

    def test_it_is_idempotent(self, register):
        asiento = register()
        first = expediente_open_from_asiento(asiento=asiento)
        again = expediente_open_from_asiento(asiento=asiento)
        assert first.pk == again.pk
        assert Expediente.objects.count() == 1

    def test_an_entry_without_procedure_opens_nothing_until_staff_choose_one(
        self, register, procedimiento, tramitador
    ):
        asiento = register(procedimiento=None)
        assert expediente_open_from_asiento(asiento=asiento) is None
        exp = expediente_open_from_asiento(
            asiento=asiento, procedimiento=procedimiento, opened_by=tramitador
        )
        assert exp.procedimiento == procedimiento
        assert exp.opened_by == tramitador

    def test_the_resolution_term_is_computed_from_the_catalogue(self, register):
        """CAT-1: 3 months from the entry; silence takes effect the next day at 00:00."""
        exp = expediente_open_from_asiento(asiento=register())
        assert exp.vence_at is not None
        assert exp.silencio_at > exp.vence_at
        assert exp.proximo_vencimiento == exp.vence_at
        assert exp.efecto_silencio == "estimatorio"


class TestExpedienteAttachAsiento:
    def test_a_later_entry_is_attached_with_its_documents(self, register, expediente):
        later = register(resumen="Aporto el plano")
        exp = expediente_attach_asiento(
            expediente=expediente, asiento=later, tipo=TipoEntrada.APORTACION
        )
        assert exp.entradas.count() == 2
        assert exp.documentos.count() == 4
        assert exp.version == expediente.version + 1

    def test_a_closed_file_refuses_documents_and_changes_nothing(self, register, expediente):
        from expedientes.services import AccionNoPermitida

        Expediente.objects.filter(pk=expediente.pk).update(estado=EstadoExpediente.CERRADO)
        with pytest.raises(AccionNoPermitida):
            expediente_attach_asiento(
                expediente=expediente, asiento=register(), tipo=TipoEntrada.APORTACION
            )
        assert expediente.entradas.count() == 1
        assert expediente.documentos.count() == 2
