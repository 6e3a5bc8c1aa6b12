"""Fixtures of the registry tests: offices, units, a register() helper and the seal PKI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from identidad.constants import TipoUnidad
from identidad.models import Unidad
from registro.constants import Canal, Direccion, TipoOficina
from registro.models import Oficina
from registro.services import DocumentoNuevo, asiento_register
from tests.conftest import DEMO_PKI_PASSWORD as PKI_PASSWORD  # noqa: F401  (imported by the worker tests)


@pytest.fixture
def urbanismo(db, ayuntamiento) -> Unidad:
    return Unidad.objects.create(
        dir3="LA0001234",
        name_es="Urbanismo",
        name_eu="Hirigintza",
        kind=TipoUnidad.AREA,
        parent=ayuntamiento,
    )


@pytest.fixture
def oficina_sede(db, ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099999",
        name_es="Sede electrónica",
        name_eu="Egoitza elektronikoa",
        kind=TipoOficina.SEDE,
        unidad=ayuntamiento,
    )


@pytest.fixture
def oficina_distrito(db, ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099001",
        name_es="Zuzenean Deusto",
        name_eu="Zuzenean Deustu",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
    )


@pytest.fixture
def oficina_otra(db, ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099002",
        name_es="Zuzenean Rekalde",
        name_eu="Zuzenean Errekalde",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
    )


@pytest.fixture
def encargado(db, oficina_distrito):
    """A registry clerk of the Deusto district office."""
    from identidad.roles import Role
    from tests.personas import staff_member

    user = staff_member("encargado-deusto", Role.REGISTRY_CLERK)
    oficina_distrito.personal.add(user)
    return user


def make_pdf_bytes(text: str = "Solicitud") -> bytes:
    """A small text PDF (no images)."""
    from tests.firma.conftest import make_pdf

    return make_pdf(text)


def scan_pdf(ppi: int, *, pages: int = 1) -> bytes:
    """A scanned A4 page (an image covering the page) at ``ppi``."""
    from PIL import Image

    width, height = int(8.27 * ppi), int(11.69 * ppi)
    images = [Image.new("L", (width, height), 255) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=ppi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def scan_png(ppi: int | None) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    kwargs = {"dpi": (ppi, ppi)} if ppi else {}
    Image.new("L", (300, 300), 255).save(buf, format="PNG", **kwargs)
    return buf.getvalue()


@pytest.fixture
def register(ciudadana, oficina_sede, urbanismo):
    """``register(**overrides)``: a valid electronic entry by the ciudadana to Urbanismo."""

    def _register(**overrides):
        kwargs = {
            "direction": Direccion.ENTRADA,
            "oficina": oficina_sede,
            "canal": Canal.SEDE,
            "interesados": [ciudadana.interesado],
            "unidad_destino": urbanismo,
            "resumen": "Solicitud de licencia de obra menor en Calle Ercilla 10",
            "expone": "Que desea reformar la cocina.",
            "solicita": "Licencia de obra menor.",
            "documentos": [
                DocumentoNuevo(
                    nombre="presupuesto.pdf", content=make_pdf_bytes(), mime="application/pdf"
                )
            ],
            "registrado_por": ciudadana,
        }
        kwargs.update(overrides)
        return asiento_register(**kwargs)

    return _register


@pytest.fixture(scope="session")
def registro_pki(demo_pki_dir) -> Path:
    """The shared demo PKI (tests/conftest.py), under the name the worker tests import."""
    return demo_pki_dir


@pytest.fixture
def sello(council_seal):
    """The council seal of the demo PKI (FIRMA_* settings pointed at it)."""
    return council_seal
