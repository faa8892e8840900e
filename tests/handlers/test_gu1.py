"""gu1's batch job status route, each documented behaviour with its exact body.

Facts: seed 002 (gu1's prose), apis.md §3 and specs/gu1.yaml (transcribed from that prose, with the
inferred `{success: false, error}` error body and its example messages). Scenario timings come from
fixtures/gu1.yaml; the 5 s heartbeat and 30 s lease are handlers/gu1.py's (invented) defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.handlers.conftest import MockClient

API = "gu1"
ROUTE = "/batch-import/jobs/{jobId}"
STAMPS = ("heartbeatAt", "leaseExpiresAt", "completedAt")
LEASE = 30  # the worker's lease (jobmock's invention, handlers/gu1.py LEASE_SECONDS)
FULL_KEY = "gk_test_e1aff8882f00322dd052f667c35a51be"  # acme, every batch-import scope
READ_ONLY_KEY = "gk_test_c0677a52a54c3c6724e339aa0960e798"  # acme, none of them
SEEDED_ENTITY_JOB = "5d46ba73-4a71-4192-a7b0-668661762369"  # globex, scenario entities-with-skips
UNKNOWN = "0b7f5a4e-3c2d-4e1f-9a8b-7c6d5e4f3a2b"
NOT_FOUND = {"success": False, "error": "Job not found"}
UNAUTHORIZED = {"success": False, "error": "Unauthorized"}
FORBIDDEN = {"success": False, "error": "Forbidden"}


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for(API)
    return client


def poll(client: MockClient, job: dict[str, Any], include: str | None = None) -> Any:
    response = client.get(
        job["status_path"], headers=job["headers"], params={"include": include} if include else None
    )
    assert response.status_code == 200, response.text
    client.assert_conforms(API, ROUTE, "get", response)
    return response


def status(client: MockClient, job: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = poll(client, job).json()
    assert body["success"] is True
    job_body: dict[str, Any] = body["job"]
    return job_body


def failures(client: MockClient, job: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = poll(client, job, "failures").json()
    return body


def seconds(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 2)


def timeline(job: dict[str, Any]) -> dict[str, float | None]:
    """Each timestamp as seconds after createdAt (None while null or absent)."""
    return {key: seconds(job["createdAt"], job.get(key)) for key in STAMPS}


def without_stamps(job: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in job.items() if key not in (*STAMPS, "createdAt")}


def test_a_job_walks_queued_running_completed(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="completes", tenant="acme")
    queued = status(mock_client, job)
    assert without_stamps(queued) == {
        "jobId": job["id"],
        "kind": "transaction_batch",
        "status": "queued",
        "totalItems": 1200,
        "succeeded": 0,
        "failed": 0,
        "skipped": 0,
        "metadata": {
            "fileName": "transactions.csv",
            "batchErrorHandling": "continue_collect_errors",
        },
    }  # workerError, completedAt, jobFailure: present when set (seed 002)
    assert timeline(queued) == {"heartbeatAt": None, "leaseExpiresAt": None, "completedAt": None}

    mock_client.advance(3 + 12)  # queued 3 s, then 12 s of a 30 s run
    running = status(mock_client, job)
    assert (running["status"], running["succeeded"], running["failed"]) == ("running", 480, 0)
    # last heartbeat on the 5 s grid since running began (3 s), lease 30 s after it
    assert timeline(running) == {"heartbeatAt": 13.0, "leaseExpiresAt": 43.0, "completedAt": None}
    assert running["createdAt"] == queued["createdAt"]

    mock_client.advance(18)
    done = status(mock_client, job)
    assert without_stamps(done) == {
        **without_stamps(queued),
        "status": "completed",
        "succeeded": 1200,
    }
    assert timeline(done) == {"heartbeatAt": 33.0, "leaseExpiresAt": 63.0, "completedAt": 33.0}


def test_heartbeat_advances_every_five_seconds_while_running(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="completes")
    mock_client.advance(3)
    beats = []
    for _ in range(8):
        running = status(mock_client, job)
        beats.append((timeline(running)["heartbeatAt"], timeline(running)["leaseExpiresAt"]))
        mock_client.advance(2.5)
    assert beats == [
        (3.0, 33.0),
        (3.0, 33.0),
        (8.0, 38.0),
        (8.0, 38.0),
        (13.0, 43.0),
        (13.0, 43.0),
        (18.0, 48.0),
        (18.0, 48.0),
    ]


def test_completed_with_row_failures_lists_them(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="completes-with-failures", tenant="acme")
    mock_client.move(API, job["id"], "completed")
    light = status(mock_client, job)
    assert (light["totalItems"], light["succeeded"], light["failed"], light["skipped"]) == (
        1200,
        1197,
        3,
        0,
    )
    body = failures(mock_client, job)
    assert list(body) == [
        "success",
        "jobId",
        "kind",
        "status",
        "totalItems",
        "succeeded",
        "failed",
        "skipped",
        "failures",
        "truncated",
        "failuresTotal",
    ]  # no jobFailure: "only when status=failed" (apis.md §3 [DOC G3]; seed 002 "Present when")
    assert {k: v for k, v in body.items() if k != "failures"} == {
        "success": True,
        "jobId": job["id"],
        "kind": "transaction_batch",
        "status": "completed",
        "totalItems": 1200,
        "succeeded": 1197,
        "failed": 3,
        "skipped": 0,
        "truncated": False,
        "failuresTotal": 3,
    }
    assert len(body["failures"]) == 3
    for row in body["failures"]:
        assert set(row) == {"externalId", "code", "message"}
    assert len({row["externalId"] for row in body["failures"]}) == 3
    assert failures(mock_client, job) == body  # the same rows on every poll


def test_failure_rows_are_deterministic_per_job_id(client_for: Any) -> None:
    """Two mocks started from the same fixture show the seeded job's rows identically."""
    first, second = client_for(API), client_for(API)
    seeded = {
        "status_path": f"/gu1/batch-import/jobs/{SEEDED_ENTITY_JOB}",
        "headers": first.tenant_headers(API, "globex"),
    }
    assert failures(first, seeded) == failures(second, seeded)


def test_entity_import_has_skips_as_documented(mock_client: MockClient) -> None:
    # gu1's entity example: 100 items, 97 succeeded, 2 failed, 1 skipped (duplicate taxId)
    job = mock_client.create(API, scenario="entities-with-skips", tenant="globex")
    mock_client.advance(2 + 15)
    body = failures(mock_client, job)
    assert {k: v for k, v in body.items() if k not in ("failures", "skips")} == {
        "success": True,
        "jobId": job["id"],
        "kind": "entity_automatic",
        "status": "completed",
        "totalItems": 100,
        "succeeded": 97,
        "failed": 2,
        "skipped": 1,
        "truncated": False,
        "failuresTotal": 2,
        "skipsTotal": 1,
    }
    assert len(body["failures"]) == 2
    for row in body["failures"]:
        assert set(row) == {"taxId", "type", "outcome", "code", "message"}
        assert row["outcome"] == "failed" and row["type"] in ("person", "company")
        assert len(row["taxId"]) == 11 and row["taxId"].isdigit()
    [skip] = body["skips"]
    assert set(skip) == {"taxId", "type", "outcome", "code"}
    # manual bulk (gu1's default mode): same taxId+type already existed
    assert (skip["outcome"], skip["code"]) == ("skipped_existing", "SKIPPED_DUPLICATE_TAX_ID")


def test_automatic_entity_import_skips_as_already_exists(mock_client: MockClient) -> None:
    job = mock_client.create(
        API,
        scenario="entities-with-skips",
        fields={"metadata": {"fileName": "entities.csv", "importMode": "automatic"}},
    )
    mock_client.move(API, job["id"], "completed")
    [skip] = failures(mock_client, job)["skips"]
    assert skip["code"] == "SKIPPED_ENTITY_ALREADY_EXISTS"


def test_failures_past_500_are_truncated_with_the_full_count(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="many-failures")  # 20000 rows, 4% failing over 60 s
    mock_client.advance(2 + 30)
    half = failures(mock_client, job)
    assert (half["status"], half["failed"], half["failuresTotal"], half["truncated"]) == (
        "running",
        400,
        400,
        False,
    )
    assert len(half["failures"]) == 400

    mock_client.advance(30)
    done = failures(mock_client, job)
    assert (done["status"], done["failed"], done["failuresTotal"], done["truncated"]) == (
        "completed",
        800,
        800,
        True,
    )
    assert (done["succeeded"], len(done["failures"])) == (19200, 500)
    assert done["failures"][:400] == half["failures"]  # earlier rows stay as they were
    assert status(mock_client, job)["failed"] == 800


def test_user_event_import(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="user-events", tenant="globex")
    mock_client.move(API, job["id"], "completed")
    light = status(mock_client, job)
    assert (light["kind"], light["totalItems"], light["succeeded"], light["failed"]) == (
        "user_event_batch",
        500,
        495,
        5,
    )
    body = failures(mock_client, job)
    assert "skips" not in body and body["failuresTotal"] == 5
    rows = [row["row"] for row in body["failures"]]
    assert rows == sorted(rows) and all(1 <= row <= 500 for row in rows)
    assert all(set(row) == {"row", "code", "message"} for row in body["failures"])


def test_job_level_failure_has_job_failure_and_no_rows(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="fails", tenant="acme")
    mock_client.advance(2)
    running = status(mock_client, job)
    assert running["status"] == "running"  # no failure yet: the keys are absent (seed 002)
    assert "jobFailure" not in running and "workerError" not in running

    mock_client.advance(5)
    failed = status(mock_client, job)
    job_failure = {
        "code": "INVALID_ENTITY_REFERENCES",
        "message": "Some transactions reference entities that do not exist",
    }
    assert without_stamps(failed) == {
        "jobId": job["id"],
        "kind": "transaction_batch",
        "status": "failed",
        "totalItems": 250,
        "succeeded": 0,
        "failed": 250,
        "skipped": 0,
        "workerError": "Batch aborted: 14 transactions reference entities that do not exist",
        "metadata": {"fileName": "transfers.csv", "batchErrorHandling": "stop_keep_success"},
        "jobFailure": job_failure,
    }
    assert timeline(failed) == {"heartbeatAt": 7.0, "leaseExpiresAt": 37.0, "completedAt": 7.0}
    assert failures(mock_client, job) == {
        "success": True,
        "jobId": job["id"],
        "kind": "transaction_batch",
        "status": "failed",
        "totalItems": 250,
        "succeeded": 0,
        "failed": 250,
        "skipped": 0,
        "failures": [],
        "jobFailure": job_failure,
        "truncated": False,
        "failuresTotal": 0,
    }


def test_cancel_reads_running_with_batch_cancel_requested_before_it_lands(
    mock_client: MockClient,
) -> None:
    job = mock_client.create(API, scenario="cancelled")
    mock_client.advance(2 + 11)
    before = status(mock_client, job)
    assert before["status"] == "running" and "batchCancelRequested" not in before["metadata"]

    mock_client.advance(1)  # 12 s into running: the cancel is requested
    pending = status(mock_client, job)
    assert (
        pending["status"],
        pending["metadata"]["batchCancelRequested"],
        pending.get("completedAt"),
    ) == ("running", True, None)
    assert pending["succeeded"] == 2000

    mock_client.advance(6)
    cancelled = status(mock_client, job)
    assert (cancelled["status"], cancelled["metadata"]["batchCancelRequested"]) == (
        "cancelled",
        True,
    )
    assert (cancelled["succeeded"], cancelled["failed"]) == (2100, 0)
    assert timeline(cancelled)["completedAt"] == 20.0


def test_a_forced_move_lands_in_the_cancel_pending_phase(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="cancelled")
    mock_client.move(API, job["id"])  # running
    assert "batchCancelRequested" not in status(mock_client, job)["metadata"]
    mock_client.move(API, job["id"])  # the second running phase: cancel pending
    pending = status(mock_client, job)
    assert (pending["status"], pending["metadata"]["batchCancelRequested"]) == ("running", True)


def test_lease_lapses_then_the_job_is_interrupted(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="interrupted", tenant="globex")
    mock_client.advance(2 + 10)  # the worker's last heartbeat, 10 s into running
    alive = status(mock_client, job)
    assert timeline(alive)["heartbeatAt"] == 12.0 and alive["succeeded"] == 900

    mock_client.advance(31)  # heartbeats stopped: the lease ran out at 42 s
    lapsed = status(mock_client, job)
    assert lapsed["status"] == "running" and lapsed["succeeded"] == 900
    assert timeline(lapsed) == {"heartbeatAt": 12.0, "leaseExpiresAt": 42.0, "completedAt": None}

    mock_client.advance(14)  # interrupted 55 s into running
    interrupted = status(mock_client, job)
    assert without_stamps(interrupted) == {
        "jobId": job["id"],
        "kind": "entity_automatic",
        "status": "interrupted",
        "totalItems": 3000,
        "succeeded": 900,
        "failed": 0,
        "skipped": 0,
        "workerError": "Worker lease expired: no heartbeat received within 30s",
        "metadata": {"fileName": "merchants.csv", "importMode": "automatic"},
    }  # no jobFailure: present when the job failed (seed 002)
    assert timeline(interrupted) == {
        "heartbeatAt": 12.0,
        "leaseExpiresAt": 42.0,
        "completedAt": 57.0,
    }


def test_a_stuck_queue_stays_queued(mock_client: MockClient) -> None:
    job = mock_client.create(API, scenario="stays-queued")
    mock_client.advance(600)
    queued = status(mock_client, job)
    assert (queued["status"], queued["heartbeatAt"], queued["succeeded"]) == ("queued", None, 0)


@pytest.mark.parametrize(
    ("scenario", "terminal"),
    [
        ("completes", "completed"),
        ("completes-with-failures", "completed"),
        ("entities-with-skips", "completed"),
        ("many-failures", "completed"),
        ("user-events", "completed"),
        ("fails", "failed"),
        ("cancelled", "cancelled"),
        ("interrupted", "interrupted"),
        ("stays-queued", "completed"),
    ],
)
def test_every_scenario_walks_to_its_terminal_status(
    mock_client: MockClient, scenario: str, terminal: str
) -> None:
    job = mock_client.create(API, scenario=scenario, tenant="acme")
    seen = []
    for _ in range(5):
        light = status(mock_client, job)
        failures(mock_client, job)  # conforms in every phase too
        seen.append(light["status"])
        if light["status"] == terminal:
            break
        mock_client.advance(1)
        moved = mock_client.move(API, job["id"])
        if moved.status_code == 409 and " yet: " in moved.json()["detail"]:
            mock_client.advance(LEASE)  # interrupted once the dead worker's lease lapsed
            moved = mock_client.move(API, job["id"])
        assert moved.status_code == 200, moved.text
    assert seen[0] == "queued" and seen[-1] == terminal
    assert (light["completedAt"] is not None) and light["createdAt"] <= light[
        "heartbeatAt"
    ] <= light["completedAt"]
    assert mock_client.move(API, job["id"]).status_code == 409  # terminal is absorbing


def test_every_seed_job_is_in_flight_at_startup(mock_client: MockClient) -> None:
    jobs = mock_client.get("/_mock/apis/gu1/jobs").json()
    assert {job["scenario"] for job in jobs} == {
        s["name"] for s in mock_client.get("/_mock/apis/gu1/scenarios").json()
    }
    statuses = set()
    for job in jobs:
        statuses.add(status(mock_client, job)["status"])
        failures(mock_client, job)
    assert statuses == {"queued", "running", "completed", "failed"}


def test_include_lists_are_comma_separated_and_other_values_ignored(
    mock_client: MockClient,
) -> None:
    job = mock_client.create(API)
    assert "job" in poll(mock_client, job, "history").json()
    assert poll(mock_client, job, "history, failures").json()["failuresTotal"] == 0


def test_missing_or_unknown_key_is_401(mock_client: MockClient) -> None:
    job = mock_client.create(API)
    for headers in (
        {},
        {"Authorization": "Bearer gk_test_unknown"},
        {"Authorization": f"Basic {FULL_KEY}"},
    ):
        response = mock_client.get(job["status_path"], headers=headers)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
        mock_client.assert_conforms(API, ROUTE, "get", response)


def test_a_key_without_batch_import_scopes_is_403(mock_client: MockClient) -> None:
    job = mock_client.create(API, tenant="acme")
    for path in (job["status_path"], f"/gu1/batch-import/jobs/{UNKNOWN}"):
        response = mock_client.get(path, headers={"Authorization": f"Bearer {READ_ONLY_KEY}"})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        mock_client.assert_conforms(API, ROUTE, "get", response)


def test_one_scope_is_enough(mock_client: MockClient) -> None:
    # globex's key has entities:bulk_import and events:create only; it still reads transaction jobs
    job = mock_client.create(API, tenant="globex", scenario="completes")
    assert status(mock_client, job)["kind"] == "transaction_batch"


@pytest.mark.parametrize(
    "job_id", [UNKNOWN, "abc-123", "not a uuid", "4F28285D-AADB-48B8-8AD3-330CB4EB6F4C"]
)
def test_unknown_or_malformed_ids_are_404(mock_client: MockClient, job_id: str) -> None:
    response = mock_client.get(
        f"/gu1/batch-import/jobs/{job_id}", headers={"Authorization": f"Bearer {FULL_KEY}"}
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_another_organisations_job_is_404(mock_client: MockClient) -> None:
    globex_job = mock_client.create(API, tenant="globex")
    response = mock_client.get(
        globex_job["status_path"], headers=mock_client.tenant_headers(API, "acme")
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    with_failures = mock_client.get(
        globex_job["status_path"],
        headers=mock_client.tenant_headers(API, "acme"),
        params={"include": "failures"},
    )
    assert (with_failures.status_code, with_failures.json()) == (404, NOT_FOUND)
    mock_client.assert_conforms(API, ROUTE, "get", response)


def test_the_api_envelope_covers_unknown_routes_and_methods(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers(API, "acme")
    route = mock_client.get("/gu1/batch-import/unknown", headers=headers)
    assert (route.status_code, route.json()) == (404, {"success": False, "error": "Not found"})
    method = mock_client.http.delete(f"/gu1/batch-import/jobs/{UNKNOWN}", headers=headers)
    assert (method.status_code, method.json()) == (
        405,
        {"success": False, "error": "Method not allowed"},
    )
