"""The control API (/_mock): jobs, transitions, clock and reset, with RFC 9457 errors."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from jobmock.errors import Unprocessable
from tests.handlers.conftest import MockClient

PROBLEM = "application/problem+json"


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for("matcher")
    return client


def test_apis_lists_each_served_api_with_its_urls(mock_client: MockClient) -> None:
    apis = mock_client.get("/_mock/apis").json()
    assert apis == [
        {
            "name": "matcher",
            "title": mock_client.app.mock.apis["matcher"].spec.document["info"]["title"],
            "prefix": "/matcher",
            "openapi": "/matcher/openapi.json",
            "docs": "/matcher/ui/",
        }
    ]
    assert mock_client.get("/matcher/openapi.json").json()["openapi"] == "3.1.0"


def test_scenarios_come_from_the_fixture(mock_client: MockClient) -> None:
    scenarios = {s["name"]: s for s in mock_client.get("/_mock/apis/matcher/scenarios").json()}
    assert scenarios["fails"]["phases"] == [
        {"status": "QUEUED", "seconds": 3},
        {"status": "PROCESSING", "seconds": 8},
        {"status": "FAILED", "seconds": None},
    ]


def test_tenants_carry_the_headers_a_client_sends(mock_client: MockClient) -> None:
    tenants = mock_client.get("/_mock/apis/matcher/tenants").json()
    assert [t["name"] for t in tenants] == ["acme", "globex"]
    assert tenants[0]["headers"]["Authorization"].startswith("Bearer eyJ")


def test_create_returns_the_job_with_where_and_how_to_poll(mock_client: MockClient) -> None:
    response = mock_client.http.post(
        "/_mock/apis/matcher/jobs", json={"scenario": "fails", "tenant": "globex"}
    )
    assert response.status_code == 201
    job = response.json()
    assert (job["api"], job["tenant"], job["scenario"], job["status"], job["terminal"]) == (
        "matcher",
        "globex",
        "fails",
        "QUEUED",
        False,
    )
    assert job["status_path"].startswith("/matcher/v1/imports/contexts/")
    mock_client.assert_conforms("control", "/apis/{api}/jobs", "post", response)
    polled = mock_client.get(job["status_path"], headers=job["headers"])
    assert polled.status_code == 200 and polled.json()["id"] == job["id"]


def test_create_without_body_uses_the_defaults(mock_client: MockClient) -> None:
    job = mock_client.http.post("/_mock/apis/matcher/jobs").json()
    assert (job["scenario"], job["tenant"]) == ("completes", "acme")


def test_fixture_jobs_are_listed_and_filtered_by_tenant(mock_client: MockClient) -> None:
    everything = mock_client.get("/_mock/apis/matcher/jobs").json()
    assert {j["scenario"] for j in everything} == {
        "completes",
        "completes-with-failures",
        "fails",
        "stays-queued",
    }
    globex = mock_client.get("/_mock/apis/matcher/jobs", params={"tenant": "globex"}).json()
    assert {j["tenant"] for j in globex} == {"globex"}


def test_transition_to_next_then_to_a_status_then_409_when_terminal(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("matcher", scenario="completes")
    assert mock_client.move("matcher", job["id"], "next").json()["status"] == "PROCESSING"
    failed = mock_client.move("matcher", job["id"], "FAILED")
    assert (
        failed.status_code == 200
        and failed.json()["status"] == "FAILED"
        and failed.json()["terminal"]
    )
    refused = mock_client.move("matcher", job["id"], "next")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith(PROBLEM)
    problem = refused.json()
    assert (problem["status"], problem["title"]) == (409, "Conflict")
    assert "FAILED" in problem["detail"]
    mock_client.assert_conforms("control", "/apis/{api}/jobs/{id}/transitions", "post", refused)


def test_backwards_transition_is_409_and_unknown_status_422(mock_client: MockClient) -> None:
    job = mock_client.create("matcher")
    mock_client.move("matcher", job["id"], "PROCESSING")
    assert mock_client.move("matcher", job["id"], "QUEUED").status_code == 409
    unknown = mock_client.move("matcher", job["id"], "DONE")
    assert unknown.status_code == 422
    assert "QUEUED" in unknown.json()["detail"]  # says what is allowed


def test_unknown_api_job_and_scenario(mock_client: MockClient) -> None:
    assert mock_client.get("/_mock/apis/nope/jobs").status_code == 404
    assert mock_client.get("/_mock/apis/matcher/jobs/does-not-exist").status_code == 404
    bad = mock_client.http.post("/_mock/apis/matcher/jobs", json={"scenario": "nope"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
    mock_client.assert_conforms("control", "/apis/{api}/jobs", "post", bad)


def test_delete_removes_the_job(mock_client: MockClient) -> None:
    job = mock_client.create("matcher")
    deleted = mock_client.http.delete(f"/_mock/apis/matcher/jobs/{job['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert "content-type" not in deleted.headers
    assert mock_client.get(job["status_path"], headers=job["headers"]).status_code == 404
    assert mock_client.http.delete(f"/_mock/apis/matcher/jobs/{job['id']}").status_code == 404


def test_clock_advances_and_changes_mode_and_speed(mock_client: MockClient) -> None:
    before = mock_client.get("/_mock/clock").json()
    assert before["mode"] == "manual"
    after = mock_client.http.post("/_mock/clock", json={"advance_seconds": 90}).json()
    from datetime import datetime

    elapsed = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
    assert elapsed.total_seconds() == 90
    assert mock_client.http.post("/_mock/clock", json={"speed": 4}).json()["speed"] == 4
    assert mock_client.http.post("/_mock/clock", json={"mode": "poll"}).json()["mode"] == "poll"
    assert mock_client.http.post("/_mock/clock", json={"speed": 0}).status_code == 400


def test_clock_changes_are_bounded_by_the_control_spec(mock_client: MockClient) -> None:
    """A speed of 1.8e308 was stored, then every clock read answered 500 (OverflowError) until
    --reset: the spec's maximums (Limits' clock bounds) refuse it with a 400 before anything is
    stored."""
    spec = mock_client.get("/_mock/openapi.json").json()["components"]["schemas"]
    options = {o["title"]: o["properties"] for o in spec["ClockChange"]["oneOf"]}
    assert options["Speed"]["speed"]["maximum"] == 1_000_000
    assert options["Advance"]["advance_seconds"]["maximum"] == 100 * 365.25 * 86_400
    before = mock_client.get("/_mock/clock").json()
    for change in ({"speed": 1.7976931348623157e308}, {"advance_seconds": 6.8e307}):
        refused = mock_client.http.post("/_mock/clock", json=change)
        assert refused.status_code == 400, refused.text
        assert refused.headers["content-type"] == PROBLEM
        assert "greater than the maximum" in refused.json()["detail"]
    assert mock_client.get("/_mock/clock").json() == before  # nothing was stored
    assert mock_client.http.post("/_mock/clock", json={"speed": 1_000_000}).status_code == 200


def test_an_advance_past_9999_is_a_conflict_with_where_the_clock_stands(
    mock_client: MockClient,
) -> None:
    """Each advance is valid on its own (at most 100 years); the one that would pass
    9999-12-31T23:59:59Z is the documented 409, and the clock stays readable."""
    century = {"advance_seconds": 100 * 365.25 * 86_400}
    answers = [mock_client.http.post("/_mock/clock", json=century) for _ in range(81)]
    codes = [answer.status_code for answer in answers]
    assert codes[0] == 200 and codes[-1] == 409, codes
    assert answers[-1].json()["type"] == "https://jobmock.dev/problems/clock-at-end"
    assert mock_client.get("/_mock/clock").json()["now"].startswith("99")


def test_fields_nested_past_the_limit_are_unusable_before_they_are_stored(
    mock_client: MockClient,
) -> None:
    """A job whose fields nest ~1000 levels failed while it was stored (RecursionError in the
    store codec's json.dumps): the engine refuses it with the control API's 422 for unusable
    fields, whatever calls it (the HTTP body is refused earlier, as JSON nested too deep)."""
    deep: dict[str, Any] = {}
    for _ in range(5_000):
        deep = {"a": deep}
    mock = mock_client.app.mock
    before = len(mock_client.get("/_mock/apis/matcher/jobs").json())
    with pytest.raises(Unprocessable, match="fields: nested deeper than"):
        mock_client.call(functools.partial(mock.create, "matcher", fields={"x": deep}))
    assert len(mock_client.get("/_mock/apis/matcher/jobs").json()) == before


def test_reset_reloads_fixture_jobs(mock_client: MockClient) -> None:
    created = mock_client.create("matcher")
    count = mock_client.http.post("/_mock/reset").json()["jobs"]
    assert count == 4  # the four seed jobs of fixtures/matcher.yaml
    assert mock_client.get(f"/_mock/apis/matcher/jobs/{created['id']}").status_code == 404


def test_poll_clock_moves_a_job_one_phase_per_status_request(client_for: Any) -> None:
    client: MockClient = client_for("matcher", clock="poll")
    job = client.create("matcher", scenario="completes")
    seen = [
        client.get(job["status_path"], headers=job["headers"]).json()["status"] for _ in range(4)
    ]
    assert seen == ["QUEUED", "PROCESSING", "COMPLETED", "COMPLETED"]


def test_control_token_protects_the_control_api(client_for: Any) -> None:
    client: MockClient = client_for("matcher", control_token="s3cret")
    denied = client.get("/_mock/apis")
    assert denied.status_code == 401 and denied.headers["content-type"].startswith(PROBLEM)
    client.assert_conforms("control", "/apis", "get", denied)
    assert client.get("/_mock/apis", headers={"Authorization": "Bearer s3cret"}).status_code == 200
