"""The public, read-only API of the calendar (TIME-2..5, TIME-7, REG-2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

YEAR_URL = "/api/calendario/dias-inhabiles/{year}/"
TERM_URL = "/api/calendario/plazo/"
EFFECTIVE_URL = "/api/calendario/instante-efectivo/"


def test_the_routes_are_named():
    assert reverse("api:calendario:dias-inhabiles", kwargs={"year": 2026}) == YEAR_URL.format(
        year=2026
    )
    assert reverse("api:calendario:plazo") == TERM_URL
    assert reverse("api:calendario:instante-efectivo") == EFFECTIVE_URL


def test_time7_anyone_can_read_the_non_working_days_of_a_year(client, calendar_2026):
    body = client.get(YEAR_URL.format(year=2026)).json()
    assert body["year"] == 2026 and body["published"] is True
    assert body["weekends_non_working"] is True
    assert len(body["days"]) == 15
    assert body["days"][3] == {
        "date": "2026-04-02",
        "name_es": "Jueves Santo",
        "name_eu": "Ostegun Santua",
        "scope": "euskadi",
        "verified": True,
        "source": body["days"][3]["source"],
    }
    assert [d["date"] for d in body["days"] if not d["verified"]] == ["2026-08-21"]


def test_a_year_without_holidays_is_answered_as_unpublished(client, calendar_2026):
    body = client.get(YEAR_URL.format(year=2027)).json()
    assert (body["published"], body["days"]) == (False, [])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"start": "2026-03-31", "amount": 3, "unit": "working_days"},
            {"end_date": "2026-04-08", "end": "2026-04-08T23:59:59.999999+02:00"},
        ),
        (
            {"start": "2026-01-31", "amount": 1, "unit": "months"},
            {
                "nominal_end_date": "2026-02-28",
                "end_date": "2026-03-02",
                "moved_to_next_working_day": True,
                "count_from": "2026-02-01T00:00:00+01:00",
            },
        ),
        (
            {"start": "2026-03-23", "amount": 10, "unit": "natural_days"},
            {"nominal_end_date": "2026-04-02", "end_date": "2026-04-07"},
        ),
        (
            {"start": "2026-03-06T10:00:00+01:00", "amount": 24, "unit": "hours"},
            {"end": "2026-03-09T10:00:00+01:00"},
        ),
        (  # no offset: Madrid time
            {"start": "2026-03-27T10:00:00", "amount": 24, "unit": "hours"},
            {"end": "2026-03-30T10:00:00+02:00"},
        ),
        (
            {"start": "2026-08-20", "amount": 1, "unit": "working_days"},
            {"end_date": "2026-08-24", "unverified_days": ["2026-08-21"]},
        ),
        (
            {"start": "2026-12-18", "amount": 10, "unit": "working_days"},
            {"unpublished_years": [2027]},
        ),
    ],
)
def test_time2_to_time5_the_term_endpoint_computes_the_end(client, calendar_2026, params, expected):
    response = client.get(TERM_URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-03-02", "amount": 0, "unit": "working_days"}, "amount"),
        ({"start": "2026-03-02", "amount": 5, "unit": "fortnights"}, "unit"),
        ({"start": "yesterday", "amount": 5, "unit": "working_days"}, "start"),
        ({"amount": 5, "unit": "working_days"}, "start"),
        ({"start": "2026-03-02T10:00:00+01:00", "amount": 25, "unit": "hours"}, "detail"),
        ({"start": "2026-03-02", "amount": 2, "unit": "hours"}, "detail"),
    ],
)
def test_bad_term_requests_get_a_400_naming_the_problem(client, calendar_2026, params, field):
    response = client.get(TERM_URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("presented_at", "effective_at", "moved"),
    [
        ("2026-03-07T18:00:00+01:00", "2026-03-09T00:00:00+01:00", True),
        ("2026-04-02T09:00:00+02:00", "2026-04-07T00:00:00+02:00", True),
        ("2026-03-09T10:00:00+01:00", "2026-03-09T10:00:00+01:00", False),
        ("2026-03-29T00:30:00Z", "2026-03-30T00:00:00+02:00", True),
    ],
)
def test_reg2_the_effective_instant_endpoint(
    client, calendar_2026, presented_at, effective_at, moved
):
    body = client.get(EFFECTIVE_URL, {"presented_at": presented_at}).json()
    assert (body["effective_at"], body["moved"]) == (effective_at, moved)


def test_the_api_is_read_only(client, calendar_2026):
    assert client.post(TERM_URL, {}).status_code == 405
    assert client.delete(YEAR_URL.format(year=2026)).status_code == 405


def test_the_openapi_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/calendario/dias-inhabiles/{year}/" in paths
    parameters = {p["name"] for p in paths["/api/calendario/plazo/"]["get"]["parameters"]}
    assert {"start", "amount", "unit"} <= parameters
    assert "/api/calendario/instante-efectivo/" in paths


@pytest.mark.django_db
def test_an_instant_before_1901_is_written_as_rfc_3339_allows(client):
    """Found by schemathesis (issue 17.14): Madrid's local mean time before 1901 has an offset
    in seconds (-00:14:44) that RFC 3339, and the schema's date-time, cannot write; such an
    instant is given in UTC, the same instant. Later ones stay in Madrid time."""
    old = client.get(EFFECTIVE_URL, {"presented_at": "0129-01-01T00:00:00Z"}).json()
    assert old["presented_at"] == "0129-01-01T00:00:00Z"
    now = client.get(EFFECTIVE_URL, {"presented_at": "2026-03-02T09:00:00Z"}).json()
    assert now["presented_at"] == "2026-03-02T10:00:00+01:00"
