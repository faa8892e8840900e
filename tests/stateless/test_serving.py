"""A stateless API gets what a vendor API gets: CORS, faults, the control API."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_a_preflight_is_answered_and_declared_headers_are_exposed(petstore30: TestClient) -> None:
    response = petstore30.options(
        "/pets",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    answer = petstore30.get("/pets", headers={"Origin": "http://localhost:5173"})
    assert "x-next" in answer.headers["access-control-expose-headers"].lower().split(", ")


def test_an_error_fault_answers_the_declared_5xx(features: TestClient) -> None:
    put = features.put(
        "/_mock/faults",
        json={"faults": [{"kind": "error", "api": "features", "route": "getTree"}]},
    )
    assert put.status_code == 200
    response = features.get("/tree")
    assert response.status_code == 503
    assert response.headers["x-jobmock-fault"]
    assert response.json() == {"error": "rebuilding", "hint": "try again in a minute"}
    assert features.get("/account").status_code == 200  # another route is left alone


def test_the_control_api_creates_no_job_on_a_stateless_api(petstore30: TestClient) -> None:
    assert petstore30.get("/_mock/apis/petstore-3-0/scenarios").json() == []
    assert petstore30.get("/_mock/apis/petstore-3-0/tenants").json() == []
    response = petstore30.post("/_mock/apis/petstore-3-0/jobs", json={})
    assert response.status_code == 422
    assert response.json()["detail"] == "petstore-3-0 is a stateless API: it has no jobs"
