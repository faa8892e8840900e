"""Crosmos Memory API's job status route, each documented behaviour with its exact body.

Facts: seed 001 (the documented OpenAPI: IngestionJobResponse, HTTPValidationError, HTTPBearer) and
apis.md §2 (statuses and `result` from the Stainless SDK [SRC C5]; FastAPI's 422, 404 and 401
shapes [INF]). The 422 messages are pydantic-core's with the `uuid` crate before 1.23, as FastAPI
services answer them (`found `n` at 1` is the one apis.md and pydantic-core's own tests quote).
Counts in `result` follow the rules written at the top of fixtures/crosmos.yaml.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.handlers.conftest import MockClient

API = "crosmos"
ROUTE = "/api/v1/jobs/{job_id}"
STATUS_URL = "/crosmos/api/v1/jobs/"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
PYDANTIC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")
UNKNOWN_JOB = "6b1d2f3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
JOB_NOT_FOUND = {"detail": "Job not found"}
NOT_AUTHENTICATED = {"detail": "Not authenticated"}
SOURCES = {
    "source_ids": [101, 102, 103, 104],
    "memory_count": 20,
    "entity_count": 12,
    "edge_count": 24,
    "tokens_used": 6910,
}


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for(API)
    return client


def poll(client: MockClient, job: dict[str, Any], **headers: str) -> Any:
    response = client.get(job["status_path"], headers={**job["headers"], **headers})
    assert response.status_code == 200, response.text
    client.assert_conforms(API, ROUTE, "get", response)
    return response.json()


def walk(client: MockClient, job: dict[str, Any], to: str = "next") -> dict[str, Any]:
    assert client.move(API, job["id"], to).status_code == 200
    body: dict[str, Any] = poll(client, job)
    return body


def fields_of_the_schema(client: MockClient) -> list[str]:
    document = client.app.mock.apis[API].spec.document
    return list(document["components"]["schemas"]["IngestionJobResponse"]["properties"])


def uuid_error(value: str, error: str) -> dict[str, Any]:
    """FastAPI's 422 body for a path job_id pydantic cannot read as a UUID."""
    return {
        "detail": [
            {
                "type": "uuid_parsing",
                "loc": ["path", "job_id"],
                "msg": f"Input should be a valid UUID, {error}",
                "input": value,
                "ctx": {"error": error},
            }
        ]
    }


def test_a_job_walks_pending_processing_completed_with_every_field_present(
    mock_client: MockClient,
) -> None:
    job = mock_client.create(API, scenario="completes", fields=SOURCES)
    pending = poll(mock_client, job)
    # pydantic serialises every field, in the model's order; unset ones are null
    assert list(pending) == fields_of_the_schema(mock_client)
    assert pending["job_id"] == job["id"]
    assert pending["status"] == "pending"
    assert pending["source_ids"] == [101, 102, 103, 104]  # integers in the status body
    assert (pending["result"], pending["error_message"]) == (None, None)
    assert (pending["started_at"], pending["completed_at"]) == (None, None)
    assert PYDANTIC_TIME.match(pending["created_at"])

    processing = walk(mock_client, job)
    assert processing["status"] == "processing"
    assert PYDANTIC_TIME.match(processing["started_at"])
    assert (processing["result"], processing["completed_at"]) == (None, None)

    completed = walk(mock_client, job)
    assert completed["status"] == "completed"
    assert completed["result"] == {
        "source_ids": [101, 102, 103, 104],
        "memory_count": 20,
        "entity_count": 12,
        "edge_count": 24,
        "tokens_used": 6910,
        "failed_source_ids": [],
    }
    assert completed["error_message"] is None
    assert completed["created_at"] <= completed["started_at"] <= completed["completed_at"]


def test_partial_lists_the_failed_sources_and_their_errors(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="partial", fields=SOURCES)
    assert walk(mock_client, job)["status"] == "processing"
    body = walk(mock_client, job)
    assert body["status"] == "partial"
    assert body["error_message"] is None
    # one of four sources failed: the three others' share of the counts, every token spent
    assert body["result"] == {
        "source_ids": [101, 102, 103, 104],
        "memory_count": 15,
        "entity_count": 9,
        "edge_count": 18,
        "tokens_used": 6910,
        "failed_source_ids": [104],
        "source_errors": {
            "104": "Extraction failed: the model returned no parseable memories for this source"
        },
    }


def test_a_failed_job_says_why(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="fails", fields=SOURCES)
    walk(mock_client, job)
    body = walk(mock_client, job)
    message = "Extraction failed: the language model provider is unavailable (HTTP 503)"
    assert body["status"] == "failed"
    assert body["error_message"] == message
    # nothing stored; 40% of the tokens were spent before the failure (the scenario's progress)
    assert body["result"] == {
        "source_ids": [101, 102, 103, 104],
        "memory_count": 0,
        "entity_count": 0,
        "edge_count": 0,
        "tokens_used": 2764,
        "failed_source_ids": [101, 102, 103, 104],
        "error_message": message,
    }
    assert body["started_at"] <= body["completed_at"]


def test_a_cancelled_job_has_no_result(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="cancelled")
    walk(mock_client, job)
    body = walk(mock_client, job)
    assert body["status"] == "cancelled"
    assert (body["result"], body["error_message"]) == (None, None)
    assert body["started_at"] is not None  # cancelled while processing
    assert body["completed_at"] is None  # it never completed (jobmock's choice, [INF])


def test_cancelled_before_a_worker_took_it_never_started(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="completes")
    body = walk(mock_client, job, "cancelled")
    assert body["status"] == "cancelled"
    assert body["started_at"] is None and body["completed_at"] is None
    assert mock_client.move(API, job["id"], "next").status_code == 409  # terminal


def test_time_moves_the_job_on_its_own(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="completes")
    assert poll(mock_client, job)["status"] == "pending"
    mock_client.advance(2)  # the scenario waits 2 s for a worker
    assert poll(mock_client, job)["status"] == "processing"
    mock_client.advance(15)
    assert poll(mock_client, job)["status"] == "completed"


def test_a_stalled_queue_keeps_the_job_pending(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="stays-pending")
    mock_client.advance(3599)
    assert poll(mock_client, job)["status"] == "pending"
    mock_client.advance(1)
    assert poll(mock_client, job)["status"] == "processing"
    mock_client.advance(15)
    assert poll(mock_client, job)["status"] == "completed"


def test_every_scenario_has_a_job_in_flight_at_startup(mock_client: MockClient) -> None:
    jobs = mock_client.http.get(f"/_mock/apis/{API}/jobs").json()
    scenarios = mock_client.http.get(f"/_mock/apis/{API}/scenarios").json()
    assert {job["scenario"] for job in jobs} == {s["name"] for s in scenarios}
    tenants = set()
    for job in jobs:
        body = poll(mock_client, job)
        assert body["status"] in {"pending", "processing"}
        assert all(isinstance(i, int) for i in body["source_ids"])
        tenants.add(job["tenant"])
    assert len(tenants) >= 2


def test_new_jobs_get_uuid4_ids_and_integer_sources(mock_client: MockClient) -> None:
    job = mock_client.create(API, fields={"source_count": 5})
    assert UUID4.fullmatch(job["id"])
    ids = poll(mock_client, job)["source_ids"]
    assert len(ids) == 5 and all(isinstance(i, int) for i in ids)


def test_an_access_token_works_like_an_api_key(mock_client: MockClient) -> None:
    # the scheme takes a JWT access token or a csk_ API key (seed 001, HTTPBearer)
    job = mock_client.create(API, tenant="acme")
    credentials = mock_client.app.mock.apis[API].fixture.tenants["acme"].credentials
    values = [c.value for c in credentials]
    assert any(v.startswith("csk_") for v in values)
    assert any(v.count(".") == 2 and v.startswith("eyJ") for v in values)
    for value in values:
        assert poll(mock_client, job, Authorization=f"Bearer {value}")["job_id"] == job["id"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer csk_not_a_known_key"},
        {"Authorization": "csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ"},  # no Bearer scheme
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "unknown-key", "not-bearer", "empty-bearer"],
)
def test_missing_or_unknown_credentials_are_401(
    mock_client: MockClient, headers: dict[str, str]
) -> None:
    job = mock_client.create(API)
    response = mock_client.get(job["status_path"], headers=headers)
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response.headers["WWW-Authenticate"] == "Bearer"
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_credentials_are_checked_before_the_job_id(mock_client: MockClient) -> None:
    # FastAPI resolves the HTTPBearer dependency before it validates path parameters
    response = mock_client.get(STATUS_URL + "not-a-uuid")
    assert response.status_code == 401 and response.json() == NOT_AUTHENTICATED


def test_another_tenants_job_is_not_found(mock_client: MockClient) -> None:
    globex_job = mock_client.create(API, tenant="globex")
    headers = mock_client.tenant_headers(API, "acme")
    response = mock_client.get(globex_job["status_path"], headers=headers)
    assert response.status_code == 404
    assert response.json() == JOB_NOT_FOUND
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_unknown_job_is_not_found(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers(API, "acme")
    response = mock_client.get(STATUS_URL + UNKNOWN_JOB, headers=headers)
    assert response.status_code == 404
    assert response.json() == JOB_NOT_FOUND
    mock_client.assert_conforms(API, ROUTE, "get", response)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (
            "not-a-uuid",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by "
            "[0-9a-fA-F-], found `n` at 1",
        ),
        ("abc", "invalid length: expected length 32 for simple format, found 3"),
        ("12345678-1234-1234-1234", "invalid group count: expected 5, found 4"),
        (
            "3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2",
            "invalid group length in group 4: expected 12, found 11",
        ),
        (
            "3f2b8c1e9a4d-4e6f-b1c2-7d8e9f0a1b2c-",
            "invalid group length in group 0: expected 8, found 12",
        ),
        # Python's UUID() reads `_` between hex digits, so the spec's format lets this through
        (
            "3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a_b2c",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by "
            "[0-9a-fA-F-], found `_` at 33",
        ),
    ],
    ids=["word", "short", "four-groups", "short-last-group", "long-first-group", "underscore"],
)
def test_a_job_id_that_is_not_a_uuid_is_422_in_fastapis_shape(
    mock_client: MockClient, value: str, error: str
) -> None:
    headers = mock_client.tenant_headers(API, "acme")
    response = mock_client.get(STATUS_URL + value, headers=headers)
    assert response.status_code == 422
    assert response.json() == uuid_error(value, error)
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_a_job_id_in_capitals_finds_the_job(mock_client: MockClient) -> None:
    # pydantic reads UUIDs case-insensitively; the body carries the canonical form
    job = mock_client.create(API)
    response = mock_client.get(STATUS_URL + job["id"].upper(), headers=job["headers"])
    assert response.status_code == 200
    assert response.json()["job_id"] == job["id"]
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_a_braced_job_id_is_not_found(mock_client: MockClient) -> None:
    # inferred: pydantic takes `{uuid}`, the spec's format does not; jobmock answers not found
    job = mock_client.create(API)
    response = mock_client.get(STATUS_URL + "{" + job["id"] + "}", headers=job["headers"])
    assert response.status_code == 404 and response.json() == JOB_NOT_FOUND
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_unrouted_requests_get_starlettes_bodies(mock_client: MockClient) -> None:
    # neither is declared by the spec (FastAPI's router answers them), so no conformance check
    headers = mock_client.tenant_headers(API, "acme")
    unrouted = mock_client.get("/crosmos/api/v1/jobs", headers=headers)
    assert unrouted.status_code == 404 and unrouted.json() == {"detail": "Not Found"}
    job = mock_client.create(API)
    wrong_method = mock_client.http.delete(job["status_path"], headers=job["headers"])
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "Method Not Allowed"}


def test_poll_clock_moves_a_job_one_phase_per_poll(client_for: Any) -> None:
    client: MockClient = client_for(API, clock="poll")
    job = client.create(API, scenario="fails")
    statuses = [poll(client, job)["status"] for _ in range(4)]
    assert statuses == ["pending", "processing", "failed", "failed"]
