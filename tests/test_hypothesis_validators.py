"""Issue 17 item 14: property-based tests (Hypothesis) of the NIF/IBAN validators and of the
form engine: the right numbers pass, every single-character mistake is caught, and no input
— however hostile — makes them raise anything but a validation error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identidad.validators import normalize_nif, validate_nif
from sede.filing.formats import check_iban, check_nif
from tests.sede.filing_support import catalogo as catalogo  # noqa: F401 - fixture

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
FAST = settings(max_examples=100, deadline=None)


def dni(number: int) -> str:
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


def nie(prefix: str, number: int) -> str:
    value = int("XYZ".index(prefix) * 10_000_000 + number)
    return f"{prefix}{number:07d}{DNI_LETTERS[value % 23]}"


def _ccc_digit(digits: str) -> str:
    weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    d = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(d, d))


def spanish_iban(accounts: str) -> str:
    """ES + check digits (ISO 13616, mod 97-10) + a CCC: entity, office, its two control
    digits and the account (``accounts``: 18 digits, entity + office + account)."""
    entity_office, account = accounts[:8], accounts[8:]
    bban = entity_office + _ccc_digit("00" + entity_office) + _ccc_digit(account) + account
    numeric = int(bban + "142800")  # "ES" → 14 28, then "00"
    return f"ES{98 - numeric % 97:02d}{bban}"


numbers = st.integers(min_value=0, max_value=99_999_999)
separators = st.sampled_from(["", " ", "-", ".", "  "])


@FAST
@given(numbers, separators, st.booleans())
def test_every_dni_with_its_letter_is_valid_however_it_is_typed(number, sep, lower):
    typed = dni(number)
    typed = typed[:4] + sep + typed[4:8] + sep + typed[8:]
    typed = typed.lower() if lower else typed
    assert validate_nif(typed) == dni(number)
    assert check_nif(dni(number))


@FAST
@given(numbers, st.sampled_from(DNI_LETTERS))
def test_a_dni_with_any_other_letter_is_refused(number, letter):
    if letter == DNI_LETTERS[number % 23]:
        return
    with pytest.raises(ValidationError):
        validate_nif(f"{number:08d}{letter}")


@FAST
@given(st.sampled_from("XYZ"), st.integers(min_value=0, max_value=9_999_999))
def test_every_nie_with_its_letter_is_valid(prefix, number):
    assert validate_nif(nie(prefix, number)) == nie(prefix, number)


@FAST
@given(st.text(max_size=40))
def test_any_text_is_either_a_normalised_nif_or_a_validation_error(text):
    try:
        result = validate_nif(text)
    except ValidationError:
        return
    assert result == normalize_nif(text) and result.isalnum()


@FAST
@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_every_spanish_iban_with_its_check_digits_is_valid(bban):
    assert check_iban(spanish_iban(bban))
    assert check_iban(" ".join(spanish_iban(bban)[i : i + 4] for i in range(0, 24, 4)))


@FAST
@given(
    st.text(alphabet="0123456789", min_size=18, max_size=18),
    st.integers(min_value=2, max_value=23),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_mistake_in_an_iban_is_caught(bban, position, delta):
    good = spanish_iban(bban)
    digit = (int(good[position]) + delta) % 10
    assert not check_iban(good[:position] + str(digit) + good[position + 1 :])


@FAST
@given(st.text(max_size=60))
def test_the_format_checks_never_raise(text):
    assert isinstance(check_iban(text), bool)
    assert isinstance(check_nif(text), bool)


# --- The form engine ------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["\x00", "a\x00b", "9" * 400, "<script>alert(1)</script>", "-1e309", "NaN"]),
)


@pytest.mark.django_db
def test_the_form_engine_reads_and_validates_any_post_without_crashing(catalogo):
    """Every step of every published form, fed arbitrary answers: parse_step returns data and
    errors, validate returns errors by pointer — never an exception."""
    from procedimientos.models import Procedimiento
    from sede.filing.engine import Definition

    definitions = [
        Definition(f.schema, f.layout)
        for p in Procedimiento.objects.filter(code__in=list(catalogo))
        for f in p.formularios.filter(status="publicado")
    ]
    assert definitions

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        definition = data.draw(st.sampled_from(definitions))
        step = data.draw(st.sampled_from(definition.steps))
        names = [
            spec.name
            for fs in step.fieldsets
            for spec in definition.fieldset_fields(fs)
            if not definition.is_attachments_fieldset(fs)
        ]
        post = QueryDict(mutable=True)
        for name in names:
            for value in data.draw(st.lists(hostile_text, max_size=2)):
                post.appendlist(name, value)
        new, errors = definition.parse_step(step, post, {}, group_counts={})
        assert isinstance(new, dict) and isinstance(errors, dict)
        all_errors = definition.validate(new)
        assert all(isinstance(m, list) for m in all_errors.values())

    check()
