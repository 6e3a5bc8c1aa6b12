"""Helpers of the registry exchange tests: a scripted transport, files "from another
administration" and XSD checks."""

from __future__ import annotations

import base64
import hashlib

from lxml import etree

from registro.sicres import build_fichero
from registro.sir.backends.base import SirBackend, TransporteError
from registro.sir.mensajes import Control, build_control, control_schema, fichero_schema

REMOTE = "E04990001"  # a registry entity of another administration


def assert_valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema = fichero_schema() if root.tag == "Fichero_Intercambio_SICRES_4" else control_schema()
    if not schema.validate(root):
        raise AssertionError(str(schema.error_log))
    return root


class ScriptedBackend(SirBackend):
    """Records what is sent; answers as the other side would (ACK to a file, ACK-Confirmación
    / ACK-Rechazo to those), or fails as a peer that is down."""

    sent: list[tuple[str, bytes]] = []
    down = False
    answer_error: str = ""

    def __init__(self) -> None:
        type(self).sent = []

    def send(self, *, destino: str, data: bytes) -> bytes | None:
        if type(self).down:
            raise TransporteError(f"{destino}: connection refused")
        root = assert_valid(data)
        type(self).sent.append((destino, data))
        if root.tag == "Fichero_Intercambio_SICRES_4":
            identificador = root.findtext("De_Internos_Control/Identificador_Intercambio")
            origen = root.findtext("De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen")
            tipo = "02" if type(self).answer_error else "01"
            return build_control(
                Control(
                    tipo=tipo,
                    origen=destino,
                    destino=origen,
                    identificador=identificador,
                    codigo_error=type(self).answer_error,
                    descripcion="scripted error" if tipo == "02" else "",
                    ficheros=tuple(e.text for e in root.iter("Identificador_Fichero")),
                )
            )
        tipo = root.findtext("Tipo_Mensaje")
        answer = {"03": "04", "05": "06"}.get(tipo)
        if answer is None:
            return None
        return build_control(
            Control(
                tipo=answer,
                origen=destino,
                destino=root.findtext("Codigo_Entidad_Registral_Origen"),
                identificador=root.findtext("Identificador_Intercambio"),
            )
        )


def remote_fichero(
    asiento,
    *,
    identificador: str,
    destino: str,
    origen: str = REMOTE,
    tamper=None,
    **kwargs,
) -> bytes:
    """A file as another administration would send it: built from ``asiento`` and
    re-addressed from ``origen`` to ``destino``. ``tamper(root)`` may change it afterwards."""
    data = build_fichero(asiento, identificador=identificador, entidad_destino=destino, **kwargs)
    root = etree.fromstring(data)
    root.find("De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen").text = origen
    root.find("De_Internos_Control/Codigo_Entidad_Registral_Inicio").text = origen
    if tamper is not None:
        tamper(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def replace_annex(root, content: bytes, *, rehash: bool = False) -> None:
    """Swap the first annex's bytes (a tampered annex unless ``rehash``)."""
    anexo = root.find("De_Anexo")
    anexo.find("Anexo").text = base64.b64encode(content).decode()
    if rehash:
        valores = anexo.find("Otros_Metadatos_Generales")
        campos = [e.text for e in valores.findall("Campo")]
        valores.findall("Valor")[campos.index("Huella_SHA256")].text = hashlib.sha256(
            content
        ).hexdigest()


def control(tipo: str, *, origen: str, destino: str, identificador: str, **kwargs) -> bytes:
    return build_control(
        Control(tipo=tipo, origen=origen, destino=destino, identificador=identificador, **kwargs)
    )


def read(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    return {child.tag: child.text or "" for child in root}
