"""REA-3: an apud acta grant in the sede is signed — the council seals a PDF of it
("clave concertada") that states how the poderdante identified; it is verifiable by its CSV."""

import pytest

from apoderamientos.constants import TipoApoderamiento
from apoderamientos.services import apoderamiento_grant_apud_acta
from firma.selectors import csv_resolve
from firma.validation import validate
from identidad.constants import MetodoIdentificacion, NivelGarantia
from identidad.services import interesado_get_or_create

pytestmark = pytest.mark.django_db


def test_rea3_the_grant_is_sealed_and_verifiable_by_its_csv(ciudadana, representante):
    apoderado = interesado_get_or_create(nif=representante.nif)
    power = apoderamiento_grant_apud_acta(
        user=ciudadana,
        identification_level=NivelGarantia.SUSTANCIAL,
        identification_method=MetodoIdentificacion.BAKQ,
        apoderado=apoderado,
        tipo=TipoApoderamiento.GENERAL,
    )
    assert power.documento_csv
    assert "BakQ" in power.firma_note
    version = csv_resolve(power.documento_csv)
    assert version is not None
    pdf = version.content.read()
    report = validate(pdf)
    assert report.result == "valid", report.summary
    assert "SELLO" in report.signatures[0].signer_subject.upper()


def test_rea3_a_weak_identification_neither_grants_nor_seals(ciudadana, representante):
    from django.core.exceptions import PermissionDenied

    from firma.models import DocumentoVersion

    apoderado = interesado_get_or_create(nif=representante.nif)
    with pytest.raises(PermissionDenied):
        apoderamiento_grant_apud_acta(
            user=ciudadana,
            identification_level=NivelGarantia.BAJO,
            apoderado=apoderado,
            tipo=TipoApoderamiento.GENERAL,
        )
    assert not DocumentoVersion.objects.exists()
