"""The request journal through the control API: bounds, filters, problems, near misses, the
`--log requests` line, and off with `--no-journal`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

CROSMOS = {"Authorization": "Bearer csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ"}
GU1 = {"Authorization": "Bearer gk_test_e1aff8882f00322dd052f667c35a51be"}
CROSMOS_JOB = "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c"  # README's running job
GU1_JOB = "/gu1/batch-import/jobs/4f28285d-aadb-48b8-8ad3-330cb4eb6f4c"
SPACE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual", journal_size=3))) as client:
        yield client


def journal(client: TestClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/_mock/requests{query}")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def test_the_last_n_requests_of_each_api_are_kept_newest_first(client: TestClient) -> None:
    for n in range(5):
        client.get(f"{CROSMOS_JOB}?n={n}", headers=CROSMOS)
    client.get(GU1_JOB, headers=GU1)
    crosmos = journal(client, "?api=crosmos")
    assert [e["query"] for e in crosmos] == ["n=4", "n=3", "n=2"]  # --journal-size 3
    assert [e["api"] for e in journal(client, "?api=gu1")] == ["gu1"]  # apart from crosmos'
    entry = crosmos[0]
    assert entry["operation"] == "get_job_status_api_v1_jobs__job_id__get"
    assert (entry["method"], entry["status"], entry["tenant"]) == ("GET", 200, "acme")
    assert entry["problems"] == [] and entry["duration_ms"] >= 0
    assert '"job_id"' in entry["response"]["body"]["text"]  # Crosmos' job body
    assert entry["request"]["headers"]["authorization"] == "Bearer <masked>"


def test_filters_and_clear(client: TestClient) -> None:
    client.get(CROSMOS_JOB, headers=CROSMOS)
    client.get(CROSMOS_JOB)  # no credentials: 401
    assert [e["status"] for e in journal(client, "?status=4XX")] == [401]
    assert [e["status"] for e in journal(client, "?status=200")] == [200]
    assert [e["tenant"] for e in journal(client, "?tenant=acme")] == ["acme"]
    assert journal(client, "?since=2999-01-01T00:00:00Z") == []
    assert client.get("/_mock/requests?api=nope").status_code == 404
    assert client.delete("/_mock/requests").status_code == 204
    assert journal(client) == []
    client.get(CROSMOS_JOB, headers=CROSMOS)
    client.post("/_mock/reset")
    assert journal(client) == []  # a reset empties the journal with the rest


def test_a_refused_request_lists_every_problem_and_the_documented_request(
    client: TestClient,
) -> None:
    body = {"space_id": SPACE, "sources": [{"role": "user"}, {"content": 7}]}
    answer = client.post("/crosmos/api/v1/sources", json=body, headers=CROSMOS)
    assert answer.status_code == 422
    (entry,) = journal(client)
    assert {"pointer": "body/sources/0/content", "message": "required"} in entry["problems"]
    assert any(p["pointer"] == "body/sources/1/content" for p in entry["problems"])
    documented = entry["documented_request"]
    assert (documented["method"], documented["path"]) == ("POST", "/api/v1/sources")
    assert "application/json" in documented["body"]["content"]
    assert entry["request"]["body"]["text"] == answer.request.content.decode()


def test_a_near_miss_names_the_closest_operation_and_why(client: TestClient) -> None:
    assert client.get(CROSMOS_JOB.replace("/jobs/", "/job/"), headers=CROSMOS).status_code == 404
    assert client.get(CROSMOS_JOB.removeprefix("/crosmos"), headers=CROSMOS).status_code == 404
    no_prefix, typo = journal(client)
    closest = typo["near_misses"][0]
    assert (closest["method"], closest["path"]) == ("GET", "/api/v1/jobs/{job_id}")
    assert closest["reasons"] == ["segment 3 is 'job'; the template has 'jobs'"]
    assert no_prefix["api"] is None
    assert no_prefix["near_misses"][0]["path"] == "/api/v1/jobs/{job_id}"
    assert no_prefix["near_misses"][0]["reasons"] == ["the path lacks the API's prefix /crosmos"]


def test_another_method_is_a_near_miss_too(client: TestClient) -> None:
    assert client.delete(CROSMOS_JOB, headers=CROSMOS).status_code == 405
    (entry,) = journal(client)
    assert entry["near_misses"][0]["reasons"] == ["DELETE is not documented here; GET is"]


def test_log_requests_prints_one_line_with_the_first_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with TestClient(create_app(Config(clock="manual", journal=False, log=("requests",)))) as c:
        c.post(
            "/crosmos/api/v1/sources", json={"space_id": SPACE, "sources": [{}]}, headers=CROSMOS
        )
        assert c.get("/_mock/requests").status_code == 409  # --no-journal: nothing kept
        assert c.delete("/_mock/requests").status_code == 409
    line = capsys.readouterr().out.strip()
    method, path, status, ms, unit, problem = line.split(" ", 5)
    assert (method, path, status, unit) == ("POST", "/crosmos/api/v1/sources", "422", "ms")
    assert float(ms) >= 0 and problem.strip() == "body/sources/0/content: required"


def test_a_jobs_story_timeline_progress_body_and_polls(client: TestClient) -> None:
    job = client.post("/_mock/apis/matcher/jobs", json={"scenario": "completes"}).json()
    client.get(job["status_path"], headers=job["headers"])
    client.post(
        "/_mock/clock", json={"advance_seconds": 13}
    )  # fixtures: QUEUED 3 s, PROCESSING 20 s
    polled = client.get(job["status_path"], headers=job["headers"]).json()
    story = client.get(f"/_mock/apis/matcher/jobs/{job['id']}/story").json()
    assert [(p["status"], p["state"]) for p in story["phases"]] == [
        ("QUEUED", "done"),
        ("PROCESSING", "current"),
        ("COMPLETED", "next"),
    ]
    queued, processing, completed = story["phases"]
    assert (
        queued["ends_at"] == processing["starts_at"]
        and processing["ends_at"] == completed["starts_at"]
    )
    assert story["progress"] == pytest.approx(13 / 23, abs=1e-3)  # 13 of the 23 timed seconds
    assert story["body"] == polled  # what the status route serves now
    assert [p["status"] for p in story["polls"]] == [200, 200]
    assert story["job"]["status"] == "PROCESSING"  # reading the story moved nothing
    client.post(f"/_mock/apis/matcher/jobs/{job['id']}/transitions", json={"to": "FAILED"})
    story = client.get(f"/_mock/apis/matcher/jobs/{job['id']}/story").json()
    assert story["phases"][-1]["status"] == "FAILED" and story["phases"][-1]["state"] == "current"
    assert story["progress"] == 1
