"""Registry exchange (SIR, SICRES 4.0): the state machine, the messages and the rules
REG-7..10, with a scripted transport (the real HTTP peer is in tests/integration)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from identidad.models import AuditEntry
from registro.constants import Canal, Direccion
from registro.documentos import DocumentoNuevo
from registro.models import Asiento, ContadorIntercambio, Intercambio, IntercambioEvento
from registro.sicres import build_fichero
from registro.sir import services
from registro.sir.constants import (
    CodigoError,
    EstadoIntercambio,
    IndicadorPrueba,
    Pendiente,
    Sentido,
    TipoAnotacion,
    TipoDocumentoIdentificacion,
    TipoMensaje,
    TipoTransporte,
)
from registro.sir.mensajes import Control, build_control, parse_xml, read_fichero, validate
from registro.sir.models import AppendOnlyError
from tests.registro.conftest import make_pdf_bytes
from tests.registro.sir_fixtures import *  # noqa: F403
from tests.registro.sir_support import (
    REMOTE,
    assert_valid,
    control,
    read,
    remote_fichero,
    replace_annex,
)

pytestmark = pytest.mark.django_db
E = EstadoIntercambio
DEST = "O00001234"


def _send(register, clerk, capture, **kwargs):
    asiento = register()
    with capture(execute=True):
        intercambio = services.intercambio_enviar(
            asiento=asiento, entidad_destino=DEST, actor=clerk, **kwargs
        )
    intercambio.refresh_from_db()
    return asiento, intercambio


# --- REG-9: identifiers -------------------------------------------------------------------


def test_reg9_identifiers_are_gapless_per_office_and_year(register, clerk, transport):
    asiento = register()
    ids = [
        services.intercambio_enviar(asiento=asiento, entidad_destino=f"O0000123{n}", actor=clerk)
        for n in range(3)
    ]
    year = timezone.localdate().year % 100
    office = asiento.oficina.code
    assert [i.identificador for i in ids] == [f"{office}_{year:02}_{n:08}" for n in (1, 2, 3)]
    assert all(len(i.identificador) <= 33 for i in ids)


def test_reg9_a_rolled_back_exchange_gives_its_number_back(register, clerk, transport):
    asiento = register()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.intercambio_enviar(asiento=asiento, entidad_destino="O00001231", actor=clerk)
        raise RuntimeError("the clerk's request failed after the exchange was numbered")
    assert not Intercambio.objects.exists()
    again = services.intercambio_enviar(asiento=asiento, entidad_destino="O00001232", actor=clerk)
    assert again.identificador.endswith("_00000001")
    assert ContadorIntercambio.objects.get().last_seq == 1


def test_sending_the_same_entry_twice_to_one_destination_sends_once(register, clerk, transport):
    asiento = register()
    first = services.intercambio_enviar(asiento=asiento, entidad_destino=DEST, actor=clerk)
    second = services.intercambio_enviar(asiento=asiento, entidad_destino=DEST.lower(), actor=clerk)
    assert first.pk == second.pk
    assert Intercambio.objects.count() == 1


def test_a_bad_destination_is_a_clear_error_and_writes_nothing(register, clerk, transport):
    asiento = register()
    for bad in ("", "not a code!", asiento.oficina.code):
        with pytest.raises(ValidationError) as exc:
            services.intercambio_enviar(asiento=asiento, entidad_destino=bad, actor=clerk)
        assert "entidad_destino" in exc.value.message_dict
    assert not Intercambio.objects.exists()
    assert not ContadorIntercambio.objects.exists()


# --- Outgoing: send → ACK → Confirmación → ACK-Confirmación -------------------------------


def test_reg7_send_delivers_a_valid_file_and_the_ack_moves_it_to_sent(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    assert len(transport.sent) == 1
    destino, data = transport.sent[0]
    root = assert_valid(data)
    assert destino == DEST
    assert root.findtext("De_Internos_Control/Identificador_Intercambio") == (
        intercambio.identificador
    )
    assert root.findtext("De_Internos_Control/Tipo_Anotacion") == TipoAnotacion.ENVIO
    assert root.findtext("De_Asiento/Numero_Registro_Entrada") == asiento.numero
    anexo = root.find("De_Anexo")
    assert anexo.findtext("Identificador_Fichero") == f"{intercambio.identificador}_01_0001.pdf"
    assert intercambio.estado == E.ENVIADO
    assert intercambio.pendiente == ""
    assert list(intercambio.ficheros.values_list("sha256", flat=True)) == [
        asiento.documentos.get().sha256
    ]
    history = list(intercambio.eventos.values_list("accion", "estado"))
    assert history == [("enviar", E.PENDIENTE), ("ack", E.ENVIADO)]
    assert f"{DEST} (" in intercambio.eventos.get(accion="ack").detalle  # what was sent
    assert AuditEntry.objects.filter(
        action="registro.sir.ack", object_id=str(intercambio.pk)
    ).exists()


def test_reg10_confirmation_is_acknowledged_and_kept_with_the_destination_number(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    message = control(
        TipoMensaje.CONFIRMACION,
        origen=DEST,
        destino=asiento.oficina.code,
        identificador=intercambio.identificador,
        numero_registro_destino="2026/E/00000077",
        fecha_registro_destino="20261204120000+0100",
    )
    reply = services.mensaje_recibir(message)
    assert_valid(reply)
    assert read(reply)["Tipo_Mensaje"] == TipoMensaje.ACK_CONFIRMACION
    intercambio.refresh_from_db()
    assert intercambio.estado == E.CONFIRMADO
    assert intercambio.numero_registro_destino == "2026/E/00000077"
    # The destination re-sends until it gets the ACK: answered again, nothing changes.
    again = services.mensaje_recibir(message)
    assert read(again)["Tipo_Mensaje"] == TipoMensaje.ACK_CONFIRMACION
    assert intercambio.eventos.filter(accion="confirmacion").count() == 1


def test_a_confirmation_from_another_entity_is_refused(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    reply = services.mensaje_recibir(
        control(
            TipoMensaje.CONFIRMACION,
            origen="O00009876",
            destino=asiento.oficina.code,
            identificador=intercambio.identificador,
        )
    )
    assert read(reply)["Tipo_Mensaje"] == TipoMensaje.ERROR
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ENVIADO


def test_reg10_a_rejection_returns_to_the_initiating_office_with_its_reason(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    reply = services.mensaje_recibir(
        control(
            TipoMensaje.RECHAZO,
            origen=DEST,
            destino=asiento.oficina.code,
            identificador=intercambio.identificador,
            descripcion="No es competencia de este organismo",
        )
    )
    assert read(reply)["Tipo_Mensaje"] == TipoMensaje.ACK_RECHAZO
    intercambio.refresh_from_db()
    assert intercambio.estado == E.RECHAZADO
    assert intercambio.motivo == "No es competencia de este organismo"
    assert intercambio.oficina == asiento.oficina


def test_an_error_answer_marks_the_exchange_and_a_clerk_can_send_it_again(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    transport.answer_error = CodigoError.XSD
    _asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    assert intercambio.estado == E.ERROR
    assert intercambio.codigo_error == CodigoError.XSD
    transport.answer_error = ""
    with django_capture_on_commit_callbacks(execute=True):
        services.intercambio_reintentar(intercambio=intercambio, actor=clerk)
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ENVIADO
    assert [d for d, _ in transport.sent] == [DEST, DEST]
    assert transport.sent[0][1] == transport.sent[1][1]  # the same identifier and bytes


def test_peer_down_keeps_the_exchange_pending_and_the_sweep_delivers_it_later(
    register, clerk, transport, django_capture_on_commit_callbacks
):
    transport.down = True
    _asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    assert intercambio.estado == E.PENDIENTE
    assert intercambio.pendiente == Pendiente.FICHERO
    assert intercambio.intentos == 1 and "connection refused" in intercambio.ultimo_error
    assert intercambio.proximo_intento_at > timezone.now()
    # Not due yet: the sweep leaves it alone.
    assert services.intercambios_sweep() == 0
    transport.down = False
    later = timezone.now() + timedelta(minutes=5)
    assert services.intercambio_entregar(intercambio_id=intercambio.pk, now=later)
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ENVIADO


def test_the_sweep_publishes_due_deliveries(register, clerk, transport, monkeypatch):
    asiento = register()
    intercambio = services.intercambio_enviar(asiento=asiento, entidad_destino=DEST, actor=clerk)
    published = []
    monkeypatch.setattr(
        services, "intercambio_enqueue", lambda *, intercambio_id: published.append(intercambio_id)
    )
    services.intercambios_sweep(now=timezone.now() + timedelta(seconds=1))
    assert published == [intercambio.pk]


def test_after_the_last_attempt_the_exchange_is_marked_erroneous(
    register, clerk, transport, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRO_SIR_MAX_ATTEMPTS = 2
    transport.down = True
    _asiento, intercambio = _send(register, clerk, django_capture_on_commit_callbacks)
    services.intercambio_entregar(
        intercambio_id=intercambio.pk, now=timezone.now() + timedelta(hours=2)
    )
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ERROR
    assert intercambio.pendiente == ""
    assert intercambio.eventos.filter(accion="agotado").exists()


def test_backoff_grows_and_is_capped():
    assert services.backoff(1) == timedelta(seconds=30)
    assert services.backoff(2) == timedelta(seconds=60)
    assert services.backoff(50) == timedelta(hours=1)


# --- Incoming -----------------------------------------------------------------------------


def _incoming(register, oficina, n: int = 1, **kwargs) -> bytes:
    asiento = register()
    return remote_fichero(
        asiento, identificador=f"{REMOTE}_26_{n:08}", destino=oficina.code, **kwargs
    )


def test_reg10_an_incoming_file_is_acknowledged_and_waits_as_a_pre_entry(
    register, oficina_sede, transport
):
    data = _incoming(register, oficina_sede)
    before = Asiento.objects.count()
    reply = services.mensaje_recibir(data)
    assert_valid(reply)
    answer = read(reply)
    assert answer["Tipo_Mensaje"] == TipoMensaje.ACK
    assert answer["Codigo_Entidad_Registral_Destino"] == REMOTE
    assert answer["Identificador_Fichero"] == f"{REMOTE}_26_00000001_01_0001.pdf"
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    assert row.estado == E.RECIBIDO and row.asiento is None
    assert row.oficina == oficina_sede
    assert default_storage.exists(row.fichero.name)
    with default_storage.open(row.fichero.name, "rb") as fh:
        assert fh.read() == data  # the file as received
    assert Asiento.objects.count() == before  # a pre-entry is not an entry
    # The exchange, its event, its audit row and its files, written together
    (evento,) = row.eventos.all()
    assert (evento.accion, evento.estado_anterior, evento.estado) == ("recibir", "", E.RECIBIDO)
    assert evento.mensaje == TipoMensaje.ACK
    audit = AuditEntry.objects.get(action="registro.sir.recibir")
    assert (audit.object_type, audit.object_id) == ("registro.intercambio", str(row.pk))
    assert audit.detail["identificador"] == row.identificador
    assert audit.detail["estado"] == E.RECIBIDO
    (fichero,) = row.ficheros.all()
    assert fichero.identificador_fichero == answer["Identificador_Fichero"]
    assert fichero.sha256 == read_fichero(parse_xml(data)).anexos[0].sha256
    assert row.created_at is not None and row.updated_at is not None


def test_confirming_a_pre_entry_registers_a_numbered_entry_and_sends_the_confirmation(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    with django_capture_on_commit_callbacks(execute=True):
        asiento = services.intercambio_confirmar(intercambio=row, actor=clerk)
    assert re.fullmatch(r"\d{4}/E/\d{8}", asiento.numero)
    assert asiento.canal == Canal.SIR and asiento.direction == Direccion.ENTRADA
    assert asiento.documentos.get().sha256 == row.ficheros.get().sha256
    assert asiento.partes.get().nif == "12345678Z"
    row.refresh_from_db()
    assert row.asiento == asiento
    assert row.numero_registro_destino == asiento.numero
    destino, data = transport.sent[-1]
    answer = read(data)
    assert destino == REMOTE
    assert answer["Tipo_Mensaje"] == TipoMensaje.CONFIRMACION
    assert answer["Numero_Registro_Entrada_Destino"] == asiento.numero
    # The scripted origin answered ACK-Confirmación: nothing is owed any more.
    assert row.estado == E.ACEPTADO and row.pendiente == ""
    assert row.entidad_origen == REMOTE  # the sender's data are kept


def test_rejecting_a_pre_entry_keeps_only_a_trace_and_returns_it_to_the_inicio(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    name = row.fichero.name
    with pytest.raises(ValidationError):
        services.intercambio_rechazar(intercambio=row, actor=clerk, motivo="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.intercambio_rechazar(intercambio=row, actor=clerk, motivo="No es de Bilbao")
    row.refresh_from_db()
    assert row.estado == E.DEVUELTO and row.pendiente == ""
    assert not row.fichero and not default_storage.exists(name)
    destino, data = transport.sent[-1]
    assert destino == REMOTE
    assert read(data)["Tipo_Mensaje"] == TipoMensaje.RECHAZO
    assert read(data)["Descripcion_Mensaje"] == "No es de Bilbao"
    assert row.asiento is None


def test_a_confirmation_keeps_being_sent_until_acknowledged(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    transport.down = True
    with django_capture_on_commit_callbacks(execute=True):
        services.intercambio_confirmar(intercambio=row, actor=clerk)
    row.refresh_from_db()
    assert row.pendiente == Pendiente.CONFIRMACION
    transport.down = False
    services.intercambio_entregar(intercambio_id=row.pk, now=timezone.now() + timedelta(hours=1))
    row.refresh_from_db()
    assert row.pendiente == ""
    assert row.eventos.filter(accion="ack_confirmacion").exists()


def test_reg10_a_tampered_annex_is_an_error_and_never_an_entry(register, oficina_sede):
    data = _incoming(
        register, oficina_sede, tamper=lambda root: replace_annex(root, make_pdf_bytes("Otro"))
    )
    before = Asiento.objects.count()
    reply = services.mensaje_recibir(data)
    answer = read(reply)
    assert answer["Tipo_Mensaje"] == TipoMensaje.ERROR
    assert answer["Codigo_Error"] == CodigoError.HASH
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    assert row.estado == E.ERROR and not row.fichero
    assert not row.ficheros.exists()
    assert Asiento.objects.count() == before
    assert not default_storage.exists(f"registro/sir/entrada/{row.identificador}.xml")


def test_an_annex_without_a_declared_hash_is_refused(register, oficina_sede):
    def drop_hash(root):
        for meta in root.iter("Otros_Metadatos_Generales"):
            if meta.getparent().tag == "De_Anexo":
                meta.getparent().remove(meta)

    reply = services.mensaje_recibir(_incoming(register, oficina_sede, tamper=drop_hash))
    assert read(reply)["Codigo_Error"] == CodigoError.HASH


def test_an_annex_the_upload_policy_refuses_is_an_error(register, oficina_sede):
    executable = b"MZ\x90\x00" + b"\x00" * 200
    reply = services.mensaje_recibir(
        _incoming(
            register,
            oficina_sede,
            tamper=lambda root: replace_annex(root, executable, rehash=True),
        )
    )
    assert read(reply)["Codigo_Error"] == CodigoError.ANEXO
    assert not Intercambio.objects.filter(estado=E.RECIBIDO).exists()


def test_reg10_an_identical_retransmission_is_acknowledged_not_stored_twice(register, oficina_sede):
    data = _incoming(register, oficina_sede)
    first = services.mensaje_recibir(data)
    second = services.mensaje_recibir(data)
    assert read(first) == read(second)
    assert Intercambio.objects.filter(sentido=Sentido.ENTRADA).count() == 1
    row = Intercambio.objects.get()
    assert row.eventos.filter(accion="duplicado").count() == 1
    # The retransmission's copy was not kept beside the first one's
    folder = row.fichero.name.rpartition("/")[0]
    assert default_storage.listdir(folder)[1] == [row.fichero.name.rpartition("/")[2]]


def test_reg10_another_file_under_a_used_identifier_is_refused(register, oficina_sede):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    other = _incoming(
        register,
        oficina_sede,
        tamper=lambda root: replace_annex(root, make_pdf_bytes("Otro"), rehash=True),
    )
    answer = read(services.mensaje_recibir(other))
    assert answer["Tipo_Mensaje"] == TipoMensaje.ERROR
    assert answer["Codigo_Error"] == CodigoError.DUPLICADO
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    assert row.estado == E.RECIBIDO
    assert row.eventos.filter(accion="duplicado_rechazado").exists()


def test_an_invalid_file_is_refused_and_its_corrected_retransmission_accepted(
    register, oficina_sede
):
    def break_schema(root):
        root.find("De_Asiento/Tipo_Registro").text = "7"

    answer = read(services.mensaje_recibir(_incoming(register, oficina_sede, tamper=break_schema)))
    assert answer["Codigo_Error"] == CodigoError.XSD
    assert Intercambio.objects.get().estado == E.ERROR
    answer = read(services.mensaje_recibir(_incoming(register, oficina_sede)))
    assert answer["Tipo_Mensaje"] == TipoMensaje.ACK
    row = Intercambio.objects.get()
    assert row.estado == E.RECIBIDO
    assert list(row.eventos.values_list("accion", flat=True)) == ["refusar", "recibir"]


def test_a_file_for_an_office_that_is_not_ours_is_refused(register, oficina_sede):
    asiento = register()
    data = remote_fichero(asiento, identificador=f"{REMOTE}_26_00000001", destino="O00005555")
    assert read(services.mensaje_recibir(data))["Codigo_Error"] == CodigoError.DESTINO


def test_an_identifier_that_does_not_follow_reg9_is_refused(register, oficina_sede):
    asiento = register()
    data = remote_fichero(asiento, identificador="O00099999_26_00000001", destino=oficina_sede.code)
    assert read(services.mensaje_recibir(data))["Codigo_Error"] == CodigoError.IDENTIFICADOR


def test_a_control_message_about_an_unknown_exchange_is_answered_with_an_error(oficina_sede):
    reply = services.mensaje_recibir(
        control(
            TipoMensaje.CONFIRMACION,
            origen=REMOTE,
            destino=oficina_sede.code,
            identificador=f"{oficina_sede.code}_26_00000099",
        )
    )
    assert read(reply)["Codigo_Error"] == CodigoError.DESCONOCIDO


def test_entities_and_dtds_are_never_expanded():
    from registro.sir.mensajes import InvalidMessageError

    evil = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<De_Control>&x;</De_Control>"
    )
    with pytest.raises(InvalidMessageError):
        services.mensaje_recibir(evil)
    with pytest.raises(InvalidMessageError):
        services.mensaje_recibir(b"not xml")


def test_forwarding_a_pre_entry_keeps_its_identifier_and_the_inicio(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    with django_capture_on_commit_callbacks(execute=True):
        salida = services.intercambio_reenviar(
            intercambio=row, actor=clerk, entidad_destino="O00007777"
        )
    row.refresh_from_db()
    salida.refresh_from_db()
    assert row.estado == E.REENVIADO and not row.fichero
    assert salida.identificador == row.identificador
    assert salida.tipo_anotacion == TipoAnotacion.REENVIO
    assert salida.estado == E.ENVIADO
    destino, data = transport.sent[-1]
    root = assert_valid(data)
    assert destino == "O00007777"
    assert root.findtext("De_Internos_Control/Tipo_Anotacion") == TipoAnotacion.REENVIO
    assert root.findtext("De_Internos_Control/Codigo_Entidad_Registral_Inicio") == REMOTE
    assert root.findtext("De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen") == (
        oficina_sede.code
    )


def test_a_forwarded_entrys_confirmation_is_relayed_to_the_first_sender(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    """REG-10 along a forwarding chain: REMOTE → us → O00007777. When O00007777 confirms,
    we acknowledge it and send REMOTE a Confirmación with O00007777's number, until REMOTE
    acknowledges it."""
    services.mensaje_recibir(_incoming(register, oficina_sede))
    entrada = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    with django_capture_on_commit_callbacks(execute=True):
        salida = services.intercambio_reenviar(
            intercambio=entrada, actor=clerk, entidad_destino="O00007777"
        )
    transport.down = True  # REMOTE is unreachable when the confirmation arrives
    message = control(
        TipoMensaje.CONFIRMACION,
        origen="O00007777",
        destino=oficina_sede.code,
        identificador=salida.identificador,
        numero_registro_destino="2026/E/00000321",
        fecha_registro_destino="20261204120000+0100",
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.mensaje_recibir(message)
    assert read(reply)["Tipo_Mensaje"] == TipoMensaje.ACK_CONFIRMACION
    salida.refresh_from_db()
    entrada.refresh_from_db()
    assert salida.estado == E.CONFIRMADO
    assert entrada.estado == E.REENVIADO and entrada.pendiente == Pendiente.CONFIRMACION
    assert entrada.numero_registro_destino == "2026/E/00000321"

    transport.down = False  # the retry reaches REMOTE, which acknowledges
    sent_before = len(transport.sent)
    later = timezone.now() + timedelta(hours=1)
    assert services.intercambio_entregar(intercambio_id=entrada.pk, now=later)
    destino, data = transport.sent[sent_before]
    assert_valid(data)
    relayed = read(data)
    assert destino == REMOTE
    assert relayed["Tipo_Mensaje"] == TipoMensaje.CONFIRMACION
    assert relayed["Codigo_Entidad_Registral_Origen"] == oficina_sede.code
    assert relayed["Identificador_Intercambio"] == entrada.identificador
    assert relayed["Numero_Registro_Entrada_Destino"] == "2026/E/00000321"
    entrada.refresh_from_db()
    assert entrada.pendiente == "" and entrada.estado == E.REENVIADO
    history = list(entrada.eventos.order_by("pk").values_list("accion", flat=True))
    # the first attempt met REMOTE down, the retry was acknowledged
    assert history[-3:] == [
        "confirmacion_reenviada",
        "entrega_fallida",
        "ack_confirmacion_reenviada",
    ]
    # The destination re-sends its confirmation (our ACK was lost): not relayed twice.
    services.mensaje_recibir(message)
    assert entrada.eventos.filter(accion="confirmacion_reenviada").count() == 1


# --- The state machine --------------------------------------------------------------------


@pytest.mark.parametrize(("sentido", "accion"), list(services.TRANSITIONS))
@pytest.mark.parametrize("estado", [None, *EstadoIntercambio.values])
def test_reg8_only_the_listed_transitions_are_possible(sentido, accion, estado):
    allowed, target = services.TRANSITIONS[(sentido, accion)]
    row = Intercambio(sentido=sentido, estado=estado or E.PENDIENTE)
    if estado is not None:
        row.pk = 1
    if estado in allowed:
        assert services._check(row, sentido, accion) == target
    else:
        with pytest.raises(services.TransitionNotAllowedError):
            services._check(row, sentido, accion)


def test_every_transition_is_reached_by_a_service():
    """Each (direction, action) of the table is used by the services' code."""
    import inspect

    source = inspect.getsource(services)
    for _sentido, accion in services.TRANSITIONS:
        assert f'"{accion}"' in source.split("TRANSITIONS: dict")[1].split("\n}\n", 1)[1], accion


def test_a_decision_on_a_closed_exchange_is_refused(
    register, oficina_sede, clerk, transport, django_capture_on_commit_callbacks
):
    services.mensaje_recibir(_incoming(register, oficina_sede))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    with django_capture_on_commit_callbacks(execute=True):
        services.intercambio_confirmar(intercambio=row, actor=clerk)
    numbered = Asiento.objects.count()
    with pytest.raises(services.TransitionNotAllowedError):
        services.intercambio_confirmar(intercambio=row, actor=clerk)
    with pytest.raises(services.TransitionNotAllowedError):
        services.intercambio_rechazar(intercambio=row, actor=clerk, motivo="tarde")
    assert Asiento.objects.count() == numbered


def test_the_history_is_append_only(register, clerk, transport):
    asiento = register()
    intercambio = services.intercambio_enviar(asiento=asiento, entidad_destino=DEST, actor=clerk)
    event = IntercambioEvento.objects.get(intercambio=intercambio)
    event.detalle = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


# --- REG-8: every code-list value ---------------------------------------------------------


@pytest.mark.parametrize("tipo", TipoMensaje.values)
@pytest.mark.parametrize("prueba", [False, True])
def test_reg8_every_control_message_type_validates_and_reads_back(tipo, prueba):
    from registro.sir.mensajes import read_control

    data = build_control(
        Control(
            tipo=tipo,
            origen="O00099999",
            destino=REMOTE,
            identificador="O00099999_26_00000001",
            prueba=prueba,
            ficheros=("O00099999_26_00000001_01_0001.pdf",),
            codigo_error=CodigoError.HASH if tipo == TipoMensaje.ERROR else "",
        )
    )
    back = read_control(assert_valid(data))
    assert back.tipo == tipo and back.prueba is prueba
    assert read(data)["Indicador_Prueba"] == (IndicadorPrueba.PRUEBA if prueba else "0")


def test_reg8_an_unknown_message_type_is_never_built():
    with pytest.raises(ValueError):
        build_control(Control(tipo="07", origen="A", destino="B", identificador="A_26_00000001"))


def _fichero_root(register, **kwargs):
    asiento = register()
    return etree.fromstring(
        build_fichero(
            asiento, identificador="O00099999_26_00000001", entidad_destino=DEST, **kwargs
        )
    )


@pytest.mark.parametrize("tipo", TipoAnotacion.values)
def test_reg8_tipo_anotacion_01_to_03_travel_in_the_file_and_04_as_a_rechazo_message(
    register, tipo
):
    root = _fichero_root(register, tipo_anotacion=tipo)
    if tipo == TipoAnotacion.RECHAZO:
        # SICRES 4.0's XSD has no 04: a rejection travels as the control message 05.
        with pytest.raises(services.InvalidMessageError):
            validate(root)
        assert TipoMensaje.RECHAZO == "05"
    else:
        validate(root)
        assert read_fichero(root).tipo_anotacion == tipo


@pytest.mark.parametrize("value", ["1", "2", "3"])
def test_reg8_documentacion_fisica_values(register, value):
    root = _fichero_root(register)
    root.find("De_Internos_Control/Documentacion_Fisica").text = value
    validate(root)
    assert read_fichero(root).documentacion_fisica == value


@pytest.mark.parametrize("value", ["01", "02", "03"])
def test_reg8_tipo_anexo_values(register, value):
    root = _fichero_root(register)
    root.find("De_Anexo/Tipo_Anexo").text = value
    validate(root)
    assert read_fichero(root).anexos[0].tipo_anexo == value


@pytest.mark.parametrize("value", TipoTransporte.values)
def test_reg8_tipo_transporte_values(register, value):
    root = _fichero_root(register)
    control_node = root.find("De_Internos_Control")
    node = etree.Element("Tipo_Transporte_Entrada")
    node.text = value
    control_node.find("Identificador_Intercambio").addnext(node)
    validate(root)


@pytest.mark.parametrize("value", TipoDocumentoIdentificacion.values)
def test_reg8_identification_document_types(register, value):
    root = _fichero_root(register)
    root.find(
        "De_Interesado/Datos_Interesado/Datos_Identificacion/Tipo_Documento_Identificacion"
    ).text = value
    validate(root)
    assert read_fichero(root).interesados[0][0].tipo_documento == value


@pytest.mark.parametrize("value", ["0", "1"])
def test_reg8_indicador_prueba_values(register, value):
    root = _fichero_root(register, prueba=value == "1")
    validate(root)
    assert read_fichero(root).prueba is (value == "1")


@pytest.mark.parametrize("value", ["01", "02", "03", "04"])
def test_reg8_validez_documento_travels_with_the_annex(register, value):
    root = _fichero_root(register)
    meta = root.find("De_Anexo/Otros_Metadatos_Generales")
    campos = [e.text for e in meta.findall("Campo")]
    meta.findall("Valor")[campos.index("Validez_Documento")].text = value
    validate(root)
    assert read_fichero(root).anexos[0].validez == value


def test_a_passport_holder_cannot_be_registered_and_the_clerk_is_told_why(
    register, oficina_sede, clerk, transport
):
    def passport(root):
        ident = root.find("De_Interesado/Datos_Interesado/Datos_Identificacion")
        ident.find("Tipo_Documento_Identificacion").text = "P"
        ident.find("Documento_Identificacion").text = "XDA123456"

    services.mensaje_recibir(_incoming(register, oficina_sede, tamper=passport))
    row = Intercambio.objects.get(sentido=Sentido.ENTRADA)
    assert row.estado == E.RECIBIDO
    with pytest.raises(ValidationError) as exc:
        services.intercambio_confirmar(intercambio=row, actor=clerk)
    assert "interesados" in exc.value.message_dict
    row.refresh_from_db()
    assert row.estado == E.RECIBIDO  # nothing half-done


def test_parsing_a_valid_incoming_message_needs_no_network():
    root = parse_xml(b"<De_Control><Tipo_Mensaje>01</Tipo_Mensaje></De_Control>")
    assert root.findtext("Tipo_Mensaje") == "01"


def _signed_pdf() -> bytes:
    from firma.keys import get_signer
    from firma.signing import sign

    return sign(make_pdf_bytes("Firmado"), fmt="pades", signer=get_signer("sello")).data


def test_a_signed_annex_is_checked_and_its_result_noted(register, oficina_sede, council_seal):
    from registro.services import DocumentoNuevo

    signed = _signed_pdf()
    asiento = register(documentos=[DocumentoNuevo(nombre="firmado.pdf", content=signed)])
    data = remote_fichero(asiento, identificador=f"{REMOTE}_26_00000001", destino=oficina_sede.code)
    assert read(services.mensaje_recibir(data))["Tipo_Mensaje"] == TipoMensaje.ACK
    event = Intercambio.objects.get().eventos.get(accion="recibir")
    assert "firma valid" in event.detalle


def test_reg10_an_annex_whose_signature_is_broken_is_an_error(register, oficina_sede, council_seal):
    signed = _signed_pdf()
    assert b"/MediaBox" in signed
    start = signed.index(b"/MediaBox")
    broken = signed[:start] + signed[start:].replace(b"0", b"1", 1)  # same length, same layout
    data = _incoming(
        register, oficina_sede, tamper=lambda root: replace_annex(root, broken, rehash=True)
    )
    answer = read(services.mensaje_recibir(data))
    assert answer["Tipo_Mensaje"] == TipoMensaje.ERROR
    assert answer["Codigo_Error"] == CodigoError.FIRMA
    assert not Intercambio.objects.filter(estado=E.RECIBIDO).exists()


@pytest.mark.django_db(transaction=True)  # a delivery runs outside any transaction
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the claim reads the parties and documents with it on PostgreSQL",
)
def test_the_delivery_reads_its_entry_in_one_statement_and_sends_the_same_file(
    register, clerk, representante, transport, monkeypatch
):
    """Issue 18: the claim brings the entry's parties, documents and registering user (JSON
    subqueries, a join): the delivery is two statements, the claim and the ACK's record
    (which releases the lock), and the file is byte for byte the one that reading them
    separately builds."""
    asiento = register(
        representante=representante.interesado,
        representacion={"id": 3, "via": "apoderamiento", "reason": "Poder 2026/7"},
        documentos=[
            DocumentoNuevo(nombre="uno.pdf", content=make_pdf_bytes("uno")),
            DocumentoNuevo(nombre="dos.pdf", content=make_pdf_bytes("dos")),
        ],
    )
    monkeypatch.setattr(services, "intercambio_enqueue", lambda *, intercambio_id: True)
    warm = register()  # the statements are prepared on the connection by a first delivery
    for entry in (warm, asiento):
        intercambio = services.intercambio_enviar(asiento=entry, entidad_destino=DEST, actor=clerk)
    services.intercambio_entregar(intercambio_id=intercambio.pk - 1)
    transport.sent = []
    with CaptureQueriesContext(connection) as queries:
        assert services.intercambio_entregar(intercambio_id=intercambio.pk)
    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    ((_destino, data),) = transport.sent
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ENVIADO
    expected = build_fichero(
        Asiento.objects.get(pk=asiento.pk),
        identificador=intercambio.identificador,
        entidad_destino=intercambio.entidad_destino,
        entidad_destino_nombre=intercambio.entidad_destino_nombre,
        prueba=intercambio.prueba,
        tipo_anotacion=intercambio.tipo_anotacion,
    )
    assert data == expected
    root = etree.fromstring(data)
    assert root.findtext("De_Interesado/Datos_Representante/Datos_Identificacion/Nombre")
    assert [a.findtext("Nombre_Fichero_Anexado") for a in root.iter("De_Anexo")] == [
        "uno.pdf",
        "dos.pdf",
    ]


def test_an_office_deactivated_or_renamed_after_it_was_read_is_read_again(register, oficina_sede):
    """Issue 18: on PostgreSQL the process remembers the active offices it read, and the
    insert of a new exchange checks in the same statement that its office is still active
    with that code and name: a deactivated office refuses the next file (DESTINO), a renamed
    one stores it under its new name, as reading it every time did."""
    from registro.models import Oficina

    assert read(services.mensaje_recibir(_incoming(register, oficina_sede, 1)))["Tipo_Mensaje"] == (
        TipoMensaje.ACK
    )
    # Changed behind this process's back (no signal, no save()):
    Oficina.objects.filter(pk=oficina_sede.pk).update(name_es="Oficina renombrada")
    assert read(services.mensaje_recibir(_incoming(register, oficina_sede, 2)))["Tipo_Mensaje"] == (
        TipoMensaje.ACK
    )
    second = Intercambio.objects.get(identificador=f"{REMOTE}_26_00000002")
    assert second.entidad_destino_nombre == "Oficina renombrada"
    Oficina.objects.filter(pk=oficina_sede.pk).update(active=False)
    answer = read(services.mensaje_recibir(_incoming(register, oficina_sede, 3)))
    assert answer["Codigo_Error"] == CodigoError.DESTINO
    third = Intercambio.objects.get(identificador=f"{REMOTE}_26_00000003")
    assert third.estado == E.ERROR and not third.fichero
    assert not third.ficheros.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_a_new_file_to_a_known_office_is_stored_by_one_statement(register, oficina_sede):
    services.mensaje_recibir(_incoming(register, oficina_sede, 1))  # reads the office
    data = _incoming(register, oficina_sede, 2)
    with CaptureQueriesContext(connection) as queries:
        assert read(services.mensaje_recibir(data))["Tipo_Mensaje"] == TipoMensaje.ACK
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1, statements


def test_a_received_file_is_never_saved_over_another_file():
    """``_save_new`` (issue 18): a free name is used as is; a taken one is left alone and the
    storage picks another; a folder not made yet (a fresh MEDIA_ROOT per test) is made."""
    assert not default_storage.exists("registro/sir/entrada")
    name = "registro/sir/entrada/O00001234_26_00000001.xml"
    assert services._save_new(b"<first/>", name) == name
    other = services._save_new(b"<second/>", name)
    assert other != name and other.startswith("registro/sir/entrada/O00001234_26_00000001")
    with default_storage.open(name, "rb") as fh:
        assert fh.read() == b"<first/>"
    with default_storage.open(other, "rb") as fh:
        assert fh.read() == b"<second/>"
    third = "registro/sir/entrada/O00001234_26_00000002.xml"
    assert services._save_new(b"<third/>", third) == third
    with default_storage.open(third, "rb") as fh:
        assert fh.read() == b"<third/>"
    assert sorted(default_storage.listdir("registro/sir/entrada")[1]) == sorted(
        n.rpartition("/")[2] for n in (name, other, third)
    )
