"""THE ACCESS RULES: who may open each URL of the sede (issue 17.13). One line per URL.

Personas (tests/access/world.py): anonymous, citizen_a, citizen_b, rep_with_power (A's
representative with a power in force), rep_without_power (A's power to them was revoked),
staff_owner (case handler of Urbanismo, the unit A's entry is addressed to), staff_other
(case handler of Cultura), clerk (registry clerk at the Deusto office, where B's paper entry
was registered), habilitado (authorised official at Deusto, took B's consent), catalogue_editor
(the form builder's user), admin.

``allow(...)`` lists who may; everyone else must be denied (404, or a login redirect, or
401/403 from the API). ``public()``: everybody. ``nobody()``: a feature off by configuration.
Object parameters name the world's objects: ``{"pk": "asiento_a.pk"}``.

Adding a URL? Add its line here; the matrix fails for any URL without one.
"""

from __future__ import annotations

from .matrix import Route, Rule, allow, nobody, public
from .world import PERSONA_ROLES, PERSONAS, STAFF

A = "citizen_a"
B = "citizen_b"
REP = "rep_with_power"
EX = "rep_without_power"
OWNER = "staff_owner"
OTHER = "staff_other"
CLERK = "clerk"
HAB = "habilitado"
EDITOR = "catalogue_editor"
HEAD = "unit_head"
ADMIN = "admin"
AUTHENTICATED = tuple(p for p in PERSONAS if p != "anonymous")
ALL_STAFF = tuple(sorted(STAFF))
DESK = (CLERK, HAB, ADMIN)  # powers office: roles holding apoderamientos.gestionar_apoderamientos

BORRADOR = {"public_id": "borrador_a.public_id"}
REVOKED = {"pk": "power_revoked.pk"}
EXPEDIENTE = {"pk": "expediente_a.pk"}
NONE = {"pk": 0}  # an object that does not exist: the same 404 for everybody
FORM_DRAFT = {"pk": "formulario_borrador.pk"}
NO_UUID = {"public_id": "00000000-0000-0000-0000-000000000000"}
PRESENTACION = {"public_id": "presentacion_a.public_id"}
FORMULARIO = {"pk": "formulario.pk"}
PAGO = {"public_id": "pago_a.public_id"}
DOC = "expediente_doc.pk"  # the document of A's entry, in her case file
NOTIF = {"pk": "notificacion_a.pk"}  # to A, about her case file, opened by her
EDICTO = {"public_id": "edicto.public_id"}  # Urbanismo's edict, in force
SIR = {"pk": "intercambio.pk"}  # B's Deusto entry sent through SIR (pending)

RULES: dict[str, Rule] = {
    # --- Public pages of the sede and the catalogue ------------------------------------
    "sede:home": public(),
    "sede:titularidad": public(),
    "sede:identificacion": public(),
    "sede:normas_registro": public(),
    "sede:fecha_calendario": public(),
    "sede:accesibilidad": public(),
    "sede:aviso_legal": public(),
    "sede:incidencias": public(),
    "sede:verificacion": public(),
    "sede:quejas": public(),
    "sede:mapa": public(),
    "sede:oficinas": public(),
    "sede:logout": public(note="POST only: 405 to a GET, for everybody"),
    "set_language": public(),
    "procedimientos:list": public(),
    "procedimientos:detail": public(kwargs={"code": "procedimiento.code"}),
    "procedimientos:avance": public(),
    "procedimientos:avance_csv": public(),
    "calendario:index": public(),
    "verificar:form": public(),
    "firma:verificar:form": public(),
    "firma:validar": public(),
    # A CSV nobody holds: the same 404 for everyone, whoever asks (FIR-8).
    "verificar:codigo": nobody(kwargs={"code": "ABCDEFGHJKLMNPQR"}),
    "verificar:documento": nobody(kwargs={"code": "ABCDEFGHJKLMNPQR"}),
    "firma:verificar:codigo": nobody(kwargs={"code": "ABCDEFGHJKLMNPQR"}),
    "firma:verificar:documento": nobody(kwargs={"code": "ABCDEFGHJKLMNPQR"}),
    "api-schema": public(),
    "api-docs": public(),
    # --- Sign-in ------------------------------------------------------------------------
    "identidad:login": public(),
    "staff_login": public(note="at /admin/login/: password + TOTP, throttled by django-axes"),
    "identidad:staff_login": public(note="the same staff sign-in"),
    "identidad:dev_login": nobody(note="the development IdP exists only with DEBUG"),
    "identidad:logout": public(note="POST only"),
    "oidc_authentication_init": nobody(note="Giltza not configured in the tests"),
    "oidc_authentication_callback": nobody(),
    "oidc_logout": public(),
    "staff_oidc_authenticate": nobody(note="corporate IdP not configured in the tests"),
    "staff_oidc_callback": nobody(),
    "saml2_login": allow(*AUTHENTICATED, note="Cl@ve off: 404; signed in: to Mi carpeta"),
    "saml2_acs": public(method="POST", note="an empty assertion is refused (400)"),
    "saml2_logout": nobody(),
    "saml2_ls": nobody(),
    "saml2_ls_post": nobody(),
    "saml2_metadata": nobody(),
    # --- Filing (sede): the draft and the submission are the filer's only -------------
    "sede:mi_carpeta": allow(*AUTHENTICATED),
    "sede:filing_start": allow(*AUTHENTICATED, kwargs={"code": "procedimiento.code"}),
    "sede:filing_resume": allow(A, kwargs=BORRADOR),
    "sede:filing_step": allow(A, kwargs={**BORRADOR, "step_id": "solicitante"}),
    "sede:filing_review": allow(A, kwargs=BORRADOR),
    "sede:filing_sign": allow(A, kwargs=BORRADOR),
    "sede:filing_pago": allow(A, kwargs=BORRADOR, note="no fee: back to the review"),
    "sede:filing_solicitud": allow(A, kwargs=BORRADOR),
    "sede:filing_submit": allow(A, kwargs=BORRADOR, method="POST", note="empty: refused"),
    "sede:filing_delete": allow(A, kwargs=BORRADOR),
    # The filer, and whoever holds a power in force from the interesado (Mi carpeta).
    "sede:filing_receipt": allow(A, REP, kwargs=PRESENTACION),
    # --- Payments (docs/pagos.md): one's own only; the gateway's endpoints are POST only ---
    "pagos:detalle": allow(A, kwargs=PAGO),
    "pagos:justificante": allow(A, kwargs=PAGO),
    "pagos:notificacion": public(note="POST only, CSRF-exempt, signature-checked: 405 to GET"),
    "pagos:simulador": public(note="the simulator gateway (PAGOS_SIMULADOR); POST only"),
    "pagos:simulador_responder": public(note="the simulator's answer; POST only"),
    "sede:filing_receipt_pdf": allow(A, REP, kwargs=PRESENTACION),
    # --- Assisted filing at an office (HAB-1..3) -------------------------------------------
    "sede:asistida_inicio": allow(HAB),
    # Both need a citizen identified first in the official's own session: 404 otherwise.
    "sede:asistida_consentimiento": nobody(),
    "sede:asistida_consentimiento_imprimir": nobody(),
    "sede:asistida_consentimiento_copia": allow(HAB, kwargs={"pk": "consentimiento.pk"}),
    # --- Registry: entries by role × office × unit (issue 17.6) --------------------------
    "registro:asiento_detalle": allow(A, OWNER, ADMIN, kwargs={"pk": "asiento_a.pk"}),
    "registro:imprimir": allow(B, OTHER, CLERK, ADMIN, kwargs={"pk": "asiento_desk.pk"}),
    "registro:justificante_pdf": allow(A, OWNER, ADMIN, kwargs={"pk": "asiento_a.pk"}),
    # The file of the entry's last outgoing SIR exchange: the staff of the offices in scope.
    "registro:sicres_export": allow(CLERK, ADMIN, kwargs={"pk": "asiento_desk.pk"}),
    "registro:libro": allow(CLERK, ADMIN),
    "registro:reimprimir": allow(CLERK, ADMIN, query="numero=bad"),
    "registro:justificantes_dia": allow(CLERK, ADMIN),
    "registro:oficina_entrada": allow(CLERK, ADMIN),
    "registro:oficina_salida": allow(CLERK, ADMIN),
    "api:registro-asiento-list": allow(*AUTHENTICATED, note="each sees their own scope"),
    "api:registro-asiento-detail": allow(A, OWNER, ADMIN, kwargs={"pk": "asiento_a.pk"}),
    # --- Powers of attorney (REA-7: the parties; the desk with a stated reason) ----------
    "apoderamientos:lista": allow(*AUTHENTICATED),
    "apoderamientos:otorgar": allow(*AUTHENTICATED),  # checked against the world below
    "apoderamientos:detalle": allow(A, REP, kwargs={"pk": "power_in_force.pk"}),
    # POST actions on the revoked power: its parties are answered (refused: it has ended),
    # everyone else gets a 404. Nothing changes.
    "apoderamientos:aceptar": allow(EX, kwargs=REVOKED, method="POST"),  # the apoderado
    "apoderamientos:revocar": allow(A, REP, kwargs={"pk": "power_in_force.pk"}),
    "apoderamientos:renunciar": allow(A, REP, kwargs={"pk": "power_in_force.pk"}),
    "apoderamientos:prorrogar": allow(A, EX, kwargs={"pk": "power_revoked.pk"}),
    "apoderamientos:oficina": allow(*DESK),
    "apoderamientos:oficina_nuevo": allow(*DESK),
    "apoderamientos:oficina_detalle": allow(*DESK, kwargs={"pk": "power_in_force.pk"}),
    "apoderamientos:oficina_aceptar": allow(*DESK, kwargs={"pk": "power_in_force.pk"}),
    "apoderamientos:oficina_bastanteo": allow(*DESK, kwargs={"pk": "power_in_force.pk"}),
    "api:apoderamientos-can-act": allow(*AUTHENTICATED, query="interesado=12345678Z"),
    "api:apoderamientos-interesados": allow(*AUTHENTICATED),
    "api:apoderamiento-list": allow(*AUTHENTICATED),
    "api:apoderamiento-detail": allow(A, REP, kwargs={"pk": "power_in_force.pk"}),
    # Accepting and renouncing are the apoderado's; extending and revoking the poderdante's.
    "api:apoderamiento-accept": allow(EX, kwargs=REVOKED, method="POST"),
    "api:apoderamiento-extend": allow(A, kwargs=REVOKED, method="POST"),
    "api:apoderamiento-renounce": allow(EX, kwargs=REVOKED, method="POST"),
    "api:apoderamiento-revoke": allow(A, kwargs=REVOKED, method="POST"),
    "api:apoderamiento-oficina-list": allow(*DESK),
    "api:apoderamiento-oficina-detail": allow(*DESK, kwargs={"pk": "power_in_force.pk"}),
    "api:apoderamiento-oficina-bastanteo": allow(*DESK, kwargs={"pk": "power_in_force.pk"}),
    # --- Portafirmas: participants and the request's author --------------------------------
    "firma:bandeja": allow(*ALL_STAFF),
    "firma:firmar_lote": allow(*ALL_STAFF, note="POST only"),
    "firma:accion": allow(OWNER, kwargs={"pk": "accion.pk"}),
    "firma:peticiones": allow(*ALL_STAFF),
    "firma:peticion_nueva": allow(OWNER, OTHER, HEAD, ADMIN),
    "firma:peticion": allow(OWNER, kwargs={"pk": "peticion.pk"}),
    "firma:peticion_documento": allow(
        OWNER, kwargs={"pk": "peticion.pk", "doc": "peticion_doc.pk"}
    ),
    "api:firma-peticiones": allow(*ALL_STAFF),
    "api:firma-peticion": allow(OWNER, kwargs={"pk": "peticion.pk"}),
    "api:firma-pendientes": allow(*ALL_STAFF),
    "api:firma-firmar-lote": allow(*ALL_STAFF, note="POST only"),
    "api:firma-firmar": allow(*ALL_STAFF, kwargs={"pk": "accion.pk"}, note="POST only"),
    "api:firma-aprobar": allow(*ALL_STAFF, kwargs={"pk": "accion.pk"}, note="POST only"),
    "api:firma-rechazar": allow(*ALL_STAFF, kwargs={"pk": "accion.pk"}, note="POST only"),
    "api:firma-validacion": allow(*AUTHENTICATED, note="POST only"),
    # --- Catalogue, calendar and the staff home ----------------------------------------------
    "procedimientos:avance_staff": allow(EDITOR, HEAD, ADMIN),
    # Form versions (issue 16): editors (every procedure) and the head of the procedure's unit.
    "procedimientos:formulario_indice": allow(EDITOR, HEAD, ADMIN),
    "procedimientos:formulario_revisiones": allow(HEAD, ADMIN, note="unit heads only"),
    "procedimientos:formulario_versiones": allow(
        EDITOR, HEAD, ADMIN, kwargs={"code": "procedimiento.code"}
    ),
    "procedimientos:formulario_version": allow(EDITOR, HEAD, ADMIN, kwargs=FORMULARIO),
    "procedimientos:formulario_version_accion": allow(
        EDITOR, HEAD, ADMIN, kwargs={**FORMULARIO, "accion": "publicar"}, note="POST only: 405"
    ),
    "procedimientos:formulario_nuevo_borrador": allow(
        EDITOR, ADMIN, kwargs={"code": "procedimiento.code"}, note="editors; POST only: 405"
    ),
    "procedimientos:formulario_diff": allow(
        EDITOR, HEAD, ADMIN, kwargs={"code": "procedimiento.code"}
    ),
    # The form builder and its preview (issue 16): catalogue editors and administrators.
    "procedimientos:builder_list": allow(EDITOR, ADMIN),
    "procedimientos:builder_new": allow(
        EDITOR, ADMIN, kwargs={"code": "procedimiento.code"}, note="POST only: 405 to editors"
    ),
    "procedimientos:builder_edit": allow(EDITOR, ADMIN, kwargs=FORM_DRAFT),
    "procedimientos:builder_json": allow(EDITOR, ADMIN, kwargs=FORM_DRAFT),
    "sede:formulario_preview": allow(EDITOR, ADMIN, kwargs=FORM_DRAFT),
    "sede:formulario_preview_step": allow(
        EDITOR, ADMIN, kwargs={**FORM_DRAFT, "step_id": "solicitante"}
    ),
    "sede:formulario_preview_end": allow(EDITOR, ADMIN, kwargs=FORM_DRAFT),
    "api:procedimientos-avance": public(),
    "api:procedimiento-list": public(),
    "api:procedimiento-detail": public(kwargs={"code": "procedimiento.code"}),
    "api:calendario:dias-inhabiles": public(kwargs={"year": 2026}),
    "api:calendario:plazo": public(),
    "api:calendario:instante-efectivo": public(),
    "gestion:home": allow(*ALL_STAFF),
    # --- Notifications API: the addressee's own; staff by the owning unit ---------------------
    "api:notificacion-mia-list": allow(*AUTHENTICATED, note="scoped: one's own"),
    # The addressee and her representative in force; the ex-representative is told why (403).
    "api:notificacion-mia-detail": allow(A, REP, kwargs=NOTIF),
    # Opened already: its parties are answered (refused: 400), nothing changes.
    "api:notificacion-mia-acceder": allow(A, REP, kwargs=NOTIF, method="POST"),
    "api:notificacion-mia-rechazar": allow(A, REP, kwargs=NOTIF, method="POST"),
    "api:notificacion-gestion-list": allow(*AUTHENTICATED, note="scoped: empty for citizens"),
    "api:notificacion-gestion-detail": allow(OWNER, ADMIN, kwargs=NOTIF),
    # --- Case files (expedientes): the parties; staff of the owning unit --------------------
    "expedientes:bandeja": allow(OWNER, OTHER, HEAD, ADMIN),
    "expedientes:bandeja_asignar": allow(HEAD, ADMIN, method="POST", note="heads of unit assign"),
    "expedientes:informes": allow(*ALL_STAFF, note="the reports asked of oneself"),
    "expedientes:abrir": allow(OWNER, OTHER, HEAD, ADMIN, note="case handlers open desk entries"),
    "expedientes:detalle": allow(OWNER, ADMIN, kwargs=EXPEDIENTE),
    "expedientes:documento": allow(OWNER, ADMIN, kwargs={**EXPEDIENTE, "doc": DOC}),
    "expedientes:remision_zip": allow(OWNER, ADMIN, kwargs=EXPEDIENTE),
    "expedientes:accion": public(
        kwargs={**EXPEDIENTE, "action": "fase"}, note="POST only: 405 before any lookup"
    ),
    "expedientes:actuaciones_automatizadas": public(),
    "sede:expediente_detalle": allow(A, REP, kwargs=EXPEDIENTE),
    "sede:expediente_documento": allow(A, REP, kwargs={**EXPEDIENTE, "doc": DOC}),
    "sede:expediente_aportar": allow(A, REP, kwargs=EXPEDIENTE),
    "api:expediente-gestion-list": allow(*AUTHENTICATED, note="scoped: empty for citizens"),
    "api:expediente-gestion-detail": allow(OWNER, ADMIN, kwargs=EXPEDIENTE),
    "api:expediente-gestion-contenido": allow(
        OWNER, ADMIN, kwargs={**EXPEDIENTE, "documento_id": DOC}
    ),
    "api:expediente-gestion-documento-eni": allow(
        OWNER, ADMIN, kwargs={**EXPEDIENTE, "documento_id": DOC}
    ),
    "api:expediente-mio-list": allow(*AUTHENTICATED),
    "api:expediente-mio-detail": allow(A, REP, kwargs=EXPEDIENTE),
    "api:expediente-mio-contenido": allow(A, REP, kwargs={**EXPEDIENTE, "documento_id": DOC}),
    # --- Notifications: the addressee (A) and her representative in force; the staff of the
    # unit that issued it (Urbanismo). The ex-representative is told why (403). -------------
    "notificaciones:lista": allow(*AUTHENTICATED),
    "notificaciones:preferencias": allow(A, B, REP, EX, note="citizens' own preferences"),
    "notificaciones:detalle": allow(A, REP, kwargs=NOTIF),
    # Opened already: its parties are told so (back to the notification), nothing changes.
    "notificaciones:acceder": allow(A, REP, kwargs=NOTIF, method="POST"),
    "notificaciones:rechazar": allow(A, REP, kwargs=NOTIF, note="GET: the confirmation"),
    "notificaciones:documento": allow(A, REP, kwargs={**NOTIF, "documento_id": DOC}),
    "notificaciones:evidencia": allow(A, REP, kwargs={**NOTIF, "tipo": "puesta"}),
    "notificaciones:gestion": allow(OWNER, OTHER, HEAD, ADMIN),
    "notificaciones:gestion_detalle": allow(OWNER, ADMIN, kwargs=NOTIF),
    "notificaciones:gestion_evidencia": allow(OWNER, ADMIN, kwargs={**NOTIF, "tipo": "puesta"}),
    "notificaciones:gestion_expediente": allow(
        OWNER, ADMIN, kwargs={"expediente_id": "expediente_a.pk"}
    ),
    "notificaciones:remesas": allow(HEAD, ADMIN),
    "notificaciones:remesa_nueva": allow(HEAD, ADMIN),
    "notificaciones:remesa": allow(ADMIN, kwargs={"pk": "remesa.pk"}),
    # --- Notice board (tablón): public edicts; staff manage them ------------------------------
    "tablon:index": public(),
    "tablon:detail": public(kwargs=EDICTO),
    "tablon:pdf": public(kwargs=EDICTO),
    "tablon:resumen_pdf": nobody(kwargs={"day": "2000-01-01"}, note="no summary that day"),
    "tablon:staff_list": allow(ADMIN),
    "tablon:staff_new": allow(ADMIN),
    "tablon:staff_detail": allow(ADMIN, kwargs=EDICTO),
    "tablon:staff_withdraw": allow(ADMIN, kwargs=EDICTO, note="POST only: 405 to staff"),
    "tablon:staff_certify": allow(ADMIN, kwargs=EDICTO, note="POST only: 405 to staff"),
    # --- Incident notices (sede) -------------------------------------------------------------
    "sede:incidencias_gestion": allow(ADMIN),
    # Ends the notice (ending it twice changes nothing); everyone else: 404 or the login.
    "sede:incidencia_finalizar": allow(ADMIN, kwargs={"pk": "aviso.pk"}, method="POST"),
    # --- Exchange with other administrations (SIR): the offices in the staff's scope --------
    "registro:sir_salida": allow(CLERK, ADMIN),
    "registro:sir_entrada": allow(CLERK, ADMIN),
    "registro:sir_intercambio": allow(CLERK, ADMIN, kwargs=SIR),
    "registro:sir_fichero": allow(CLERK, ADMIN, kwargs=SIR),
    # An empty POST: the exchange's staff are answered (refused, nothing changes), everyone
    # else gets a 404.
    "registro:sir_confirmar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "registro:sir_rechazar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "registro:sir_reenviar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "registro:sir_reintentar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "registro:sir_enviar": allow(CLERK, ADMIN, kwargs={"pk": "asiento_desk.pk"}),
    "api:registro-sir-intercambio-list": allow(CLERK, ADMIN),
    "api:registro-sir-intercambio-detail": allow(CLERK, ADMIN, kwargs=SIR),
    "api:registro-sir-intercambio-confirmar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "api:registro-sir-intercambio-rechazar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "api:registro-sir-intercambio-reenviar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "api:registro-sir-intercambio-reintentar": allow(CLERK, ADMIN, kwargs=SIR, method="POST"),
    "api:registro-sir-mensajes": nobody(method="POST", note="SIR's own transport, not a person"),
}


# --- The admin ------------------------------------------------------------------------------
# Its ~200 URLs follow one rule: a page opens for administrators and for staff whose roles
# hold the model's permission (declared in each app's staff.py); citizens never reach it.
ADMIN_NAMESPACE = "admin:"
_ADMIN_ACTION_PERMS = {
    "changelist": ("view", "change"),
    "add": ("add",),
    "change": ("view", "change"),
    "delete": ("delete",),
}


def _declared(persona: str) -> set[str]:
    from identidad.workspace import declared_permissions

    held: set[str] = set()
    for role in PERSONA_ROLES.get(persona, ()):
        held |= declared_permissions(role)
    return held


def admin_rule(route: Route, world) -> Rule:
    from django.contrib import admin

    name = route.name[len(ADMIN_NAMESPACE) :]
    if name in ("index", "password_change", "password_change_done", "jsi18n"):
        return allow(*ALL_STAFF)  # the index lists only what the roles allow
    if name == "logout":
        return public(note="POST only; non-staff are sent to the admin index")
    if name == "login":  # shadowed by the staff login at the same address
        return public()
    if name in ("autocomplete", "view_on_site"):
        return nobody(kwargs={"content_type_id": 0, "object_id": "0"} if route.params else {})
    if name == "auth_user_password_change":  # Django's UserAdmin names it so
        return allow(ADMIN, kwargs={p: "admin_user.pk" for p in route.params})
    if name == "app_list":  # one app: whoever holds any of its permissions
        held = [
            p
            for p in PERSONAS
            if p == ADMIN or any(x.startswith("registro.") for x in _declared(p))
        ]
        return allow(*held, kwargs={"app_label": "registro"})
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if not name.startswith(prefix):
            continue
        action = name[len(prefix) :]
        kwargs = {p: "0" for p in route.params}
        if action == "history":
            # A missing object is redirected before the permission check: staff only.
            return allow(*ALL_STAFF, kwargs=kwargs)
        verbs = _ADMIN_ACTION_PERMS.get(action)
        if verbs is None:  # custom admin pages (a TOTP device's QR code): a real object
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                kwargs = {p: str(first.pk) for p in route.params}
            return allow(ADMIN, kwargs=kwargs)
        if not _admin_offers(admin.site._registry[model], action, world):
            return allow(kwargs=kwargs)  # a read-only admin: nobody adds or deletes there
        wanted = {f"{model._meta.app_label}.{v}_{model._meta.model_name}" for v in verbs}
        allowed = [p for p in PERSONAS if p == ADMIN or _declared(p) & wanted]
        return allow(*allowed, kwargs=kwargs)
    raise AssertionError(f"admin URL without a rule: {route.name}")


def _admin_offers(model_admin, action: str, world) -> bool:
    """Whether the admin offers ``action`` at all (read-only admins offer no add/delete)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world.users[ADMIN]
    if action == "add":
        return model_admin.has_add_permission(request)
    if action == "delete":
        return model_admin.has_delete_permission(request, None)
    return model_admin.has_view_or_change_permission(request)
