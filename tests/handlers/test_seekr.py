"""SeekrFlow's ingestion job status route, each documented behaviour with its exact body.

Facts: seed 003 (the documented OpenAPI: IngestionResponse, IngestionFileRecord, the APIKeyHeader
scheme "without 'Bearer' prefix", a plain-string id) and apis.md §4 (ij-/ijf-/md-file- ids,
microsecond timestamps, method "best" by default and "speed-optimized" in the example, processing
~2 s after creation and completion ~1 min later). FastAPI's `{"detail": ...}` 401/404 bodies are
the overlay's inference; record progress, failures and queue depths are the fixture's inventions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.handlers.conftest import MockClient

ROUTE = "/v1/flow/alignment/ingestion/{ingestion_job_id}"
PREFIX = "/seekr/v1/flow/alignment/ingestion/"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
JOB_ID = re.compile(rf"^ij-{UUID}$")
RECORD_ID = re.compile(rf"^ijf-{UUID}$")
CONVERTED_ID = re.compile(rf"^md-file-{UUID}$")  # a converted file's id (apis.md §4 [DOC K3])
MICROS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
FIXTURE = yaml.safe_load((Path(__file__).parents[2] / "fixtures" / "seekr.yaml").read_text())
TENANTS = {t["name"]: t for t in FIXTURE["tenants"]}
SCENARIOS = {s["name"]: s for s in FIXTURE["scenarios"]}
RECORD_KEYS = [
    "record_id", "ingestion_job_id", "alignment_file_id", "user_id", "filename",
    "metaflow_job_id", "method", "status", "queue_position", "error_message", "suggested_fix",
    "worker_id", "deleted", "created_at", "processing_at", "completed_at", "failed_at",
]  # fmt: skip
NOT_FOUND = {"detail": "Ingestion job not found"}
NOT_AUTHENTICATED = {"detail": "Not authenticated"}


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for("seekr")
    return client


def poll(client: MockClient, job: dict[str, Any], **headers: str) -> Any:
    response = client.get(job["status_path"], headers={**job["headers"], **headers})
    client.assert_conforms("seekr", ROUTE, "get", response)
    return response


def body(client: MockClient, job: dict[str, Any]) -> dict[str, Any]:
    response = poll(client, job)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def at(stamp: str) -> float:
    assert MICROS.match(stamp), stamp
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def statuses(job: dict[str, Any]) -> list[str]:
    return [r["status"] for r in job["file_records"]]


def uploads(tenant: str, n: int | None = None) -> list[dict[str, str]]:
    files: list[dict[str, str]] = TENANTS[tenant]["data"]["files"]
    return files[:n] if n is not None else files


def test_a_queued_job_has_every_record_queued_with_documented_keys(mock_client: MockClient) -> None:
    job = mock_client.create("seekr", scenario="completes", tenant="acme")
    queued = body(mock_client, job)
    assert JOB_ID.match(queued["id"]) and queued["id"] == job["id"]
    assert list(queued) == ["id", "created_at", "status", "output_files", "file_records"]
    assert queued["status"] == "queued" and queued["output_files"] == []
    expected_files = uploads("acme", SCENARIOS["completes"]["fields"]["file_count"])
    ahead = SCENARIOS["completes"]["fields"]["queue_ahead"]
    assert len(queued["file_records"]) == len(expected_files)
    for i, (record, file) in enumerate(zip(queued["file_records"], expected_files, strict=True)):
        assert list(record) == RECORD_KEYS
        assert RECORD_ID.match(record["record_id"])
        assert CONVERTED_ID.match(record["alignment_file_id"])  # its own file, not the upload
        assert record == {
            "record_id": record["record_id"],
            "ingestion_job_id": job["id"],
            "alignment_file_id": record["alignment_file_id"],
            "user_id": TENANTS["acme"]["data"]["user_id"],
            "filename": file["filename"],
            "metaflow_job_id": None,
            "method": "best",  # the documented default
            "status": "queued",
            "queue_position": ahead + i + 1,  # behind other jobs' files, then its own
            "error_message": None,
            "suggested_fix": None,
            "worker_id": None,
            "deleted": False,  # the schema's default
            "created_at": queued["created_at"],
            "processing_at": None,
            "completed_at": None,
            "failed_at": None,
        }
    assert len({r["record_id"] for r in queued["file_records"]}) == len(expected_files)
    assert body(mock_client, job) == queued  # the same moment renders the same body


def test_a_job_walks_queued_running_completed_with_records_following(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("seekr", scenario="completes", tenant="acme")
    created = body(mock_client, job)
    assert mock_client.move("seekr", job["id"]).status_code == 200
    running = body(mock_client, job)
    assert running["status"] == "running"
    first, second = running["file_records"]
    assert first["status"] == "processing" and first["queue_position"] is None
    assert first["worker_id"] and first["metaflow_job_id"] and MICROS.match(first["processing_at"])
    assert second["status"] == "queued" and second["queue_position"] == 1
    assert running["output_files"] == []

    assert mock_client.move("seekr", job["id"]).status_code == 200
    done = body(mock_client, job)
    assert done["status"] == "completed"
    assert statuses(done) == ["completed", "completed"]
    # the documented example lists each completed record's alignment_file_id (apis.md §4 [DOC K3])
    assert done["output_files"] == [r["alignment_file_id"] for r in done["file_records"]]
    for before, record in zip(created["file_records"], done["file_records"], strict=True):
        assert record["record_id"] == before["record_id"]  # records keep their ids
        assert record["queue_position"] is None and record["failed_at"] is None
        assert record["error_message"] is None and record["suggested_fix"] is None
        assert at(record["created_at"]) <= at(record["processing_at"]) <= at(record["completed_at"])


def test_the_documented_single_file_example(mock_client: MockClient) -> None:
    # apis.md §4: speed-optimized; processing ~2 s after created_at, completed ~1 min later
    job = mock_client.create("seekr", scenario="completes-single-file", tenant="acme")
    mock_client.advance(2)
    running = body(mock_client, job)
    assert running["status"] == "running"
    (record,) = running["file_records"]
    assert record["method"] == "speed-optimized"
    assert at(record["processing_at"]) - at(record["created_at"]) == pytest.approx(2)
    mock_client.advance(60)
    done = body(mock_client, job)
    (record,) = done["file_records"]
    assert done["status"] == "completed" and record["status"] == "completed"
    assert at(record["completed_at"]) - at(record["processing_at"]) == pytest.approx(60)
    assert done["output_files"] == [record["alignment_file_id"]]
    assert CONVERTED_ID.match(record["alignment_file_id"])
    assert record["alignment_file_id"] != uploads("acme", 1)[0]["id"]  # converted, not uploaded
    for key in ("queue_position", "error_message", "suggested_fix", "failed_at"):
        assert record[key] is None


def test_records_start_staggered_and_queue_positions_fall(mock_client: MockClient) -> None:
    job = mock_client.create(
        "seekr", scenario="completes", tenant="globex", fields={"file_count": 4}
    )
    ahead = SCENARIOS["completes"]["fields"]["queue_ahead"]
    positions = [r["queue_position"] for r in body(mock_client, job)["file_records"]]
    assert positions == [ahead + 1, ahead + 2, ahead + 3, ahead + 4]
    mock_client.advance(3)  # the queued phase ends: record 0 starts
    seen = []
    for _ in range(40):
        current = body(mock_client, job)
        assert current["status"] == "running"
        seen.append(statuses(current))
        queued = [r["queue_position"] for r in current["file_records"] if r["status"] == "queued"]
        assert queued == list(range(1, len(queued) + 1))  # first waiting record is next in line
        assert len(current["output_files"]) == statuses(current).count("completed")
        mock_client.advance(1)
    assert seen[0] == ["processing", "queued", "queued", "queued"]
    assert ["completed", "completed", "completed", "processing"] in seen
    assert max(s.count("processing") for s in seen) == 2  # two workers at once
    done = body(mock_client, job)
    assert done["status"] == "completed" and len(done["output_files"]) == 4
    starts = [at(r["processing_at"]) for r in done["file_records"]]
    assert starts == sorted(starts) and len(set(starts)) == 4  # staggered, in order


def test_a_failing_file_fails_while_the_job_keeps_running_then_the_job_fails(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("seekr", scenario="fails", tenant="acme")
    failure = SCENARIOS["fails"]["fields"]["failures"]["scanned_policy_1998.pdf"]
    mock_client.advance(3 + 41)  # queued 3 s, then most of the running phase
    running = body(mock_client, job)
    assert running["status"] == "running"  # other files still converting
    assert statuses(running) == ["completed", "completed", "failed", "processing"]
    bad = running["file_records"][2]
    assert bad["filename"] == "scanned_policy_1998.pdf"
    assert bad["error_message"] == failure["error_message"]
    assert bad["suggested_fix"] == failure["suggested_fix"]
    assert MICROS.match(bad["failed_at"]) and bad["completed_at"] is None
    assert len(running["output_files"]) == 2

    mock_client.advance(10)
    failed = body(mock_client, job)
    assert failed["status"] == "failed"
    assert statuses(failed) == ["completed", "completed", "failed", "completed"]
    assert failed["file_records"][2] == bad  # a finished record no longer changes
    assert len(failed["output_files"]) == 3  # what did convert is listed


def test_stays_queued_positions_fall_as_other_jobs_start(mock_client: MockClient) -> None:
    job = mock_client.create("seekr", scenario="stays-queued", tenant="globex")
    ahead = SCENARIOS["stays-queued"]["fields"]["queue_ahead"]
    first = [r["queue_position"] for r in body(mock_client, job)["file_records"]]
    assert first == [ahead + 1, ahead + 2]
    mock_client.advance(1800)
    half = body(mock_client, job)
    assert half["status"] == "queued"
    middle = [r["queue_position"] for r in half["file_records"]]
    assert 1 < middle[0] < ahead + 1 and middle[1] == middle[0] + 1
    mock_client.advance(1799)
    assert [r["queue_position"] for r in body(mock_client, job)["file_records"]] == [1, 2]
    mock_client.advance(1)
    assert body(mock_client, job)["status"] == "running"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_scenario_walks_to_its_terminal_status(
    mock_client: MockClient, scenario: str
) -> None:
    job = mock_client.create("seekr", scenario=scenario, tenant="acme")
    walked = [body(mock_client, job)["status"]]
    while mock_client.move("seekr", job["id"]).status_code == 200:
        walked.append(body(mock_client, job)["status"])
    assert walked == [p["status"] for p in SCENARIOS[scenario]["phases"]]
    assert mock_client.move("seekr", job["id"]).status_code == 409  # terminal is absorbing


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_job_status_derives_from_its_records_at_every_moment(
    mock_client: MockClient, scenario: str
) -> None:
    job = mock_client.create("seekr", scenario=scenario, tenant="globex")
    phases = SCENARIOS[scenario]["phases"]
    step = sum(p.get("seconds", 0) for p in phases if p["status"] == "running") / 17
    previous: dict[str, Any] | None = None
    order = ["queued", "processing", "completed", "failed"]
    for _ in range(20):
        current = body(mock_client, job)
        records = statuses(current)
        if all(s == "queued" for s in records):
            assert current["status"] == "queued"
        elif {"queued", "processing"} & set(records):
            assert current["status"] == "running"
        else:
            assert current["status"] == ("failed" if "failed" in records else "completed")
        if previous is not None:
            for old, new in zip(previous["file_records"], current["file_records"], strict=True):
                assert order.index(new["status"]) >= min(order.index(old["status"]), 2)
                if old["status"] in ("completed", "failed"):
                    assert new == old
        previous = current
        if current["status"] == "queued":
            mock_client.move("seekr", job["id"])  # skip a long queue
        mock_client.advance(step)
    assert current["status"] == phases[-1]["status"]


def test_forcing_a_completing_job_to_failed_fails_a_record(mock_client: MockClient) -> None:
    job = mock_client.create("seekr", scenario="completes", tenant="acme")
    assert mock_client.move("seekr", job["id"], "failed").status_code == 200
    failed = body(mock_client, job)
    assert failed["status"] == "failed"
    assert statuses(failed) == ["completed", "failed"]
    assert failed["file_records"][1]["error_message"] and failed["file_records"][1]["suggested_fix"]


def test_forcing_a_failing_job_to_completed_completes_every_record(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("seekr", scenario="fails", tenant="acme")
    mock_client.move("seekr", job["id"], "running")
    assert mock_client.move("seekr", job["id"], "completed").status_code == 200
    done = body(mock_client, job)
    assert done["status"] == "completed" and set(statuses(done)) == {"completed"}
    assert len(done["output_files"]) == 4


def test_files_and_method_can_be_chosen_per_job(mock_client: MockClient) -> None:
    job = mock_client.create(
        "seekr",
        tenant="globex",
        fields={"files": ["sales_kickoff.pptx", "new_upload.pdf"], "method": "speed-optimized"},
    )
    records = body(mock_client, job)["file_records"]
    assert [r["filename"] for r in records] == ["sales_kickoff.pptx", "new_upload.pdf"]
    assert all(CONVERTED_ID.match(r["alignment_file_id"]) for r in records)
    assert {r["method"] for r in records} == {"speed-optimized"}


def test_seed_jobs_show_every_state_at_startup(mock_client: MockClient) -> None:
    seeds = {s["id"]: s for s in FIXTURE["jobs"]}
    assert {s["scenario"] for s in seeds.values()} == set(SCENARIOS)
    seen = set()
    for job in mock_client.http.get("/_mock/apis/seekr/jobs").json():
        if job["id"] in seeds:
            current = body(mock_client, job)
            seen.add(current["status"])
            records = current["file_records"]
            assert {r["user_id"] for r in records} == {TENANTS[job["tenant"]]["data"]["user_id"]}
    assert seen == {"queued", "running", "completed", "failed"}


def test_the_key_goes_in_authorization_without_bearer(mock_client: MockClient) -> None:
    job = mock_client.create("seekr", tenant="acme")
    key = TENANTS["acme"]["credentials"][0]["value"]
    assert job["headers"] == {"Authorization": key}
    assert poll(mock_client, job).status_code == 200
    bearer = mock_client.get(job["status_path"], headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 401 and bearer.json() == NOT_AUTHENTICATED
    mock_client.assert_conforms("seekr", ROUTE, "get", bearer)


def test_missing_and_unknown_keys_are_401(mock_client: MockClient) -> None:
    job = mock_client.create("seekr")
    missing = mock_client.get(job["status_path"])
    assert missing.status_code == 401 and missing.json() == NOT_AUTHENTICATED
    mock_client.assert_conforms("seekr", ROUTE, "get", missing)
    unknown = mock_client.get(job["status_path"], headers={"Authorization": "not-a-seekr-key"})
    assert unknown.status_code == 401 and unknown.json() == NOT_AUTHENTICATED
    mock_client.assert_conforms("seekr", ROUTE, "get", unknown)


def test_another_tenants_job_is_not_found(mock_client: MockClient) -> None:
    globex_job = mock_client.create("seekr", tenant="globex")
    acme = mock_client.tenant_headers("seekr", "acme")
    response = mock_client.get(globex_job["status_path"], headers=acme)
    assert response.status_code == 404 and response.json() == NOT_FOUND
    mock_client.assert_conforms("seekr", ROUTE, "get", response)


@pytest.mark.parametrize(
    "job_id",
    ["ij-00000000-0000-4000-8000-000000000000", "not-a-job-id", "12345", "ij-"],
)
def test_unknown_and_malformed_ids_are_simply_not_found(
    mock_client: MockClient, job_id: str
) -> None:
    headers = mock_client.tenant_headers("seekr", "acme")
    response = mock_client.get(PREFIX + job_id, headers=headers)
    assert response.status_code == 404 and response.json() == NOT_FOUND
    mock_client.assert_conforms("seekr", ROUTE, "get", response)


def test_unknown_routes_answer_fastapis_not_found(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers("seekr", "acme")
    response = mock_client.get("/seekr/v1/flow/no-such-thing", headers=headers)
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_time_moves_the_job_on_its_own(mock_client: MockClient) -> None:
    job = mock_client.create("seekr", scenario="completes")
    mock_client.advance(3)
    assert body(mock_client, job)["status"] == "running"
    mock_client.advance(40)
    assert body(mock_client, job)["status"] == "completed"


def test_poll_clock_moves_one_phase_per_poll(client_for: Any) -> None:
    client: MockClient = client_for("seekr", clock="poll")
    job = client.create("seekr", scenario="fails", tenant="acme")
    walked = [body(client, job)["status"] for _ in range(4)]
    assert walked == ["queued", "running", "failed", "failed"]
