"""Interesados: DNI/NIE (persona física) and CIF (persona jurídica) with their check characters."""

import pytest
from django.core.exceptions import ValidationError

from identidad.constants import TipoPersona
from identidad.models import Interesado
from identidad.services import interesado_get_or_create
from identidad.validators import kind_of_nif, validate_nif


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("12345678Z", "dni"),
        ("12.345.678-z", "dni"),
        ("00000000T", "dni"),
        ("X1234567L", "nie"),
        ("Y1234567X", "nie"),
        ("Z7654321H", "nie"),
        ("B95000006", "cif"),
        ("P4802000B", "cif"),  # public body CIF
        ("Q2826000H", "cif"),
    ],
)
def test_it_accepts_valid_numbers(value, kind):
    assert kind_of_nif(value) == kind


@pytest.mark.parametrize(
    "value",
    ["12345678A", "X1234567A", "B95000007", "1234567Z", "ABCDEFGHI", "", "Z765432P"],
)
def test_it_rejects_wrong_check_letters_and_shapes(value):
    assert kind_of_nif(value) is None
    with pytest.raises(ValidationError) as excinfo:
        validate_nif(value)
    assert "no es un DNI, NIE o CIF válido" in str(excinfo.value)


def test_a_natural_person_cannot_use_a_cif():
    with pytest.raises(ValidationError, match="persona física se identifica con DNI o NIE"):
        validate_nif("B95000006", TipoPersona.FISICA)


def test_a_legal_person_cannot_use_a_dni():
    with pytest.raises(ValidationError, match="persona jurídica se identifica con su NIF"):
        validate_nif("12345678Z", TipoPersona.JURIDICA)


@pytest.mark.django_db
class TestInteresadoGetOrCreate:
    def test_it_normalises_and_finds_the_same_person(self):
        first = interesado_get_or_create(
            nif="12345678-z", tipo=TipoPersona.FISICA, nombre="Miren", apellido1="Etxeberria"
        )
        again = interesado_get_or_create(nif="12345678Z")
        assert first.pk == again.pk
        assert first.nif == "12345678Z"
        assert Interesado.objects.count() == 1

    def test_it_refuses_an_invalid_nif_and_writes_nothing(self):
        with pytest.raises(ValidationError):
            interesado_get_or_create(nif="12345678A", nombre="X", apellido1="Y")
        assert not Interesado.objects.exists()

    def test_a_company_needs_its_razon_social(self):
        with pytest.raises(ValidationError) as excinfo:
            interesado_get_or_create(nif="B95000006", tipo=TipoPersona.JURIDICA)
        assert "razon_social" in excinfo.value.message_dict

    def test_legal_person_kind_is_inferred_from_a_cif(self):
        company = interesado_get_or_create(nif="B95000006", razon_social="Abando S.L.")
        assert company.tipo == TipoPersona.JURIDICA
        assert company.display_name == "Abando S.L."
