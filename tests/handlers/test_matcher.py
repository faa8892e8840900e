"""Lerian Matcher's job status route, each documented behaviour with its exact body.

Facts: seed 000 (the documented OpenAPI) and apis.md §1 (Go source: omitempty keys, lookup under
the context, `invalid job_id`, slug `ingestion_job_not_found`, messages of the error list).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.handlers.conftest import MockClient

ROUTE = "/v1/imports/contexts/{contextId}/jobs/{jobId}"
RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ACME_CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"
GLOBEX_CONTEXT = "019c96a2-4a50-7e33-ac40-7d5a2e3f4c32"


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for("matcher")
    return client


def poll(client: MockClient, job: dict[str, Any], **headers: str) -> Any:
    return client.get(job["status_path"], headers={**job["headers"], **headers})


def test_a_job_walks_queued_processing_completed_with_keys_omitted_until_meaningful(
    mock_client: MockClient,
) -> None:
    job = mock_client.create(
        "matcher", scenario="completes", tenant="acme", fields={"totalRows": 1000}
    )
    queued = poll(mock_client, job)
    assert queued.status_code == 200
    body = queued.json()
    assert body["status"] == "QUEUED"
    # Go omitempty: no startedAt/completedAt/totalRows/failedRows while queued
    assert set(body) == {"id", "contextId", "sourceId", "status", "fileName", "createdAt"}
    assert RFC3339_MS.match(body["createdAt"])
    mock_client.assert_conforms("matcher", ROUTE, "get", queued)

    mock_client.move("matcher", job["id"])
    processing = poll(mock_client, job).json()
    assert processing["status"] == "PROCESSING"
    assert processing["totalRows"] == 1000
    assert "startedAt" in processing and "completedAt" not in processing
    assert "failedRows" not in processing  # zero failures are omitted

    mock_client.move("matcher", job["id"])
    completed = poll(mock_client, job)
    done = completed.json()
    assert done["status"] == "COMPLETED"
    assert done["createdAt"] <= done["startedAt"] <= done["completedAt"]
    assert "failedRows" not in done
    mock_client.assert_conforms("matcher", ROUTE, "get", completed)


def test_failed_rows_appear_once_rows_fail(mock_client: MockClient) -> None:
    # the documented example: totalRows 1000, failedRows 5
    job = mock_client.create(
        "matcher", scenario="completes-with-failures", fields={"totalRows": 1000}
    )
    mock_client.move("matcher", job["id"], "COMPLETED")
    body = poll(mock_client, job).json()
    assert (body["totalRows"], body["failedRows"]) == (1000, 5)


def test_time_moves_the_job_on_its_own(mock_client: MockClient) -> None:
    job = mock_client.create("matcher", scenario="completes")
    mock_client.advance(3)  # the scenario queues for 3 s
    assert poll(mock_client, job).json()["status"] == "PROCESSING"
    mock_client.advance(20)
    assert poll(mock_client, job).json()["status"] == "COMPLETED"


def test_a_job_is_looked_up_under_its_own_context(mock_client: MockClient) -> None:
    job = mock_client.create("matcher", tenant="acme")
    other_context = "019c96a1-2f40-7c11-8a2e-5b3e0c1d2a10"  # also acme's
    response = mock_client.get(
        f"/matcher/v1/imports/contexts/{other_context}/jobs/{job['id']}", headers=job["headers"]
    )
    assert response.status_code == 404
    assert response.json() == {
        "code": "404",
        "title": "ingestion_job_not_found",
        "message": "job not found",
    }
    mock_client.assert_conforms("matcher", ROUTE, "get", response)


def test_unknown_job_is_not_found(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers("matcher", "acme")
    response = mock_client.get(
        f"/matcher/v1/imports/contexts/{ACME_CONTEXT}/jobs/019c0000-0000-7000-8000-000000000000",
        headers=headers,
    )
    assert response.status_code == 404
    assert response.json() == {
        "code": "404",
        "title": "ingestion_job_not_found",
        "message": "job not found",
    }


def test_malformed_job_id_is_400_invalid_job_id(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers("matcher", "acme")
    response = mock_client.get(
        f"/matcher/v1/imports/contexts/{ACME_CONTEXT}/jobs/not-a-uuid", headers=headers
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "400",
        "title": "invalid_request",
        "message": "invalid job_id",
    }
    mock_client.assert_conforms("matcher", ROUTE, "get", response)


def test_another_tenants_context_is_forbidden(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers("matcher", "acme")
    globex_job = mock_client.create("matcher", tenant="globex")
    response = mock_client.get(
        f"/matcher/v1/imports/contexts/{GLOBEX_CONTEXT}/jobs/{globex_job['id']}", headers=headers
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "403",
        "title": "forbidden",
        "message": "You do not have permission to perform this action. Please verify your access level.",
    }


def test_missing_and_unknown_credentials_are_401(mock_client: MockClient) -> None:
    job = mock_client.create("matcher")
    expected = {
        "code": "401",
        "title": "unauthorized",
        "message": "The request could not be authenticated. Please verify your credentials and try again.",
    }
    missing = mock_client.get(job["status_path"])
    assert missing.status_code == 401 and missing.json() == expected
    unknown = mock_client.get(
        job["status_path"], headers={"Authorization": "Bearer not-a-known-token"}
    )
    assert unknown.status_code == 401 and unknown.json() == expected
    mock_client.assert_conforms("matcher", ROUTE, "get", unknown)


def test_request_id_is_echoed(mock_client: MockClient) -> None:
    job = mock_client.create("matcher")
    response = poll(mock_client, job, **{"X-Request-Id": "trace-123"})
    assert response.headers["X-Request-Id"] == "trace-123"
