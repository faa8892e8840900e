"""Crosmos: what both ingestion routes (sources, conversations) do alike with the job they start.

fixtures/crosmos.yaml's rules read the sources' texts (a conversation's messages are its sources):
"partial" fails that source only, "fail" fails the job; jobs are the caller's tenant's; FastAPI's
401 without credentials (apis.md §2).
"""

from __future__ import annotations

import pytest

from tests.handlers.conftest import MockClient
from tests.handlers.crosmos_ingestion import API as API
from tests.handlers.crosmos_ingestion import CONVERSATIONS, SOURCES, IngestRoute, poll

ROUTES = pytest.mark.parametrize(
    "route", [SOURCES, CONVERSATIONS], ids=["sources", "conversations"]
)


@ROUTES
def test_a_text_mentioning_partial_is_the_source_that_fails(
    client: MockClient, acme: dict[str, str], route: IngestRoute
) -> None:
    body = route.body("fine", "this one is PARTIAL", "also fine")
    job_id = route.post(client, acme, body).json()["job_id"]
    client.advance(60)
    done = poll(client, acme, job_id)
    assert done["status"] == "partial"
    second = done["source_ids"][1]
    assert done["result"]["failed_source_ids"] == [second]
    assert list(done["result"]["source_errors"]) == [str(second)]


@ROUTES
def test_a_text_mentioning_fail_fails_the_job(
    client: MockClient, acme: dict[str, str], route: IngestRoute
) -> None:
    job_id = route.post(client, acme, route.body("hi", "please fail")).json()["job_id"]
    client.advance(60)
    done = poll(client, acme, job_id)
    assert done["status"] == "failed" and done["error_message"]


@ROUTES
def test_another_tenant_does_not_see_the_job(
    client: MockClient, acme: dict[str, str], route: IngestRoute
) -> None:
    job_id = route.post(client, acme, route.body("x")).json()["job_id"]
    globex = client.tenant_headers(API, "globex")
    response = client.get(f"/crosmos/api/v1/jobs/{job_id}", headers=globex)
    assert response.status_code == 404 and response.json() == {"detail": "Job not found"}


@ROUTES
def test_without_credentials_it_is_401(client: MockClient, route: IngestRoute) -> None:
    response = route.post(client, {}, route.body("x"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["WWW-Authenticate"] == "Bearer"
