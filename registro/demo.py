"""Demo data of the registry: the sede electrónica office, one district office (Zuzenean)
and a couple of entries. Idempotent: offices by code, entries by idempotency key.

The office codes are examples (not the council's official DIR3 office codes).
"""

from __future__ import annotations

from identidad.models import Interesado, Unidad, User

from .constants import Canal, Direccion, TipoOficina
from .models import Oficina
from .services import DocumentoNuevo, asiento_register

SEDE_CODE = "O00099999"
DISTRITO_CODE = "O00099001"

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 52>>stream\nBT /F1 14 Tf 72 760 Td (Memoria de la obra) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_demo() -> None:
    council = Unidad.objects.get(dir3="L01480209")
    sede, _ = Oficina.objects.get_or_create(
        code=SEDE_CODE,
        defaults={
            "name_es": "Sede electrónica del Ayuntamiento de Bilbao",
            "name_eu": "Bilboko Udalaren egoitza elektronikoa",
            "kind": TipoOficina.SEDE,
            "unidad": council,
        },
    )
    distrito, _ = Oficina.objects.get_or_create(
        code=DISTRITO_CODE,
        defaults={
            "name_es": "Oficina de atención ciudadana Zuzenean - Deusto (ejemplo)",
            "name_eu": "Zuzenean herritarren arreta bulegoa - Deustu (adibidea)",
            "kind": TipoOficina.PRESENCIAL,
            "unidad": council,
            "address": "Lehendakari Agirre etorbidea 42",
            "codigo_postal": "48014",
            "municipio": "Bilbao",
            # The office directory (SEDE-2): example data, edited by staff in the admin.
            "publicada": True,
            "horario_es": "Lunes a viernes, de 8:30 a 14:00 (ejemplo)",
            "horario_eu": "Astelehenetik ostiralera, 8:30etik 14:00etara (adibidea)",
            "servicios_es": "Registro de escritos en papel\nPresentación asistida por "
            "personal habilitado\nApoderamientos apud acta",
            "servicios_eu": "Paperezko idazkien erregistroa\nLangile gaituek lagundutako "
            "aurkezpena\nApud acta ahalordetzeak",
            "latitud": "43.271200",
            "longitud": "-2.946700",
        },
    )
    # The demo's registry clerk and authorised official work at the district office.
    distrito.personal.add(*User.objects.filter(username__in=["funcionaria", "habilitado"]))
    citizen = Interesado.objects.filter(nif="12345678Z").first()
    if citizen is None:
        return
    destino = _demo_unit(council)
    filer = citizen.user
    asiento_register(
        direction=Direccion.ENTRADA,
        oficina=sede,
        canal=Canal.SEDE,
        interesados=[citizen],
        unidad_destino=destino,
        resumen="Solicitud de licencia de obra menor en la calle Ercilla 10 (demostración)",
        expone="Que desea reformar la cocina de su vivienda.",
        solicita="Que se conceda la licencia de obra menor.",
        documentos=[DocumentoNuevo(nombre="memoria.pdf", content=DEMO_PDF)],
        idioma="es",
        registrado_por=filer,
        idempotency_key="demo-registro-1",
    )
    asiento_register(
        direction=Direccion.SALIDA,
        oficina=sede,
        canal=Canal.SEDE,
        interesados=[citizen],
        unidad_origen=destino,
        resumen="Comunicación del inicio del procedimiento y del plazo de resolución",
        idioma="es",
        registrado_por=User.objects.filter(username="funcionaria").first(),
        idempotency_key="demo-registro-2",
    )


def _demo_unit(council: Unidad) -> Unidad:
    """A unit with a procedure in the demo catalogue, else the council itself."""
    try:
        from procedimientos.models import Procedimiento

        procedimiento = Procedimiento.objects.select_related("unit").first()
    except Exception:  # noqa: BLE001 - the catalogue is optional for the registry
        procedimiento = None
    return procedimiento.unit if procedimiento is not None else council
