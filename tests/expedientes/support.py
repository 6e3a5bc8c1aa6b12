"""Helpers of the case-file tests: walk a file to a signed resolution, validate ENI XML."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from expedientes.constants import SentidoResolucion
from expedientes.models import Resolucion


def sign_resolution(exp, tramitador, firmante, run_on_commit, *, sentido="estimatoria"):
    """Draft, send to the portafirmas, sign (Celery eager on commit) and sync."""
    from expedientes.services import resolucion_draft, resolucion_send_to_sign, resolucion_sync
    from firma.models import AccionFirma
    from firma.services import acciones_sign

    res = resolucion_draft(
        expediente=exp,
        sentido=SentidoResolucion(sentido),
        texto="Se concede la licencia solicitada.",
        actor=tramitador,
    )
    res = resolucion_send_to_sign(resolucion=res, firmantes=[firmante], actor=tramitador)
    accion = AccionFirma.objects.get(paso__peticion=res.peticion_firma, firmante=firmante)
    with run_on_commit():
        acciones_sign(user=firmante, accion_ids=[accion.pk])
    return resolucion_sync(resolucion=Resolucion.objects.get(pk=res.pk))


def eni_dir() -> Path:
    base = os.environ.get("BILBAO_SHARED_DIR") or str(settings.BASE_DIR.parent / "shared")
    return Path(base) / "schemas" / "eni"


def schema(name: str) -> etree.XMLSchema:
    path = eni_dir() / name
    if not path.exists():
        pytest.skip(f"ENI XSD not found at {path} (../shared/schemas/eni beside the project)")
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xsd: str, data: bytes):
    s = schema(xsd)
    doc = etree.fromstring(data)
    if not s.validate(doc):
        raise AssertionError(str(s.error_log))
    return doc
