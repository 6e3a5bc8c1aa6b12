"""The validators the builder offers (issue 16 item 3): every one is implemented by the engine
and says, in Spanish and Basque, exactly the message the registry shows the editor; malformed
x-date, x-rules and x-messages are refused before publication."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from procedimientos.forms_schema import form_definition_errors
from procedimientos.formularios.validadores import (
    PARAM_TYPES,
    RULE_SHAPES,
    VALIDADORES,
    add_months,
    parse_bound,
)
from sede.filing.engine import Definition
from sede.filing.reglas import implements

FAST = settings(max_examples=80, deadline=None)
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

TODAY = timezone.localdate()  # the samples build their dates from the real today…


@pytest.fixture(autouse=True)
def _same_today():
    """…so the engine must judge them on that same day, even when the run crosses midnight
    in Bilbao (the samples are built at import, the checks run minutes later)."""
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=True):
        yield


def iso(days: int = 0, years: int = 0) -> str:
    return (add_months(TODAY, 12 * years) + dt.timedelta(days=days)).isoformat()


def form(props: dict, rules: list | None = None) -> dict:
    schema = {"$schema": SCHEMA_URI, "type": "object", "properties": props}
    if rules is not None:
        schema["x-rules"] = rules
    return schema


TEXT = {"type": "string", "title": "Dato", "x-title-eu": "Datua"}
NUM = {"type": "number", "title": "Importe", "x-title-eu": "Zenbatekoa"}
DAY = {"type": "string", "format": "date", "title": "Fecha", "x-title-eu": "Data"}
PAIR_DATES = {
    "x": {**DAY, "title": "X", "x-title-eu": "X"},
    "y": {**DAY, "title": "Y", "x-title-eu": "Y"},
}
PAIR_NUMS = {
    "x": {**NUM, "title": "X", "x-title-eu": "X"},
    "y": {**NUM, "title": "Y", "x-title-eu": "Y"},
}
PAIR_TEXT = {
    "x": {**TEXT, "title": "X", "x-title-eu": "X"},
    "y": {**TEXT, "title": "Y", "x-title-eu": "Y"},
}
XY = {"field": "/x", "other": "/y"}

# validator id → (schema, valid answers, invalid answers, pointer, message params)
FIELD_PARAMS = {"minimum": 5, "maximum": 5, "exclusiveMinimum": 5, "exclusiveMaximum": 5}
SAMPLES: dict[str, tuple[dict, dict, dict, str, dict]] = {
    "nif": (
        form({"v": {**TEXT, "format": "nif"}}),
        {"v": "12345678Z"},
        {"v": "12345678A"},
        "/v",
        {},
    ),
    "nie": (
        form({"v": {**TEXT, "format": "nie"}}),
        {"v": "Y1234567X"},
        {"v": "Y1234567A"},
        "/v",
        {},
    ),
    "cif": (
        form({"v": {**TEXT, "format": "cif"}}),
        {"v": "A58818501"},
        {"v": "12345678Z"},
        "/v",
        {},
    ),
    "iban": (
        form({"v": {**TEXT, "format": "iban"}}),
        {"v": "ES9121000418450200051332"},
        {"v": "ES9121000418450200051333"},
        "/v",
        {},
    ),
    "referencia-catastral": (
        form({"v": {**TEXT, "format": "referencia-catastral"}}),
        {"v": "4A08169P03PRAT0001LR"},
        {"v": "4A08169P03PRAT0001LA"},
        "/v",
        {},
    ),
    "matricula": (
        form({"v": {**TEXT, "format": "matricula"}}),
        {"v": "1234BCD"},
        {"v": "1234AEI"},
        "/v",
        {},
    ),
    "minimum": (form({"v": {**NUM, "minimum": 5}}), {"v": 5}, {"v": 4}, "/v", {"n": 5}),
    "maximum": (form({"v": {**NUM, "maximum": 5}}), {"v": 5}, {"v": 6}, "/v", {"n": 5}),
    "exclusiveMinimum": (
        form({"v": {**NUM, "exclusiveMinimum": 5}}),
        {"v": 6},
        {"v": 5},
        "/v",
        {"n": 5},
    ),
    "exclusiveMaximum": (
        form({"v": {**NUM, "exclusiveMaximum": 5}}),
        {"v": 4},
        {"v": 5},
        "/v",
        {"n": 5},
    ),
    "minLength": (form({"v": {**TEXT, "minLength": 3}}), {"v": "abc"}, {"v": "ab"}, "/v", {"n": 3}),
    "maxLength": (
        form({"v": {**TEXT, "maxLength": 3}}),
        {"v": "abc"},
        {"v": "abcd"},
        "/v",
        {"n": 3},
    ),
    "pattern": (
        form({"v": {**TEXT, "pattern": "^[0-9]{5}$"}}),
        {"v": "48001"},
        {"v": "4800"},
        "/v",
        {},
    ),
    "fecha-relativa": (
        form({"v": {**DAY, "x-date": {"min": "-P1Y", "max": "P1Y"}}}),
        {"v": iso(years=1)},
        {"v": iso(days=1, years=1)},
        "/v",
        "dates",
    ),
    "mayor-de-edad": (
        form({"v": {**DAY, "x-date": VALIDADORES["mayor-de-edad"].value}}),
        {"v": iso(years=-18)},
        {"v": iso(days=1, years=-18)},
        "/v",
        {},
    ),
    "fecha-no-futura": (
        form({"v": {**DAY, "x-date": VALIDADORES["fecha-no-futura"].value}}),
        {"v": iso()},
        {"v": iso(days=1)},
        "/v",
        {},
    ),
    "fecha-no-pasada": (
        form({"v": {**DAY, "x-date": VALIDADORES["fecha-no-pasada"].value}}),
        {"v": iso()},
        {"v": iso(days=-1)},
        "/v",
        {},
    ),
    "fecha-proximo-ano": (
        form({"v": {**DAY, "x-date": VALIDADORES["fecha-proximo-ano"].value}}),
        {"v": iso(years=1)},
        {"v": iso(days=-1)},
        "/v",
        {},
    ),
    "after": (
        form(PAIR_DATES, [{"rule": "after", **XY}]),
        {"x": "2027-01-02", "y": "2027-01-01"},
        {"x": "2027-01-01", "y": "2027-01-01"},
        "/x",
        "otro",
    ),
    "after-or-equal": (
        form(PAIR_DATES, [{"rule": "after-or-equal", **XY}]),
        {"x": "2027-01-01", "y": "2027-01-01"},
        {"x": "2026-12-31", "y": "2027-01-01"},
        "/x",
        "otro",
    ),
    "before": (
        form(PAIR_DATES, [{"rule": "before", **XY}]),
        {"x": "2026-12-31", "y": "2027-01-01"},
        {"x": "2027-01-01", "y": "2027-01-01"},
        "/x",
        "otro",
    ),
    "before-or-equal": (
        form(PAIR_DATES, [{"rule": "before-or-equal", **XY}]),
        {"x": "2027-01-01", "y": "2027-01-01"},
        {"x": "2027-01-02", "y": "2027-01-01"},
        "/x",
        "otro",
    ),
    "greater": (
        form(PAIR_NUMS, [{"rule": "greater", **XY}]),
        {"x": 2, "y": 1},
        {"x": 1, "y": 1},
        "/x",
        "otro",
    ),
    "greater-or-equal": (
        form(PAIR_NUMS, [{"rule": "greater-or-equal", **XY}]),
        {"x": 1, "y": 1},
        {"x": 0.5, "y": 1},
        "/x",
        "otro",
    ),
    "less": (
        form(PAIR_NUMS, [{"rule": "less", **XY}]),
        {"x": 0, "y": 1},
        {"x": 1, "y": 1},
        "/x",
        "otro",
    ),
    "less-or-equal": (
        form(PAIR_NUMS, [{"rule": "less-or-equal", **XY}]),
        {"x": 1, "y": 1},
        {"x": 2, "y": 1},
        "/x",
        "otro",
    ),
    "equals": (
        form(PAIR_TEXT, [{"rule": "equals", **XY}]),
        {"x": "a@b.eus", "y": "a@b.eus"},
        {"x": "a@b.es", "y": "a@b.eus"},
        "/x",
        "otro",
    ),
    "different": (
        form(PAIR_TEXT, [{"rule": "different", **XY}]),
        {"x": "1", "y": "2"},
        {"x": "2", "y": "2"},
        "/x",
        "otro",
    ),
    "required-together": (
        form(PAIR_TEXT, [{"rule": "required-together", "fields": ["/x", "/y"]}]),
        {"x": "1", "y": "2"},
        {"y": "2"},
        "/x",
        {"campo": "Y"},
    ),
    "at-least-one-of": (
        form(PAIR_TEXT, [{"rule": "at-least-one-of", "fields": ["/x", "/y"]}]),
        {"y": "2"},
        {},
        "/x",
        "campos",
    ),
    "sum-at-most": (
        form(PAIR_NUMS, [{"rule": "sum-at-most", "fields": ["/x", "/y"], "value": 10}]),
        {"x": 4, "y": 6},
        {"x": 4, "y": 7},
        "/x",
        {"campos": "«X», «Y»", "valor": "10"},
    ),
    "sum-equals": (
        form(PAIR_NUMS, [{"rule": "sum-equals", "fields": ["/x", "/y"], "value": 10}]),
        {"x": 4, "y": 6},
        {"x": 4, "y": 5},
        "/x",
        {"campos": "«X», «Y»", "valor": "10"},
    ),
}


def params_for(kind, lang: str) -> dict:
    if isinstance(kind, dict):
        return kind
    if kind == "otro":
        return {"otro": "Y"}
    if kind == "campos":
        return {"campos": "«X», «Y»"}
    fmt = "%d/%m/%Y" if lang == "es" else "%Y-%m-%d"
    low, high = add_months(TODAY, -12), add_months(TODAY, 12)
    return {"desde": low.strftime(fmt), "hasta": high.strftime(fmt)}


def test_every_validator_offered_is_implemented_by_the_engine():
    missing = [v.id for v in VALIDADORES.values() if not implements(v)]
    assert missing == []
    # …and each one has its sample below, so it is judged, not just declared.
    assert set(SAMPLES) == set(VALIDADORES)


def test_every_validator_is_described_in_both_languages():
    for v in VALIDADORES.values():
        assert v.label_es and v.label_eu and v.message_es and v.message_eu, v.id
        assert all(p in PARAM_TYPES for p in v.params), v.id
        if v.keyword == "x-rules":
            assert v.id in RULE_SHAPES and v.operands in ("date", "number", "any")


@pytest.mark.parametrize("validator_id", sorted(SAMPLES))
def test_each_validator_accepts_valid_input_and_refuses_invalid_input(validator_id):
    """The citizen sees the registry's message (or the sample's filled template) es and eu."""
    schema, good, bad, pointer, params = SAMPLES[validator_id]
    assert form_definition_errors(schema, None) == []
    definition = Definition(schema, None)
    validador = VALIDADORES[validator_id]
    for lang, template in (("es", validador.message_es), ("eu", validador.message_eu)):
        with translation.override(lang):
            assert definition.validate(good) == {}, (validator_id, lang)
            errors = definition.validate(bad)
        assert errors == {pointer: [template % params_for(params, lang)]}, (validator_id, lang)


def test_the_builders_presets_are_valid_definitions():
    for v in VALIDADORES.values():
        if v.value is not None:
            assert form_definition_errors(form({"d": {**DAY, v.keyword: v.value}}), None) == []


def errors_of(schema: dict) -> list[str]:
    return form_definition_errors(schema, None)


class TestMalformedRulesAreRefused:
    def test_an_unknown_rule(self):
        (message,) = errors_of(form(PAIR_DATES, [{"rule": "despues", **XY}]))
        assert "unknown rule 'despues'" in message and "after" in message

    def test_a_pointer_not_in_the_schema(self):
        (message,) = errors_of(form(PAIR_DATES, [{"rule": "after", "field": "/x", "other": "/z"}]))
        assert message == "schema / x-rules[0] (after): other /z is not in the schema"

    def test_a_rule_on_incompatible_types(self):
        schema = form({**PAIR_DATES, "n": NUM}, [{"rule": "after", "field": "/x", "other": "/n"}])
        assert errors_of(schema) == [
            "schema / x-rules[0] (after): /n is not a date; this rule compares dates"
        ]
        schema = form(
            {**PAIR_NUMS, "d": DAY}, [{"rule": "sum-at-most", "fields": ["/x", "/d"], "value": 3}]
        )
        assert "/d is not a number" in errors_of(schema)[0]
        schema = form({**PAIR_TEXT, "n": NUM}, [{"rule": "equals", "field": "/x", "other": "/n"}])
        assert "are of different types" in errors_of(schema)[0]

    def test_missing_and_unknown_parameters(self):
        assert errors_of(form(PAIR_DATES, [{"rule": "after", "field": "/x"}])) == [
            "schema / x-rules[0] (after): needs other"
        ]
        schema = form(PAIR_DATES, [{"rule": "after", **XY, "offset": "P1D"}])
        assert errors_of(schema) == ["schema / x-rules[0] (after): does not know offset"]
        schema = form(PAIR_NUMS, [{"rule": "sum-at-most", "fields": ["/x", "/y"]}])
        assert "either value" in errors_of(schema)[0]
        schema = form(PAIR_TEXT, [{"rule": "at-least-one-of", "fields": ["/x"]}])
        assert "at least two fields" in errors_of(schema)[0]

    def test_a_message_in_one_language_only(self):
        schema = form(PAIR_DATES, [{"rule": "after", **XY, "message_es": "Después."}])
        assert "both languages" in errors_of(schema)[0]

    def test_rules_on_something_that_is_not_an_object_or_not_a_list(self):
        assert "belong to an object" in errors_of(form({"x": {**TEXT, "x-rules": []}}))[0]
        assert "must be a list" in errors_of(form(PAIR_TEXT, {"rule": "equals"}))[0]  # type: ignore[arg-type]

    def test_rules_of_a_group_point_inside_its_items(self):
        items = {"type": "object", "properties": PAIR_DATES, "x-rules": [{"rule": "after", **XY}]}
        schema = form({"miembros": {"type": "array", "items": items}})
        assert errors_of(schema) == []
        items["x-rules"] = [{"rule": "after", "field": "/x", "other": "/miembros"}]
        assert errors_of(schema) == [
            "schema /miembros/* x-rules[0] (after): other /miembros is not in the schema"
        ]

    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ({"max": "yesterday"}, "is not a date bound"),
            ({"min": "P1H"}, "is not a date bound"),
            ({"min": "P"}, "is not a date bound"),
            ({}, "needs min or max"),
            ({"min": "P1Y", "max": "today"}, "min is after max"),
            ({"max": "today", "desde": "P1D"}, "does not know desde"),
            ({"max": "today", "message_eu": "Gaur."}, "both languages"),
            ("today", "must be an object"),
        ],
    )
    def test_a_malformed_date_rule(self, spec, expected):
        (message,) = errors_of(form({"d": {**DAY, "x-date": spec}}))
        assert message.startswith("schema /d") and expected in message

    def test_a_date_rule_on_a_field_that_is_not_a_date(self):
        (message,) = errors_of(form({"v": {**TEXT, "x-date": {"max": "today"}}}))
        assert "dates only" in message

    def test_malformed_own_messages(self):
        assert "x-messages" in errors_of(form({"v": {**TEXT, "x-messages": {"pattern": "x"}}}))[0]


@FAST
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(-1200, 1200),
)
def test_month_arithmetic_keeps_the_day_or_ends_the_month(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + dt.timedelta(days=1)).day == 1)


@FAST
@given(
    st.integers(0, 150), st.integers(0, 11), st.integers(0, 400), st.sampled_from(["", "-", "+"])
)
def test_durations_move_today_by_years_months_and_days(years, months, days, sign):
    text = f"{sign}P{years}Y{months}M{days}D"
    today = dt.date(2026, 12, 4)
    factor = -1 if sign == "-" else 1
    expected = add_months(today, factor * (12 * years + months)) + dt.timedelta(days=factor * days)
    assert parse_bound(text)(today) == expected


@FAST
@given(st.text(max_size=12))
def test_any_text_is_a_bound_or_refused_never_an_exception(text):
    bound = parse_bound(text)
    if bound is not None:
        # Out of the calendar (P99999Y): the engine ignores such a bound.
        with contextlib.suppress(ValueError, OverflowError):
            assert isinstance(bound(dt.date(2026, 12, 4)), dt.date)


@FAST
@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.sampled_from(["after", "after-or-equal", "before", "before-or-equal"]),
)
def test_date_rules_refuse_exactly_the_wrong_order(x, y, rule):
    definition = Definition(form(PAIR_DATES, [{"rule": rule, **XY}]), None)
    refused = "/x" in definition.validate({"x": x.isoformat(), "y": y.isoformat()})
    holds = {
        "after": x > y,
        "after-or-equal": x >= y,
        "before": x < y,
        "before-or-equal": x <= y,
    }[rule]
    assert refused == (not holds)


@FAST
@given(st.lists(st.integers(-10_000, 10_000), min_size=2, max_size=2), st.integers(-20_000, 20_000))
def test_sum_at_most_refuses_exactly_the_sums_over_the_limit(values, limit):
    schema = form(PAIR_NUMS, [{"rule": "sum-at-most", "fields": ["/x", "/y"], "value": limit}])
    errors = Definition(schema, None).validate({"x": values[0], "y": values[1]})
    assert ("/x" in errors) == (sum(values) > limit)
