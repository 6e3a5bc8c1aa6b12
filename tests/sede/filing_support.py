"""Fixtures of the filing tests (import them with ``from tests.sede.filing_support import *``):
the starter catalogue's procedures with published forms, a logged-in citizen with a level of
assurance, the firma PKI (council seal) and small files of each type."""

from __future__ import annotations

import copy
import functools
import io
import zipfile

import pytest
import yaml

from identidad.constants import MetodoIdentificacion, NivelGarantia
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from procedimientos.demo import STARTER_CATALOGUE
from tests.firma.conftest import firma_settings, make_pdf, test_pki  # noqa: F401

FORM_CODES = (
    "instancia-general",
    "aes",
    "plan-renove",
    "declaracion-responsable-obras",
    "ota-residentes",
    "bilbao-gazte-partekatzen",
)

__all__ = [
    "FORM_CODES",
    "catalogo",
    "citizen_signer",
    "client_as",
    "docx_bytes",
    "firma_settings",
    "login",
    "make_power",
    "make_pdf",
    "odt_bytes",
    "png_bytes",
    "test_pki",
]


@functools.cache
def _starter() -> dict:
    return yaml.safe_load(STARTER_CATALOGUE.read_text(encoding="utf-8"))


# Online through the instancia general (level 2), identification only (CAT-5: a queja).
GENERIC_CODES = ("quejas-sugerencias",)


def starter_subset(codes=FORM_CODES + GENERIC_CODES) -> dict:
    data = copy.deepcopy(_starter())
    procs = [p for p in data["procedimientos"] if p["code"] in codes]
    data["procedimientos"] = procs
    materias = {p["materia"] for p in procs}
    data["materias"] = [m for m in data["materias"] if m["slug"] in materias]
    return data


@pytest.fixture
def catalogo(db):
    """The procedures of the starter catalogue that have a published form, by code."""
    from procedimientos import catalogo_io
    from procedimientos.models import Procedimiento

    if hasattr(catalogo_io, "catalogo_import"):
        catalogo_io.catalogo_import(data=starter_subset())
    else:  # before the rename to <noun>_<verb>
        catalogo_io.import_catalogue(starter_subset())
    codes = FORM_CODES + GENERIC_CODES
    return {p.code: p for p in Procedimiento.objects.filter(code__in=codes)}


def login(client, user, *, level=NivelGarantia.SUSTANCIAL, method=MetodoIdentificacion.BAKQ):
    # As Giltza would (a citizen never logs in with a password).
    client.force_login(user, backend="identidad.backends.oidc.GiltzaOIDCBackend")
    session = client.session
    session[SESSION_LEVEL_KEY] = int(level)
    session[SESSION_METHOD_KEY] = str(method)
    session.save()
    return client


@pytest.fixture
def client_as(client):
    return functools.partial(login, client)


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, format="PNG")
    return buf.getvalue()


def odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def citizen_signer(pki, nif: str, name: str = "CIUDADANA DEMO"):
    """A citizen's own certificate (serialNumber IDCES-<NIF>) issued by the test CA."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from firma.keys.base import LocalKeySigner
    from firma.keys.demo_pki import issue

    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IDCES-{nif}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} - {nif}"),
        ]
    )
    cert, key = issue(pki.ca_cert, pki.ca_key, subject)
    return LocalKeySigner(name="ciudadano", certificate=cert, chain=[pki.ca_cert], private_key=key)


def make_power(*, poderdante, apoderado, procedimientos=()):
    """A power registered and accepted now (the apoderado presented it: REA-6 implicit)."""
    from apoderamientos.constants import CanalOtorgamiento, TipoApoderamiento
    from apoderamientos.services import apoderamiento_register

    return apoderamiento_register(
        poderdantes=[poderdante],
        apoderado=apoderado,
        tipo=TipoApoderamiento.TRAMITES if procedimientos else TipoApoderamiento.GENERAL,
        canal=CanalOtorgamiento.OFICINA,
        registered_by=None,
        presentante=apoderado,
        procedimientos=procedimientos,
    )
