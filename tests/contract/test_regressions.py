"""One request per bug the contract suite found: fixed ones stay fixed, open ones are strict
xfails (a fix makes them pass, which fails the suite until known.py and the mark are removed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jobmock.app import create_app
from jobmock.config import Config
from jobmock.contract.schemas import not_found_codes

MATCHER_ROUTE = "/matcher/v1/imports/contexts/{context}/jobs/{job}"
ACME_CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"
ROUTES = {
    "matcher": MATCHER_ROUTE.format(
        context=ACME_CONTEXT, job="019c96a0-10ce-75fc-a273-dc799079a99c"
    ),
    "crosmos": "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c",
    "gu1": "/gu1/batch-import/jobs/abc-123",
    "seekr": "/seekr/v1/flow/alignment/ingestion/ij-ed038db4-de38-4784-a6d0-b944a2863a7f",
    "claret": "/claret/demo/api/v1/imports/status/12345",
    "control": "/_mock/clock",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual"))) as test_client:
        yield test_client


def matcher_headers(client: TestClient) -> dict[str, str]:
    tenants = client.get("/_mock/apis/matcher/tenants").json()
    headers: dict[str, str] = tenants[0]["headers"]
    return headers


# fixed ------------------------------------------------------------------------------------
def test_matcher_serves_its_ids_as_uuids(client: TestClient) -> None:
    """positive_data_acceptance: Matcher answers 400 for a non-UUID id, so its served spec (the
    overlay) says `format: uuid`, and the 400 keeps Matcher's own wording."""
    spec = client.get("/matcher/openapi.json").json()
    operation = spec["paths"]["/v1/imports/contexts/{contextId}/jobs/{jobId}"]["get"]
    formats = {p["name"]: p["schema"].get("format") for p in operation["parameters"]}
    assert formats["contextId"] == formats["jobId"] == "uuid"
    url = MATCHER_ROUTE.format(context="unknown parameter", job="%F3%AD%A8%A7%C2%A9")
    response = client.get(url, headers=matcher_headers(client))
    assert response.status_code == 400
    assert response.json() == {
        "code": "400",
        "title": "invalid_request",
        "message": "invalid context_id",
    }


def test_unknown_names_in_control_bodies_are_its_not_found(client: TestClient) -> None:
    """positive_data_acceptance: a schema-valid body naming an unknown scenario is 422, which the
    control spec marks as its not-found (`x-jobmock-not-found`)."""
    spec = client.get("/_mock/openapi.json").json()
    assert 422 in not_found_codes(spec)
    response = client.post("/_mock/apis/seekr/jobs", json={"scenario": "cancelled"})
    assert response.status_code == 422


# open -------------------------------------------------------------------------------------
@pytest.mark.parametrize("api", sorted(ROUTES))
def test_405_names_the_allowed_methods(client: TestClient, api: str) -> None:
    response = client.request("TRACE", ROUTES[api])
    assert response.status_code == 405
    assert "allow" in response.headers


def test_a_json_null_body_is_not_an_object(client: TestClient) -> None:
    response = client.post(
        "/_mock/apis/crosmos/jobs", content=b"null", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_the_clock_refuses_to_leave_the_calendar() -> None:
    with TestClient(create_app(Config(clock="manual"))) as client:
        response = client.post("/_mock/clock", json={"advance_seconds": 1_668_957_697_444_608.0})
        assert response.status_code == 400
        assert client.get("/_mock/clock").status_code == 200
