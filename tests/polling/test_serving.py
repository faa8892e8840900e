"""A bound project folder: create answers the id where the document says, the status route moves
through the fixture's phases, every answer valid against the document (validate_responses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from tests.polling.conftest import KEY, REPORTS, served


def later(created: str, seconds: float) -> str:
    moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (moment + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_mock/clock", json={"advance_seconds": seconds}).status_code == 200


def test_create_answers_202_with_the_id_in_the_body_and_location(reports: TestClient) -> None:
    answer = reports.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
    assert answer.status_code == 202  # the document's only 2xx
    body = answer.json()
    assert answer.headers["location"] == f"/reports/{body['id']}"
    assert body == {
        "id": body["id"],
        "status": "queued",  # the first phase of the default scenario
        "kind": "sales",  # what was asked, echoed where names fit
        "format": "csv",
        "progress": 0,
        "rows_written": 0,
        "created_at": body["created_at"],
        "started_at": None,
        "finished_at": None,
        "download_url": None,
        "error": None,
    }
    assert len(body["id"]) == 20 and body["id"].startswith("rpt_")  # the parameter's pattern


def test_a_job_moves_through_the_succeeded_scenario(reports: TestClient) -> None:
    created = reports.post("/reports", json={"kind": "sales", "format": "pdf"}, headers=KEY)
    location, start = created.headers["location"], created.json()["created_at"]
    advance(reports, 7)  # queued 2 s, then 5 of running's 10 s: half of progress and rows
    running = reports.get(location, headers=KEY).json()
    assert running["status"] == "running"
    assert (running["progress"], running["rows_written"]) == (50, 600)  # of 100 and 1200
    assert running["started_at"] == later(start, 2)
    assert (running["finished_at"], running["download_url"], running["error"]) == (None,) * 3
    advance(reports, 5)
    done = reports.get(location, headers=KEY).json()
    assert done == {
        "id": created.json()["id"],
        "status": "succeeded",
        "kind": "sales",
        "format": "pdf",
        "progress": 100,
        "rows_written": 1200,
        "created_at": start,
        "started_at": later(start, 2),
        "finished_at": later(start, 12),
        "download_url": f"https://downloads.jobmock.invalid/reports/{created.json()['id']}",
        "error": None,
    }


def test_a_rule_picks_the_failed_scenario(reports: TestClient) -> None:
    created = reports.post("/reports", json={"kind": "customers", "format": "csv"}, headers=KEY)
    location, start = created.headers["location"], created.json()["created_at"]
    advance(reports, 60)
    failed = reports.get(location, headers=KEY).json()
    assert failed == {
        "id": created.json()["id"],
        "status": "failed",
        "kind": "customers",
        "format": "csv",
        "progress": 40,  # where the failed scenario's running phase ends
        "rows_written": 480,
        "created_at": start,
        "started_at": later(start, 2),
        "finished_at": later(start, 12),
        "download_url": None,
        "error": {"code": "failed", "message": "The data warehouse did not answer in time."},
    }


def test_transitions_and_prefer_status_move_it_too(reports: TestClient) -> None:
    created = reports.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
    job_id, location = created.json()["id"], created.headers["location"]
    seen = reports.get(location, headers={**KEY, "Prefer": "status=failed"}).json()
    assert (seen["status"], seen["error"]["message"]) == ("failed", "The job ended failed.")
    moved = reports.post(f"/_mock/apis/reports/jobs/{job_id}/transitions", json={"to": "next"})
    assert moved.status_code == 200
    assert reports.get(location, headers=KEY).json()["status"] == "running"


def test_an_unknown_job_is_the_documents_404(reports: TestClient) -> None:
    answer = reports.get("/reports/rpt_0000000000000000", headers=KEY)
    assert answer.status_code == 404
    assert set(answer.json()) == {"code", "message"}  # the document's Error schema


def test_without_the_api_key_401(reports: TestClient) -> None:
    answer = reports.post("/reports", json={"kind": "sales", "format": "csv"})
    assert answer.status_code == 401


def test_the_control_api_creates_jobs_of_each_scenario(reports: TestClient) -> None:
    scenarios = reports.get("/_mock/apis/reports/scenarios").json()
    assert [s["name"] for s in scenarios] == ["succeeded", "failed"]
    made = reports.post("/_mock/apis/reports/jobs", json={"scenario": "failed"})
    assert made.status_code == 201
    advance(reports, 12)
    path = made.json()["status_path"]
    assert reports.get(path, headers=KEY).json()["status"] == "failed"


def test_other_operations_stay_stateless(reports: TestClient) -> None:
    assert reports.get("/formats", headers=KEY).json() == ["csv", "pdf", "xlsx"]


def test_prefer_code_answers_the_documented_response(reports: TestClient) -> None:
    refused = reports.post(
        "/reports", json={"kind": "sales", "format": "csv"}, headers={**KEY, "Prefer": "code=422"}
    )
    assert refused.status_code == 422
    assert set(refused.json()) == {"code", "message"}  # the document's Error
    assert reports.get("/_mock/apis/reports/jobs").json() == []  # nothing was started


def test_faults_apply_to_the_status_route(reports: TestClient) -> None:
    created = reports.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
    fault = {"kind": "error", "api": "reports", "route": "getReport", "rate": 1}
    assert reports.put("/_mock/faults", json={"faults": [fault]}).status_code == 200
    busy = reports.get(created.headers["location"], headers=KEY)
    assert busy.status_code == 503  # the only 5xx getReport declares
    assert set(busy.json()) == {"code", "message"}
    assert (
        reports.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY).status_code
        == 202
    )


def test_the_poll_clock_moves_a_job_one_phase_per_poll() -> None:
    with served(REPORTS, clock="poll") as client:
        created = client.post("/reports", json={"kind": "sales", "format": "csv"}, headers=KEY)
        seen = [
            client.get(created.headers["location"], headers=KEY).json()["status"] for _ in range(4)
        ]
        assert seen == ["queued", "running", "succeeded", "succeeded"]


def test_the_banner_says_how_jobs_start_and_which_curl_works() -> None:
    from jobmock.config import Config
    from jobmock.serving.app import create_app
    from jobmock.serving.banner import banner

    config = Config(documents=(f"={REPORTS / 'openapi.yaml'}",))
    lines = banner(create_app(config).mock, config).splitlines()  # type: ignore[attr-defined]
    assert lines[3:5] == [
        "           jobs: POST /reports starts one, GET /reports/{reportId} polls it"
        " (scenarios: succeeded, failed)",
        "           curl -s -H 'X-API-Key: dev-reports-apiKey' http://127.0.0.1:8000/formats",
    ]


def test_under_a_prefix_beside_another_document() -> None:
    from jobmock.config import Config
    from jobmock.serving.app import create_app

    bookshelf = REPORTS.parent / "bookshelf" / "openapi.yaml"
    documents = (f"/shelf={bookshelf}", f"/reports={REPORTS / 'openapi.yaml'}")
    with TestClient(create_app(Config(documents=documents, clock="manual"))) as client:
        created = client.post(
            "/reports/reports", json={"kind": "sales", "format": "csv"}, headers=KEY
        )
        job_id = created.json()["id"]
        assert created.headers["location"] == f"/reports/reports/{job_id}"
        client.post("/_mock/clock", json={"advance_seconds": 12})
        polled = client.get(created.headers["location"], headers=KEY).json()
        assert (polled["id"], polled["status"]) == (job_id, "succeeded")
        assert client.get("/_mock/apis/shelf/scenarios").json() == []  # still stateless
