"""bench/bench_formularios.py in a tiny mode: its 60-field form is a valid definition, the
citizen's step view renders every field and accepts the valid answers (so the benchmark times
real work, not an error page), and the plain Django form it is compared with does too."""

from __future__ import annotations

import pytest
from django.urls import clear_url_caches

from bench import bench_formularios as bench
from procedimientos.forms_schema import form_definition_errors

pytestmark = pytest.mark.django_db


def test_the_benchmark_form_is_a_valid_definition_with_its_rules():
    schema, layout = bench.engine_definition()
    assert form_definition_errors(schema, layout) == []
    assert len(schema["properties"]) == 60
    assert sum("condition" in fs for fs in layout["steps"][0]["fieldsets"]) == 10
    assert len(schema["allOf"]) == 10 and len(schema["x-rules"]) == 4


def test_one_round_of_each_side_runs(settings):
    try:
        engine, plain = bench.run(rounds=1, block=1)
    finally:
        clear_url_caches()
    assert engine > 0 and plain > 0
