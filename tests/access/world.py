"""The world of the access matrix: the personas and one object of each kind they may or may
not reach, all made through the real services (issue 17.13)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from identidad.constants import TipoPersona, TipoUnidad
from identidad.models import Unidad, User
from identidad.roles import Role
from identidad.services import citizen_user_from_identity, interesado_get_or_create

# The personas, in the order the report prints them.
PERSONAS = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "rep_with_power",
    "rep_without_power",
    "staff_owner",  # case handler of the unit that owns A's entry (Urbanismo)
    "staff_other",  # case handler of another unit (Cultura)
    "clerk",  # registry clerk of the Deusto district office
    "habilitado",  # authorised official at the Deusto office
    "catalogue_editor",  # the form builder; prepares and publishes forms (issue 16)
    "unit_head",  # head of the unit of the world's procedure (approves its forms)
    "admin",  # superuser
)
STAFF = frozenset(
    {"staff_owner", "staff_other", "clerk", "habilitado", "catalogue_editor", "unit_head", "admin"}
)
CITIZENS = frozenset({"citizen_a", "citizen_b", "rep_with_power", "rep_without_power"})
PERSONA_ROLES = {
    "staff_owner": (Role.CASE_HANDLER,),
    "staff_other": (Role.CASE_HANDLER,),
    "clerk": (Role.REGISTRY_CLERK,),
    "habilitado": (Role.HABILITADO,),
    "catalogue_editor": (Role.CATALOGUE_EDITOR,),
    "unit_head": (Role.UNIT_HEAD,),
}


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def resolve(self, path: str):
        """``"asiento_a.pk"`` → the value; a literal otherwise."""
        name, _, attr = path.partition(".")
        if name not in self.objects:
            return path
        value = self.objects[name]
        for part in attr.split(".") if attr else ():
            value = getattr(value, part)
        return value


def _pdf() -> bytes:
    from tests.firma.conftest import make_pdf

    return make_pdf("Documento de prueba")


def _staff(username: str, *roles: Role, units=()) -> User:
    user = User.objects.create_user(
        username, password="x", is_staff=True, first_name=username, email=f"{username}@x.example"
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    user.unidades.add(*units)
    return user


def build_world() -> World:
    from apoderamientos.constants import CanalOtorgamiento, TipoApoderamiento, TipoHabilitacion
    from apoderamientos.services import (
        apoderamiento_register,
        apoderamiento_revoke,
        consentimiento_register,
        habilitacion_register,
    )
    from firma.services import AccionSpec, peticion_create
    from firma.services.portafirmas import DocumentoSpec
    from procedimientos.models import FormularioVersion, Procedimiento
    from registro.constants import Canal, Direccion, TipoOficina
    from registro.models import Oficina
    from registro.services import DocumentoNuevo, asiento_register
    from sede.constants import EstadoBorrador
    from sede.models import Borrador, Presentacion
    from tests.sede.filing_support import starter_subset

    w = World()
    council = Unidad.objects.create(
        dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD
    )
    urbanismo = Unidad.objects.create(
        dir3="LA0001234", name_es="Urbanismo", kind=TipoUnidad.AREA, parent=council
    )
    cultura = Unidad.objects.create(
        dir3="LA0005678", name_es="Cultura", kind=TipoUnidad.AREA, parent=council
    )
    sede = Oficina.objects.create(
        code="O00099999", name_es="Sede", kind=TipoOficina.SEDE, unidad=council
    )
    deusto = Oficina.objects.create(
        code="O00099001", name_es="Deusto", kind=TipoOficina.PRESENCIAL, unidad=council
    )

    w.users["anonymous"] = None
    a = citizen_user_from_identity(nif="12345678Z", first_name="Miren", last_name="Etxeberria")
    b = citizen_user_from_identity(nif="11111111H", first_name="Ane", last_name="Zubiri")
    rep = citizen_user_from_identity(nif="87654321X", first_name="Jon", last_name="Garcia")
    ex = citizen_user_from_identity(nif="X1234567L", first_name="Amina", last_name="Benali")
    w.users.update(citizen_a=a, citizen_b=b, rep_with_power=rep, rep_without_power=ex)
    w.users["staff_owner"] = _staff("tramitador-urb", Role.CASE_HANDLER, units=[urbanismo])
    w.users["staff_other"] = _staff("tramitador-cul", Role.CASE_HANDLER, units=[cultura])
    w.users["clerk"] = _staff("encargado-deusto", Role.REGISTRY_CLERK)
    w.users["habilitado"] = _staff("habilitada", Role.HABILITADO)
    w.users["catalogue_editor"] = _staff("editora-catalogo", Role.CATALOGUE_EDITOR)
    w.users["admin"] = User.objects.create_superuser("admin", password="x")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=w.users["admin"], name="app", confirmed=True)
    w.objects["admin_user"] = w.users["admin"]
    deusto.personal.add(w.users["clerk"], w.users["habilitado"])

    # Catalogue (the starter subset with published forms).
    from procedimientos import catalogo_io

    catalogo_io.catalogo_import(data=starter_subset())
    procedimiento = Procedimiento.objects.get(code="instancia-general")
    formulario = FormularioVersion.objects.filter(procedimiento=procedimiento).first()
    w.objects["procedimiento"] = procedimiento
    w.objects["formulario"] = formulario  # the published version
    # The form workflow: the head of the procedure's unit approves its forms (issue 16).
    w.users["unit_head"] = _staff("jefa-unidad", Role.UNIT_HEAD, units=[procedimiento.unit])
    from procedimientos.formularios.services import formulario_draft_new

    # A draft version of its form (the form builder and its preview, issue 16).
    w.objects["formulario_borrador"] = formulario_draft_new(
        procedimiento=procedimiento, copy_latest=True
    )

    # Registry: A's entry filed on the sede for Urbanismo; B's paper entry at Deusto.
    w.objects["asiento_a"] = asiento_register(
        direction=Direccion.ENTRADA,
        oficina=sede,
        canal=Canal.SEDE,
        interesados=[a.interesado],
        unidad_destino=urbanismo,
        resumen="Licencia de obra menor",
        documentos=[DocumentoNuevo(nombre="a.pdf", content=_pdf(), mime="application/pdf")],
        registrado_por=a,
    )
    from registro.services import justificante_issue

    justificante_issue(asiento_id=w.objects["asiento_a"].pk)  # the sealed receipt (REG-5)
    w.objects["asiento_desk"] = asiento_register(
        direction=Direccion.ENTRADA,
        oficina=deusto,
        canal=Canal.PRESENCIAL,
        interesados=[b.interesado],
        unidad_destino=cultura,
        resumen="Ayuda social",
        documentos=[DocumentoNuevo(nombre="b.pdf", content=_pdf(), mime="application/pdf")],
        registrado_por=w.users["clerk"],
    )

    # The case file of A's entry (expedientes), as the sede opens it on filing.
    from expedientes.services import expediente_open_from_asiento

    w.objects["expediente_a"] = expediente_open_from_asiento(
        asiento=w.objects["asiento_a"], procedimiento=procedimiento
    )

    # Powers: one in force (A → rep), one revoked (A → ex).
    w.objects["power_in_force"] = apoderamiento_register(
        poderdantes=[a.interesado],
        apoderado=rep.interesado,
        tipo=TipoApoderamiento.GENERAL,
        canal=CanalOtorgamiento.OFICINA,
        registered_by=None,
        presentante=rep.interesado,
    )
    revoked = apoderamiento_register(
        poderdantes=[a.interesado],
        apoderado=ex.interesado,
        tipo=TipoApoderamiento.GENERAL,
        canal=CanalOtorgamiento.OFICINA,
        registered_by=None,
        presentante=ex.interesado,
    )
    w.objects["power_revoked"] = apoderamiento_revoke(apoderamiento=revoked, actor=a)

    # The sede: A's draft and a submitted application.
    borrador = Borrador.objects.create(
        user=a,
        procedimiento=procedimiento,
        formulario=formulario,
        data={},
        current_step="solicitante",
        idempotency_key=f"sede-{uuid.uuid4()}",
        expires_at=timezone.now() + timedelta(days=30),
    )
    w.objects["borrador_a"] = borrador
    presentado = Borrador.objects.create(
        user=a,
        procedimiento=procedimiento,
        formulario=formulario,
        data={},
        estado=EstadoBorrador.PRESENTADO,
        idempotency_key=f"sede-{uuid.uuid4()}",
        expires_at=timezone.now() + timedelta(days=30),
    )
    w.objects["presentacion_a"] = Presentacion.objects.create(
        borrador=presentado,
        user=a,
        interesado=a.interesado,
        procedimiento=procedimiento,
        asiento=w.objects["asiento_a"],
        submitted_at=timezone.now(),
    )

    # Payments: A paid the fee of her draft (authorised by the gateway's notification).
    from pagos.constants import EstadoPago
    from pagos.models import Pago

    w.objects["pago_a"] = Pago.objects.create(
        order="1204ACCESS01",
        user=a,
        procedimiento=procedimiento,
        referencia=str(borrador.public_id),
        amount_cents=4800,
        concept_es="Tasa",
        gateway="simulador",
        estado=EstadoPago.AUTORIZADO,
        authorisation_code="123456",
        decided_at=timezone.now(),
    )

    # Portafirmas: a request by the owning unit's case handler, reviewed by herself.
    peticion = peticion_create(
        created_by=w.users["staff_owner"],
        asunto="Informe",
        documentos=[DocumentoSpec(content=_pdf(), name="informe.pdf", mime="application/pdf")],
        pasos=[[AccionSpec(firmante=w.users["staff_owner"], tipo="visto_bueno")]],
    )
    w.objects["peticion"] = peticion
    w.objects["accion"] = peticion.pasos.first().acciones.first()
    w.objects["peticion_doc"] = peticion.documentos.first()

    # HAB: the habilitada is registered and took B's consent today.
    now = timezone.now()
    habilitacion_register(
        staff=w.users["habilitado"],
        tipo=TipoHabilitacion.IDENTIFICACION_FIRMA,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=30),
        all_procedimientos=True,
    )
    w.objects["consentimiento"] = consentimiento_register(
        staff=w.users["habilitado"],
        interesado=b.interesado,
        procedimiento=procedimiento,
        documento=SimpleUploadedFile("c.pdf", _pdf(), "application/pdf"),
    )
    interesado_get_or_create(
        nif="B95000006", tipo=TipoPersona.JURIDICA, razon_social="Construcciones Abando S.L."
    )
    _objects_of_the_other_apps(w, urbanismo=urbanismo)
    return w


def _objects_of_the_other_apps(w: World, *, urbanismo: Unidad) -> None:
    """Real objects for the rows that used to name objects that do not exist (so "everyone
    gets 404" proved nothing): a case-file document, a notification and a batch of them, an
    edict, a SIR exchange and an incident notice, each owned by one persona."""
    from django.test import TestCase

    from notificaciones.services import (
        notificacion_make_available,
        notificacion_open,
        notificacion_prepare,
        remesa_create,
    )
    from registro.sir.services import intercambio_enviar
    from sede.incidencias import aviso_incidencia_create
    from tablon.constants import TipoPublicacion
    from tablon.services import edicto_publish

    a, admin = w.users["citizen_a"], w.users["admin"]
    now = timezone.now()
    # The document of A's entry, incorporated into her case file (visible to her).
    member = w.objects["expediente_a"].documentos.order_by("orden").first()
    w.objects["expediente_doc"] = member.documento

    # A notification to A about her case file, with that document, put at her disposal and
    # opened by her (so its content and its sealed acuses exist); the work after the commit
    # (sealing the acuses) runs as a worker would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        notificacion = notificacion_prepare(
            destinatario=a.interesado,
            unidad=urbanismo,
            asunto="Requerimiento de documentación",
            texto="Aporte el plano de situación.",
            recursos="Recurso de reposición en el plazo de un mes.",
            expediente=w.objects["expediente_a"],
            documentos=[member.documento],
        )
        notificacion_make_available(notificacion=notificacion)
    with TestCase.captureOnCommitCallbacks(execute=True):
        w.objects["notificacion_a"] = notificacion_open(notificacion_id=notificacion.pk, user=a)

    # A batch of notifications of Urbanismo to B, prepared by the administrator (not started).
    w.objects["remesa"] = remesa_create(
        titulo="Tasa de basuras 2026",
        asunto="Liquidación de la tasa",
        texto="Se le notifica la liquidación de la tasa.",
        recursos="Recurso de reposición en el plazo de un mes.",
        unidad=urbanismo,
        interesado_ids=[w.users["citizen_b"].interesado.pk],
        actor=admin,
    )

    # An edict of Urbanismo in force on the board.
    w.objects["edicto"] = edicto_publish(
        by=admin,
        kind=TipoPublicacion.EDICTO,
        organo=urbanismo,
        title_es="Información pública del plan especial",
        body_es="Se somete a información pública durante veinte días.",
        published_from=now,
        published_until=now + timedelta(days=20),
    )

    # B's paper entry at Deusto, sent through SIR to another administration (pending: the
    # delivery after the commit does not run here).
    w.objects["intercambio"] = intercambio_enviar(
        asiento=w.objects["asiento_desk"], entidad_destino="O00012345", actor=w.users["clerk"]
    )

    # An incident notice of the sede, in force.
    w.objects["aviso"] = aviso_incidencia_create(
        by=admin, title_es="Corte programado", text_es="La sede no estará disponible."
    )
