"""Validation rules as data (issue 16 item 3): the engine judges ``x-date`` (dates relative to
today), ``x-rules`` (cross-field rules) and the identifier formats, in Spanish and Basque, next
to the right field, only for the fields a step asks — and skips a rule whose field is hidden."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict
from django.utils import translation

from sede.filing.engine import Definition
from tests.sede.filing_support import catalogo, client_as  # noqa: F401 - fixtures

TODAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
frozen = time_machine.travel(TODAY, tick=False)

DATE = {"type": "string", "format": "date"}


def prop(title: str, eu: str, **schema) -> dict:
    return {"type": "string", "title": title, "x-title-eu": eu, **schema}


PROPS = {
    "tipo": prop("Tipo", "Mota", enum=["particular", "empresa"]),
    "nacimiento": prop("Fecha de nacimiento", "Jaiotze-data", format="date"),
    "email": prop("Correo electrónico", "Helbide elektronikoa", format="email"),
    "email2": prop("Repita el correo", "Errepikatu helbidea", format="email"),
    "cif": prop("NIF de la empresa", "Enpresaren IFZ", format="cif"),
    "constitucion": prop("Fecha de constitución", "Eraketa-data", format="date"),
    "inicio": prop("Fecha de inicio", "Hasiera-data", format="date"),
    "fin": prop("Fecha de fin", "Amaiera-data", format="date"),
    "metros": {"type": "number", "title": "Metros ocupados", "x-title-eu": "Okupatutako metroak"},
    "maximo": {
        "type": "number",
        "title": "Metros autorizados",
        "x-title-eu": "Baimendutako metroak",
    },
    "telefono": prop("Teléfono", "Telefonoa"),
    "movil": prop("Móvil", "Mugikorra"),
    "a": {"type": "integer", "title": "Parte A", "x-title-eu": "A zatia"},
    "b": {"type": "integer", "title": "Parte B", "x-title-eu": "B zatia"},
    "miembros": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "nombre": prop("Nombre", "Izena"),
                "alta": prop("Alta", "Alta", format="date"),
                "baja": prop("Baja", "Baja", format="date"),
            },
            "x-rules": [{"rule": "after", "field": "/baja", "other": "/alta"}],
        },
    },
}


def definition(*rules: dict, **extra_props) -> Definition:
    """Two steps: "datos" (who, and the company when tipo = empresa) and "ocupacion"."""
    props = {k: dict(v) for k, v in PROPS.items()}
    for key, schema in extra_props.items():
        props[key] = {**props[key], **schema}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": props,
        "x-rules": list(rules),
    }

    def fs(id_, fields, **more):
        return {"id": id_, "legend_es": id_, "legend_eu": id_, "fields": fields, **more}

    layout = {
        "steps": [
            {
                "id": "datos",
                "title_es": "Datos",
                "title_eu": "Datuak",
                "fieldsets": [
                    fs("persona", ["/tipo", "/nacimiento", "/email", "/email2"]),
                    fs(
                        "empresa",
                        ["/cif", "/constitucion"],
                        condition={"field": "/tipo", "equals": "empresa"},
                    ),
                ],
            },
            {
                "id": "ocupacion",
                "title_es": "Ocupación",
                "title_eu": "Okupazioa",
                "fieldsets": [
                    fs("fechas", ["/inicio", "/fin", "/metros", "/maximo", "/telefono", "/movil"]),
                    fs("partes", ["/a", "/b"]),
                    fs("miembros", ["/nombre", "/alta", "/baja"], repeat={"path": "/miembros"}),
                ],
            },
        ]
    }
    return Definition(schema, layout)


def errors_in(lang: str, d: Definition, data: dict, step: str | None = None) -> dict:
    with translation.override(lang):
        return d.validate(data, step=d.step(step) if step else None)


class TestDatesRelativeToToday:
    @frozen
    def test_an_adult_born_18_years_ago_today_passes_and_a_day_later_is_refused(self):
        d = definition(nacimiento={"x-date": {"max": "-P18Y"}})
        assert errors_in("es", d, {"nacimiento": "2008-12-04"}) == {}
        es = errors_in("es", d, {"nacimiento": "2008-12-05"})
        eu = errors_in("eu", d, {"nacimiento": "2008-12-05"})
        assert es == {"/nacimiento": ["Escriba una fecha igual o anterior al 04/12/2008."]}
        assert eu == {"/nacimiento": ["Idatzi 2008-12-04 edo lehenagoko data bat."]}

    @frozen
    def test_not_in_the_future(self):
        d = definition(fin={"x-date": {"max": "today"}})
        assert errors_in("es", d, {"fin": "2026-12-04"}) == {}
        assert errors_in("es", d, {"fin": "2026-12-05"})["/fin"] == [
            "La fecha no puede ser posterior a hoy."
        ]
        assert errors_in("eu", d, {"fin": "2026-12-05"})["/fin"] == [
            "Data ezin da gaur baino geroagokoa izan."
        ]

    @frozen
    def test_not_in_the_past(self):
        d = definition(inicio={"x-date": {"min": "P0D"}})
        assert errors_in("es", d, {"inicio": "2026-12-04"}) == {}
        assert errors_in("es", d, {"inicio": "2026-12-03"})["/inicio"] == [
            "Escriba una fecha igual o posterior al 04/12/2026."
        ]

    @frozen
    def test_within_the_next_year(self):
        d = definition(inicio={"x-date": {"min": "today", "max": "P1Y"}})
        assert errors_in("es", d, {"inicio": "2027-12-04"}) == {}
        for late_or_early in ("2027-12-05", "2026-12-03"):
            assert errors_in("es", d, {"inicio": late_or_early})["/inicio"] == [
                "Escriba una fecha entre el 04/12/2026 y el 04/12/2027."
            ]
            assert errors_in("eu", d, {"inicio": late_or_early})["/inicio"] == [
                "Idatzi 2026-12-04 eta 2027-12-04 arteko data bat."
            ]

    @frozen
    def test_months_from_the_31st_end_on_the_last_day_of_the_month(self):
        with time_machine.travel(dt.datetime(2027, 3, 31, 12, tzinfo=ZoneInfo("Europe/Madrid"))):
            d = definition(fin={"x-date": {"max": "-P1M"}})
            assert errors_in("es", d, {"fin": "2027-02-28"}) == {}
            assert "/fin" in errors_in("es", d, {"fin": "2027-03-01"})

    @frozen
    def test_a_rule_may_carry_its_own_message_in_both_languages(self):
        own = {"max": "-P18Y", "message_es": "Debe ser mayor de edad.", "message_eu": "Adinez."}
        d = definition(nacimiento={"x-date": own})
        assert errors_in("es", d, {"nacimiento": "2015-01-01"})["/nacimiento"] == [
            "Debe ser mayor de edad."
        ]
        assert errors_in("eu", d, {"nacimiento": "2015-01-01"})["/nacimiento"] == ["Adinez."]

    @frozen
    def test_dates_inside_a_repeatable_group_are_reported_on_their_item(self):
        d = definition()
        d.schema["properties"]["miembros"]["items"]["properties"]["alta"]["x-date"] = {
            "max": "today"
        }
        d = Definition(d.schema, {"steps": [s.spec for s in d.steps]})
        data = {"miembros": [{"alta": "2026-01-01"}, {"alta": "2030-01-01"}]}
        assert list(errors_in("es", d, data)) == ["/miembros/1/alta"]

    @frozen
    def test_an_unreadable_date_gets_the_format_message_only(self):
        d = definition(fin={"x-date": {"max": "today"}})
        assert errors_in("es", d, {"fin": "mañana"})["/fin"] == [
            "Escriba una fecha válida, por ejemplo 31/12/2026."
        ]


class TestCrossFieldRules:
    def test_end_after_start_is_reported_next_to_the_end_with_the_start_named(self):
        d = definition({"rule": "after", "field": "/fin", "other": "/inicio"})
        assert errors_in("es", d, {"inicio": "2027-01-10", "fin": "2027-01-11"}) == {}
        for fin in ("2027-01-10", "2027-01-09"):
            data = {"inicio": "2027-01-10", "fin": fin}
            assert errors_in("es", d, data) == {
                "/fin": ["La fecha debe ser posterior a «Fecha de inicio»."]
            }
            assert errors_in("eu", d, data) == {
                "/fin": ["Data «Hasiera-data» eremukoa baino geroagokoa izan behar da."]
            }

    def test_after_or_equal_accepts_the_same_day(self):
        d = definition({"rule": "after-or-equal", "field": "/fin", "other": "/inicio"})
        assert errors_in("es", d, {"inicio": "2027-01-10", "fin": "2027-01-10"}) == {}
        assert errors_in("es", d, {"inicio": "2027-01-10", "fin": "2027-01-09"})["/fin"] == [
            "La fecha debe ser igual o posterior a «Fecha de inicio»."
        ]

    def test_before_and_before_or_equal(self):
        before = definition({"rule": "before", "field": "/inicio", "other": "/fin"})
        upto = definition({"rule": "before-or-equal", "field": "/inicio", "other": "/fin"})
        same = {"inicio": "2027-01-10", "fin": "2027-01-10"}
        assert errors_in("eu", before, same)["/inicio"] == [
            "Data «Amaiera-data» eremukoa baino lehenagokoa izan behar da."
        ]
        assert errors_in("es", upto, same) == {}
        assert errors_in("es", upto, {**same, "inicio": "2027-01-11"})["/inicio"] == [
            "La fecha debe ser igual o anterior a «Fecha de fin»."
        ]

    @pytest.mark.parametrize(
        ("rule", "passes", "fails", "es", "eu"),
        [
            (
                "greater",
                11,
                10,
                "Debe ser mayor que «Metros autorizados».",
                "«Baimendutako metroak» eremukoa baino handiagoa izan behar du.",
            ),
            (
                "greater-or-equal",
                10,
                9,
                "Debe ser igual o mayor que «Metros autorizados».",
                "«Baimendutako metroak» eremukoaren berdina edo handiagoa izan behar du.",
            ),
            (
                "less",
                9,
                10,
                "Debe ser menor que «Metros autorizados».",
                "«Baimendutako metroak» eremukoa baino txikiagoa izan behar du.",
            ),
            (
                "less-or-equal",
                10,
                10.5,
                "Debe ser igual o menor que «Metros autorizados».",
                "«Baimendutako metroak» eremukoaren berdina edo txikiagoa izan behar du.",
            ),
        ],
    )
    def test_numbers_compared_with_another_field(self, rule, passes, fails, es, eu):
        d = definition({"rule": rule, "field": "/metros", "other": "/maximo"})
        assert errors_in("es", d, {"metros": passes, "maximo": 10}) == {}
        assert errors_in("es", d, {"metros": fails, "maximo": 10}) == {"/metros": [es]}
        assert errors_in("eu", d, {"metros": fails, "maximo": 10}) == {"/metros": [eu]}

    def test_an_email_typed_twice_must_match(self):
        d = definition({"rule": "equals", "field": "/email2", "other": "/email"})
        assert errors_in("es", d, {"email": "ane@example.org", "email2": "ane@example.org"}) == {}
        data = {"email": "ane@example.org", "email2": "ane@exmple.org"}
        assert errors_in("es", d, data) == {
            "/email2": ["No coincide con «Correo electrónico»; escríbalo igual."]
        }
        assert errors_in("eu", d, data) == {
            "/email2": ["Ez dator bat «Helbide elektronikoa» eremuarekin; idatzi berdin."]
        }

    def test_different(self):
        d = definition({"rule": "different", "field": "/movil", "other": "/telefono"})
        assert errors_in("es", d, {"telefono": "944000000", "movil": "600000000"}) == {}
        assert errors_in("es", d, {"telefono": "944000000", "movil": "944000000"})["/movil"] == [
            "Debe ser distinto de «Teléfono»."
        ]

    def test_required_together_marks_each_missing_field(self):
        rule = {"rule": "required-together", "fields": ["/telefono", "/movil", "/inicio"]}
        d = definition(rule)
        assert errors_in("es", d, {}) == {}
        assert errors_in("es", d, {"telefono": "944", "movil": "600", "inicio": "2027-01-01"}) == {}
        assert errors_in("es", d, {"movil": "600"}) == {
            "/telefono": ["Si rellena «Móvil», rellene también este dato."],
            "/inicio": ["Si rellena «Móvil», rellene también este dato."],
        }
        assert errors_in("eu", d, {"movil": "600"})["/inicio"] == [
            "«Mugikorra» betetzen baduzu, bete datu hau ere."
        ]

    def test_at_least_one_of(self):
        d = definition({"rule": "at-least-one-of", "fields": ["/telefono", "/movil"]})
        assert errors_in("es", d, {"movil": "600"}) == {}
        assert errors_in("es", d, {}) == {
            "/telefono": ["Rellene al menos uno de estos datos: «Teléfono», «Móvil»."]
        }
        assert errors_in("eu", d, {}) == {
            "/telefono": ["Bete datu hauetako bat gutxienez: «Telefonoa», «Mugikorra»."]
        }

    def test_sum_at_most_a_number_or_another_field(self):
        d = definition({"rule": "sum-at-most", "fields": ["/a", "/b"], "value": 100})
        assert errors_in("es", d, {"a": 60, "b": 40}) == {}
        assert errors_in("es", d, {"a": 60, "b": 41}) == {
            "/a": ["La suma de «Parte A», «Parte B» no puede superar 100."]
        }
        other = definition({"rule": "sum-at-most", "fields": ["/a", "/b"], "other": "/maximo"})
        assert errors_in("es", other, {"a": 600, "b": 700, "maximo": 1250.5})["/a"] == [
            "La suma de «Parte A», «Parte B» no puede superar 1.250,50."
        ]
        assert errors_in("eu", other, {"a": 600, "b": 700, "maximo": 1250.5})["/a"] == [
            "«A zatia», «B zatia» eremuen batura ezin da 1.250,50 baino handiagoa izan."
        ]

    def test_sum_equals(self):
        d = definition({"rule": "sum-equals", "fields": ["/a", "/b"], "value": 100})
        assert errors_in("es", d, {"a": 30, "b": 70}) == {}
        assert errors_in("eu", d, {"a": 30}) == {
            "/a": ["«A zatia», «B zatia» eremuen baturak 100 izan behar du."]
        }

    def test_a_rule_with_its_own_message(self):
        rule = {
            "rule": "after",
            "field": "/fin",
            "other": "/inicio",
            "message_es": "La ocupación acaba después de empezar (%(otro)s).",
            "message_eu": "Okupazioa hasi ondoren amaitzen da (%(otro)s).",
        }
        d = definition(rule)
        data = {"inicio": "2027-01-10", "fin": "2027-01-01"}
        assert errors_in("es", d, data)["/fin"] == [
            "La ocupación acaba después de empezar (Fecha de inicio)."
        ]
        assert errors_in("eu", d, data)["/fin"] == [
            "Okupazioa hasi ondoren amaitzen da (Hasiera-data)."
        ]

    def test_missing_answers_leave_the_rule_to_required(self):
        d = definition({"rule": "after", "field": "/fin", "other": "/inicio"})
        assert errors_in("es", d, {"fin": "2027-01-01"}) == {}

    def test_rules_on_the_items_of_a_repeatable_group_judge_each_item(self):
        d = definition()
        data = {
            "miembros": [
                {"nombre": "Ane", "alta": "2020-01-01", "baja": "2021-01-01"},
                {"nombre": "Jon", "alta": "2020-01-01", "baja": "2019-01-01"},
            ]
        }
        assert errors_in("es", d, data) == {
            "/miembros/1/baja": ["La fecha debe ser posterior a «Alta»."]
        }


class TestWhereRulesFire:
    RULE = {"rule": "before", "field": "/constitucion", "other": "/inicio"}
    COMPANY = {"tipo": "empresa", "cif": "B95000006", "constitucion": "2027-06-01"}

    def test_a_rule_skips_a_field_hidden_by_a_condition(self):
        d = definition(self.RULE)
        data = {**self.COMPANY, "inicio": "2027-01-01"}
        assert "/constitucion" in errors_in("es", d, data)
        assert errors_in("es", d, {**data, "tipo": "particular"}) == {}

    def test_a_step_fires_only_rules_whose_fields_it_or_an_earlier_step_asked(self):
        d = definition(self.RULE, {"rule": "after", "field": "/fin", "other": "/inicio"})
        data = {**self.COMPANY, "inicio": "2027-01-01", "fin": "2026-12-31"}
        # Step 1 does not judge "inicio" (asked on step 2), even if the draft has it.
        assert errors_in("es", d, data, step="datos") == {}
        # Step 2 judges "fin"; the company's date is reported on its own step (the review).
        assert errors_in("es", d, data, step="ocupacion") == {
            "/fin": ["La fecha debe ser posterior a «Fecha de inicio»."]
        }
        review = errors_in("es", d, data)
        assert set(review) == {"/fin", "/constitucion"}
        assert d.step_of("/constitucion").id == "datos"

    def test_the_step_page_links_the_rule_error_to_its_field(self, rf):
        """The error summary of a step links each rule error to its field (#f-<name>)."""
        from sede.forms import StepForm

        d = definition({"rule": "after", "field": "/fin", "other": "/inicio"})
        step = d.step("ocupacion")
        post = QueryDict(mutable=True)
        post.update({"inicio": "10/01/2027", "fin": "09/01/2027"})
        data, coerce_errors = d.parse_step(step, post, {}, group_counts={"/miembros": 0})
        assert coerce_errors == {}
        errors = d.validate(data, step=step)
        specs = d.fieldset_fields(step.fieldsets[0])
        form = StepForm(specs, lang="es", data_json=data, post=post)
        form.set_errors(errors)
        assert form["fin"].errors == ["La fecha debe ser posterior a «Fecha de inicio»."]
        assert form["fin"].auto_id == "f-fin"


class TestFormats:
    @pytest.mark.parametrize(
        ("fmt", "good", "bad", "es"),
        [
            (
                "nif",
                "12345678Z",
                "12345678A",
                "Escriba un DNI, NIE o NIF válido, con su letra de control.",
            ),
            (
                "nie",
                "X1234567L",
                "12345678Z",
                "Escriba un NIE válido: X, Y o Z, siete cifras y la letra de control.",
            ),
            (
                "cif",
                "B95000006",
                "B95000007",
                "Escriba el NIF de una entidad válido: una letra, siete cifras y el carácter "
                "de control.",
            ),
        ],
    )
    def test_identifiers_by_format(self, fmt, good, bad, es):
        d = definition(cif={"format": fmt})
        assert errors_in("es", d, {"tipo": "empresa", "cif": good}) == {}
        assert errors_in("es", d, {"tipo": "empresa", "cif": bad}) == {"/cif": [es]}

    def test_a_field_may_say_its_own_message_for_a_keyword(self):
        own = {"pattern": {"message_es": "Nueve cifras.", "message_eu": "Bederatzi zifra."}}
        d = definition(telefono={"pattern": "^[0-9]{9}$", "x-messages": own})
        assert errors_in("es", d, {"telefono": "94"}) == {"/telefono": ["Nueve cifras."]}
        assert errors_in("eu", d, {"telefono": "94"}) == {"/telefono": ["Bederatzi zifra."]}
        assert errors_in("es", d, {"telefono": "944000000"}) == {}

    def test_the_nie_is_typed_freely_and_stored_compact(self):
        d = definition(cif={"format": "nie"})
        post = QueryDict(mutable=True)
        post.update({"tipo": "empresa", "cif": "x-1234567-l"})
        data, _ = d.parse_step(d.step("datos"), post, {}, group_counts={})
        assert data["cif"] == "X1234567L"


@pytest.mark.django_db
class TestThroughTheStepView:
    """A published form with rules, filed through the real pages (no JavaScript)."""

    @pytest.fixture
    def borrador(self, catalogo, client_as, ciudadana):  # noqa: F811 - fixtures
        from django.urls import reverse

        from procedimientos.services import formulario_create_draft, formulario_publish
        from sede.models import Borrador

        d = definition(
            {"rule": "after", "field": "/fin", "other": "/inicio"},
            {"rule": "before", "field": "/constitucion", "other": "/inicio"},
            nacimiento={"x-date": {"max": "-P18Y"}},
        )
        d.schema["required"] = ["tipo", "nacimiento"]
        layout = {"steps": [s.spec for s in d.steps]}
        version = formulario_create_draft(
            procedimiento=catalogo["instancia-general"], schema=d.schema, layout=layout
        )
        formulario_publish(formulario=version, by=None)
        client = client_as(ciudadana)
        response = client.post(reverse("sede:filing_start", args=["instancia-general"]), {})
        assert response.status_code == 302
        return client, Borrador.objects.filter(user=ciudadana).latest("pk")

    def test_a_rule_error_is_shown_next_to_its_field_and_linked_from_the_summary(self, borrador):
        client, draft = borrador
        url = f"/tramites/borrador/{draft.public_id}/paso/"
        first = {"tipo": "empresa", "nacimiento": "01/01/1980", "cif": "B95000006"}
        response = client.post(url + "datos/", {**first, "constitucion": "01/06/2027"})
        assert response.status_code == 302
        response = client.post(url + "ocupacion/", {"inicio": "10/01/2027", "fin": "09/01/2027"})
        html = response.content.decode()
        assert response.status_code == 200
        assert (
            '<a href="#f-fin">Fecha de fin: La fecha debe ser posterior a '
            "«Fecha de inicio».</a>" in html
        )
        response = client.post(
            "/eu" + url + "ocupacion/", {"inicio": "10/01/2027", "fin": "09/01/2027"}
        )
        assert (
            '<a href="#f-fin">Amaiera-data: Data «Hasiera-data» eremukoa baino '
            "geroagokoa izan behar da.</a>" in response.content.decode()
        )

    def test_the_review_lists_a_rule_across_steps_with_a_link_to_its_step(self, borrador):
        client, draft = borrador
        url = f"/tramites/borrador/{draft.public_id}/paso/"
        first = {"tipo": "empresa", "nacimiento": "01/01/1980", "cif": "B95000006"}
        client.post(url + "datos/", {**first, "constitucion": "01/06/2027"})
        response = client.post(url + "ocupacion/", {"inicio": "10/01/2027", "fin": "11/01/2027"})
        assert response.status_code == 302  # the company's date is not judged here
        html = client.get(f"/tramites/borrador/{draft.public_id}/revisar/").content.decode()
        assert "La fecha debe ser anterior a «Fecha de inicio»." in html
        assert url + "datos/" in html

    def test_an_adult_only_date_is_judged_by_the_server(self, borrador):
        client, draft = borrador
        url = f"/tramites/borrador/{draft.public_id}/paso/datos/"
        response = client.post(url, {"tipo": "particular", "nacimiento": "01/01/2020"})
        assert response.status_code == 200
        assert "Escriba una fecha igual o anterior al" in response.content.decode()
