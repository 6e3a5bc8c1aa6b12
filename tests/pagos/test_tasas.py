"""The fee of a filing, computed from the catalogue's rule and the answers; the rule's format
checked by the model and by the catalogue import, and exported with the catalogue."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pagos.tasas import tasa_for, tasa_of
from procedimientos.tasas import tasa_errors


class _Proc:
    code = "x"

    def __init__(self, tasa):
        self.tasa = tasa


FIJA = {"rule": "fija", "concept_es": "Tasa", "concept_eu": "Tasa", "amount_cents": 4800}
POR_VEHICULO = {
    "rule": "por_unidad",
    "concept_es": "Distintivo",
    "unit_cents": 4800,
    "quantity": "/vehiculos",
    "unless": {"field": "/domiciliar_tasa", "equals": True},
}
TRAMOS = {
    "rule": "tramos",
    "concept_es": "Tasa por obras",
    "base": "/presupuesto_ejecucion",
    "brackets": [
        {"up_to": 6000, "amount_cents": 3000},
        {"up_to": 30000, "amount_cents": 6000},
        {"up_to": None, "amount_cents": 12000},
    ],
}


class TestTasaFor:
    def test_no_rule_means_nothing_to_pay(self):
        assert tasa_for(_Proc({}), {"x": 1}) == 0
        assert tasa_of(_Proc({}), {}) is None

    def test_a_fixed_fee_whatever_the_answers(self):
        assert tasa_for(_Proc(FIJA), {}) == 4800
        tasa = tasa_of(_Proc(FIJA), {})
        assert (tasa.amount_cents, tasa.concept_es) == (4800, "Tasa")

    def test_per_unit_times_the_number_of_items_answered(self):
        data = {"vehiculos": [{"matricula": "1234BCD"}, {"matricula": "5678FGH"}]}
        assert tasa_for(_Proc(POR_VEHICULO), data) == 9600

    def test_per_unit_times_a_number_answered(self):
        rule = {**POR_VEHICULO, "quantity": "/plazas"}
        assert tasa_for(_Proc(rule), {"plazas": 3}) == 14400
        assert tasa_for(_Proc(rule), {"plazas": "2"}) == 9600
        assert tasa_for(_Proc(rule), {}) == 0

    def test_a_direct_debit_answer_waives_the_online_payment(self):
        data = {"vehiculos": [{}], "domiciliar_tasa": True}
        assert tasa_for(_Proc(POR_VEHICULO), data) == 0
        assert tasa_for(_Proc(POR_VEHICULO), {**data, "domiciliar_tasa": False}) == 4800

    @pytest.mark.parametrize(
        ("budget", "cents"),
        [(0, 3000), (6000, 3000), (6000.01, 6000), ("25.000,50", 6000), (30001, 12000)],
    )
    def test_brackets_of_an_amount_answered(self, budget, cents):
        assert tasa_for(_Proc(TRAMOS), {"presupuesto_ejecucion": budget}) == cents

    def test_minimum_and_maximum(self):
        rule = {**POR_VEHICULO, "min_cents": 6000, "max_cents": 10000}
        assert tasa_for(_Proc(rule), {"vehiculos": [{}]}) == 6000
        assert tasa_for(_Proc(rule), {"vehiculos": [{}, {}, {}]}) == 10000


class TestTasaFormat:
    def test_well_formed_rules(self):
        for rule in ({}, FIJA, POR_VEHICULO, TRAMOS):
            assert tasa_errors(rule) == []

    @pytest.mark.parametrize(
        "rule",
        [
            {"rule": "fija", "concept_es": "T"},  # no amount
            {"rule": "fija", "amount_cents": 100},  # no concept
            {"rule": "por_unidad", "concept_es": "T", "unit_cents": 100},  # no quantity
            {**FIJA, "amount_cents": -1},
            {**FIJA, "amount_cents": 12.5},  # cents are whole
            {**FIJA, "whatever": 1},
            {**TRAMOS, "brackets": [{"up_to": 10, "amount_cents": 1}]},  # last not open
            {
                **TRAMOS,
                "brackets": [
                    {"up_to": 10, "amount_cents": 1},
                    {"up_to": 5, "amount_cents": 2},
                    {"up_to": None, "amount_cents": 3},
                ],
            },
        ],
    )
    def test_malformed_rules_are_refused(self, rule):
        assert tasa_errors(rule)

    def test_the_model_refuses_a_malformed_rule(self, db):
        from procedimientos.models import Procedimiento

        procedimiento = Procedimiento(tasa={"rule": "fija", "concept_es": "T"})
        with pytest.raises(ValidationError) as exc:
            procedimiento.clean()
        assert "tasa" in exc.value.message_dict


class TestCatalogue:
    def test_the_fee_goes_through_import_and_export(self, db):
        from procedimientos.catalogo_io import catalogo_export, catalogo_import
        from procedimientos.models import Procedimiento
        from tests.sede.filing_support import starter_subset

        data = starter_subset(("ota-residentes", "declaracion-responsable-obras"))
        catalogo_import(data=data)
        ota = Procedimiento.objects.get(code="ota-residentes")
        assert ota.tasa["rule"] == "por_unidad"  # the starter catalogue's demo fee
        exported = {p["code"]: p for p in catalogo_export()["procedimientos"]}
        assert exported["ota-residentes"]["tasa"] == ota.tasa
        assert exported["declaracion-responsable-obras"]["tasa"]["rule"] == "tramos"

    def test_an_import_with_a_malformed_fee_writes_nothing(self, db):
        from procedimientos.catalogo_io import catalogo_import
        from procedimientos.catalogo_io.fileformat import CatalogoImportError
        from procedimientos.models import Procedimiento
        from tests.sede.filing_support import starter_subset

        data = starter_subset(("ota-residentes",))
        data["procedimientos"][0]["tasa"] = {
            **TRAMOS,
            "brackets": [{"up_to": 1, "amount_cents": 1}],
        }
        with pytest.raises(CatalogoImportError, match="tasa"):
            catalogo_import(data=data)
        assert not Procedimiento.objects.exists()
