"""Forced moves never show a job the vendor could not: over every scenario of every API, any mix
of clock advances and forced transitions (control API, `Prefer: status=`), each answer keeps the
vendor's invariants, and a job's timestamps never go backwards from one poll to the next.

The invariants, each from the vendor's material (apis.md, seeds), one registry entry per API:
a failed job has a failure reason; a started-only field is there once the job started and not
before; a terminal time is there once terminal; counters agree with the status; timestamps are
ordered within a body (created <= started <= finished).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.handlers.conftest import MockClient

FIXTURES = Path(__file__).parents[2] / "fixtures"
APIS = ("matcher", "crosmos", "gu1", "seekr", "claret")


def fixture(api: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((FIXTURES / f"{api}.yaml").read_text())
    return loaded


def at(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def ordered(*stamps: str | None) -> None:
    """The present ones, in order, never go backwards."""
    times = [at(s) for s in stamps if s is not None]
    assert times == sorted(times), stamps


# ------------------------------------------------------------------------------------- matcher
def matcher(body: dict[str, Any]) -> dict[str, str | None]:
    """Go's JobResponse (apis.md §1 [SRC S6]): startedAt omitted while QUEUED, set by Start();
    completedAt set by Complete() and Fail(), and Fail() only works on a started job."""
    status = body["status"]
    started, completed = body.get("startedAt"), body.get("completedAt")
    assert (started is None) == (status == "QUEUED"), body
    assert (completed is None) == (status in ("QUEUED", "PROCESSING")), body
    assert body.get("failedRows", 0) <= body.get("totalRows", 0) or "totalRows" not in body, body
    ordered(body["createdAt"], started, completed)
    return {"createdAt": body["createdAt"], "startedAt": started, "completedAt": completed}


# ------------------------------------------------------------------------------------- crosmos
def crosmos(body: dict[str, Any]) -> dict[str, str | None]:
    """The SDK's statuses and `result` (apis.md §2 [SRC C5]): no result before the job ends; a
    failed job says why; partial = some sources failed, not all."""
    status, result = body["status"], body["result"]
    started, completed = body["started_at"], body["completed_at"]
    if status != "cancelled":  # a cancel may come before a worker took the job, or after
        assert (started is None) == (status == "pending"), body
    finished = status in ("completed", "partial", "failed")
    assert (completed is not None) == finished, body
    assert (result is not None) == finished, body
    assert (body["error_message"] is not None) == (status == "failed"), body
    if result is not None:
        failed, ids = result["failed_source_ids"], body["source_ids"]
        expected = {"completed": len(failed) == 0, "failed": failed == ids}
        assert expected.get(status, 0 < len(failed) < len(ids)), body
    ordered(body["created_at"], started, completed)
    return {"created_at": body["created_at"], "started_at": started, "completed_at": completed}


# ----------------------------------------------------------------------------------------- gu1
def gu1(answer: dict[str, Any]) -> dict[str, str | None]:
    """gu1's field meanings (apis.md §3 [DOC G1]): heartbeats and a lease once a worker runs the
    job; completedAt when terminal; jobFailure and workerError when the whole job failed; an
    interrupted job's lease has run out; counters within totalItems, all of them once completed."""
    job = answer["job"]
    status, beat, lease = job["status"], job["heartbeatAt"], job["leaseExpiresAt"]
    assert (beat is None) == (status == "queued") and (lease is None) == (beat is None), job
    terminal = status in ("completed", "failed", "cancelled", "interrupted")
    # present when set, absent otherwise (seed 002: "present when status is failed", ...)
    assert ("completedAt" in job) == terminal, job
    assert ("jobFailure" in job) == (status == "failed"), job
    assert ("workerError" in job) == (status in ("failed", "interrupted")), job
    if status == "interrupted":
        ordered(lease, job["completedAt"])  # the lease ran out before the job was interrupted
    done = job["succeeded"] + job["failed"] + job["skipped"]
    assert done <= job["totalItems"], job
    if status in ("completed", "failed"):  # an aborted job failed what it had not done
        assert done == job["totalItems"], job
    ordered(job["createdAt"], beat, job.get("completedAt"))
    ordered(beat, lease)
    return {
        "createdAt": job["createdAt"],
        "heartbeatAt": beat,
        "completedAt": job.get("completedAt"),
    }


# --------------------------------------------------------------------------------------- seekr
def seekr(body: dict[str, Any]) -> dict[str, str | None]:
    """The job status derives from its records (handlers/seekr.py); a failed record says why and
    when (error_message, suggested_fix, failed_at); output_files are the completed records'
    converted files (apis.md §4 [DOC K3])."""
    status, records = body["status"], body["file_records"]
    states = [r["status"] for r in records]
    expected = {
        "queued": all(s == "queued" for s in states),
        "running": any(s in ("queued", "processing") for s in states)
        and any(s != "queued" for s in states),
        "completed": all(s == "completed" for s in states),
        "failed": "failed" in states and all(s in ("completed", "failed") for s in states),
    }
    assert expected[status], body
    done = [r["alignment_file_id"] for r in records if r["status"] == "completed"]
    assert body["output_files"] == done, body
    stamps: dict[str, str | None] = {"created_at": body["created_at"]}
    for r in records:
        state = r["status"]
        assert (r["processing_at"] is None) == (state == "queued"), r
        assert (r["queue_position"] is not None) == (state == "queued"), r
        assert (r["completed_at"] is not None) == (state == "completed"), r
        failed = state == "failed"
        assert (r["failed_at"] is not None) == failed == (r["error_message"] is not None), r
        ordered(r["created_at"], r["processing_at"], r["completed_at"] or r["failed_at"])
        for key in ("processing_at", "completed_at", "failed_at"):
            stamps[f"{r['record_id']}.{key}"] = r[key]
    return stamps


# -------------------------------------------------------------------------------------- claret
def claret(answer: dict[str, Any]) -> dict[str, str | None]:
    """Claret's field table (seed 004): started_at once running, completed_at once done,
    current_step null when done, the errors file for a failed job (`Download error file for
    details`), every step done when completed."""
    job = answer["content"]
    status, progress, stamps = job["status"], job["progress"], job["timestamps"]
    started, completed = stamps["started_at"], stamps["completed_at"]
    assert (started is None) == (status == "pending"), job
    assert (completed is None) == (status in ("pending", "in_progress")), job
    assert (progress["current_step"] is None) == (status != "in_progress"), job
    if status == "completed":
        assert progress["completed_steps"] == progress["total_steps"] and "output" in job["files"]
    if status == "failed":
        assert "errors" in job["files"], job
    assert progress["completed_steps"] <= progress["total_steps"], job
    ordered(started, completed)
    return {"started_at": started, "completed_at": completed}


INVARIANTS: dict[str, Callable[[dict[str, Any]], dict[str, str | None]]] = {
    "matcher": matcher,
    "crosmos": crosmos,
    "gu1": gu1,
    "seekr": seekr,
    "claret": claret,
}


def not_ahead(stamps: dict[str, str | None], now: str) -> None:
    """A stored job's times are all past: nothing the vendor shows is dated after the clock."""
    for key, stamp in stamps.items():
        assert stamp is None or at(stamp) <= at(now) + 1e-3, f"{key} {stamp} is after {now}"


def never_backwards(before: dict[str, str | None], after: dict[str, str | None]) -> None:
    for key, stamp in before.items():
        if stamp is not None:
            assert after.get(key) is not None, f"{key} was {stamp}, then went away"
            ordered(stamp, after[key])


def steps(api: str) -> st.SearchStrategy[list[tuple[str, Any]]]:
    statuses = fixture(api)["statuses"]
    targets = ["next", *statuses["order"], *statuses["terminal"]]
    step = st.one_of(
        st.tuples(st.just("advance"), st.sampled_from([0.5, 1, 3, 7, 15, 40, 3600])),
        st.tuples(st.just("force"), st.sampled_from(targets)),
    )
    return st.lists(step, min_size=1, max_size=6)


@pytest.mark.parametrize("api", APIS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_forced_moves_keep_the_vendors_invariants(
    client_for: Callable[..., MockClient], api: str, data: st.DataObject
) -> None:
    client = client_for(api)
    spec = fixture(api)
    scenario = data.draw(st.sampled_from([s["name"] for s in spec["scenarios"]]), "scenario")
    job = client.create(api, scenario=scenario)
    statuses = [*spec["statuses"]["order"], *spec["statuses"]["terminal"]]
    check = INVARIANTS[api]
    previous: dict[str, str | None] = {}
    for kind, value in data.draw(steps(api), "steps"):
        if kind == "advance":
            client.advance(value)
        else:
            moved = client.move(api, job["id"], value)
            assert moved.status_code in (200, 409), moved.text
        response = client.get(job["status_path"], headers=job["headers"])
        assert response.status_code == 200, response.text
        now = check(response.json())
        not_ahead(now, client.get("/_mock/clock").json()["now"])
        never_backwards(previous, now)
        previous = now
        for status in statuses:  # every screen Prefer can show, from here
            preferred = client.get(
                job["status_path"], headers={**job["headers"], "Prefer": f"status={status}"}
            )
            assert preferred.status_code == 200, preferred.text
            check(preferred.json())


def iso(seconds: float, digits: int) -> str:
    """An RFC 3339 UTC time with `digits` of fraction, as each vendor writes them."""
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return (stamp[: len(stamp) - 6 + digits] if digits else stamp[:-7]) + "Z"


def test_matcher_forced_from_queued_to_failed_has_started(client_for: Any) -> None:
    """Go's Fail() works on a started job only (apis.md §1 [SRC S6]): the forced job started and
    failed at the moment of the move, and keeps its file's rows."""
    client = client_for("matcher")
    job = client.create("matcher", scenario="completes")
    queued = client.get(job["status_path"], headers=job["headers"]).json()
    client.advance(1)
    assert client.move("matcher", job["id"], "FAILED").status_code == 200
    forced_at = iso(at(queued["createdAt"]) + 1, 3)
    body = client.get(job["status_path"], headers=job["headers"]).json()
    assert body == {
        **{k: queued[k] for k in ("id", "contextId", "sourceId", "fileName")},
        "status": "FAILED",
        "totalRows": queued.get("totalRows", 1000),  # the fixture's file (transactions_2024.csv)
        "startedAt": forced_at,
        "completedAt": forced_at,
        "createdAt": queued["createdAt"],
    }


def test_gu1_forced_from_running_to_failed_says_why(client_for: Any) -> None:
    """jobFailure is present when the whole job failed, workerError with it (apis.md §3 [DOC
    G1]); the rows it had not done failed with it."""
    client = client_for("gu1")
    job = client.create("gu1", scenario="completes")
    client.advance(3 + 15)  # queued 3 s, then half of its 30 s of running
    assert client.move("gu1", job["id"], "failed").status_code == 200
    body = client.get(job["status_path"], headers=job["headers"]).json()["job"]
    assert {k: body[k] for k in ("status", "totalItems", "succeeded", "failed", "skipped")} == {
        "status": "failed",
        "totalItems": 1200,
        "succeeded": 600,
        "failed": 600,
        "skipped": 0,
    }
    assert body["jobFailure"] == {"code": "BATCH_ABORTED", "message": "The batch job was aborted"}
    assert body["workerError"] == "Batch aborted"
    assert body["completedAt"] == iso(at(body["createdAt"]) + 18, 3)


def test_gu1_interrupt_is_refused_while_the_lease_runs(client_for: Any) -> None:
    """gu1 interrupts a job whose lease expired without a heartbeat (apis.md §3 [INF]): while the
    worker beats (every 5 s, lease 30 s: jobmock's inventions) the move is refused, naming when
    the lease lapses and what is reachable now."""
    client = client_for("gu1")
    job = client.create("gu1", scenario="completes")
    client.advance(3 + 12)  # running 12 s: heartbeats at 0, 5, 10 s
    created = at(client.get(job["status_path"], headers=job["headers"]).json()["job"]["createdAt"])
    refused = client.move("gu1", job["id"], "interrupted")
    assert refused.status_code == 409
    assert refused.json() == {
        "type": "https://jobmock.dev/problems/transition-refused",
        "title": "Conflict",
        "status": 409,
        "detail": "interrupted is not reachable from running yet: the worker's lease runs until "
        f"{iso(created + 13 + 30, 3)} (gu1 interrupts a job once it lapsed); "
        "reachable: completed, failed, cancelled",
    }
    assert client.get(job["status_path"], headers=job["headers"]).json()["job"]["status"] == (
        "running"
    )


def test_gu1_interrupt_is_forced_once_the_lease_lapsed(client_for: Any) -> None:
    """The `interrupted` scenario's worker stops beating 10 s into running: 45 s in, its lease
    has lapsed and the forced job is interrupted at the move, its last heartbeat kept."""
    client = client_for("gu1")
    job = client.create("gu1", scenario="interrupted")
    client.advance(2 + 45)
    assert client.move("gu1", job["id"], "interrupted").status_code == 200
    body = client.get(job["status_path"], headers=job["headers"]).json()["job"]
    created = at(body["createdAt"])
    assert (body["status"], body["heartbeatAt"], body["leaseExpiresAt"], body["completedAt"]) == (
        "interrupted",
        iso(created + 12, 3),
        iso(created + 42, 3),
        iso(created + 47, 3),
    )
    assert body["workerError"] == "Worker lease expired: no heartbeat received within 30s"
    assert "jobFailure" not in body  # present when failed only


def test_gu1_interrupt_after_a_forced_phase_keeps_its_heartbeat(client_for: Any) -> None:
    """Forced into the dead-worker phase, the heartbeat stays the one shown there (never back)."""
    client = client_for("gu1")
    job = client.create("gu1", scenario="interrupted")
    client.advance(3)
    assert client.move("gu1", job["id"], "next").status_code == 200  # the worker dies at 3 s
    client.advance(31)
    body = client.get(job["status_path"], headers=job["headers"]).json()["job"]
    assert client.move("gu1", job["id"], "interrupted").status_code == 200
    ended = client.get(job["status_path"], headers=job["headers"]).json()["job"]
    created = at(body["createdAt"])
    assert (body["heartbeatAt"], ended["heartbeatAt"], ended["completedAt"]) == (
        iso(created + 3, 3),
        iso(created + 3, 3),
        iso(created + 34, 3),
    )


def test_gu1_prefer_interrupted_previews_the_lapsed_lease(client_for: Any) -> None:
    """`Prefer: status=interrupted` renders, never stores: the job as it will read once its
    lease lapsed (completedAt = leaseExpiresAt, ahead of the clock), the worker's last beat kept."""
    client = client_for("gu1")
    job = client.create("gu1", scenario="completes")
    client.advance(3 + 12)
    preview = client.get(
        job["status_path"], headers={**job["headers"], "Prefer": "status=interrupted"}
    ).json()["job"]
    created = at(preview["createdAt"])
    assert (preview["status"], preview["heartbeatAt"], preview["completedAt"]) == (
        "interrupted",
        iso(created + 13, 3),
        iso(created + 43, 3),
    )


def test_crosmos_forced_from_pending_to_failed_has_started(client_for: Any) -> None:
    client = client_for("crosmos")
    job = client.create("crosmos", scenario="completes")
    client.advance(1)
    assert client.move("crosmos", job["id"], "failed").status_code == 200
    body = client.get(job["status_path"], headers=job["headers"]).json()
    forced_at = iso(at(body["created_at"]) + 1, 6).replace(".000000Z", "Z")
    assert (body["status"], body["started_at"], body["completed_at"]) == (
        "failed",
        forced_at,
        forced_at,
    )
    assert (
        body["error_message"] is not None
        and body["result"]["failed_source_ids"] == body["source_ids"]
    )


def test_a_refused_move_names_the_reachable_targets(client_for: Any) -> None:
    client = client_for("matcher")
    job = client.create("matcher", scenario="completes")
    assert client.move("matcher", job["id"], "PROCESSING").status_code == 200
    refused = client.move("matcher", job["id"], "QUEUED")
    assert refused.status_code == 409
    assert refused.json() == {
        "type": "https://jobmock.dev/problems/transition-refused",
        "title": "Conflict",
        "status": 409,
        "detail": "QUEUED is not reachable from PROCESSING; reachable: COMPLETED, FAILED",
    }
    assert client.move("matcher", job["id"], "COMPLETED").status_code == 200
    done = client.move("matcher", job["id"], "next")
    assert done.json()["detail"] == "job is already COMPLETED; reachable: none"


def test_gu1_poll_clock_interrupts_at_the_next_poll(client_for: Any) -> None:
    """`--clock poll` moves a job one phase per poll with no waiting: it compresses every duration,
    the lease too, so the dead worker's job is interrupted at the next poll, dated when its lease
    lapses (the one place a gu1 time is ahead of the clock)."""
    client = client_for("gu1", clock="poll")
    job = client.create("gu1", scenario="interrupted")
    bodies = [
        client.get(job["status_path"], headers=job["headers"]).json()["job"] for _ in range(5)
    ]  # each poll answers, then moves the job
    assert [b["status"] for b in bodies] == [
        "queued",
        "running",
        "running",
        "interrupted",
        "interrupted",
    ]
    assert bodies[3]["completedAt"] == bodies[3]["leaseExpiresAt"] == bodies[2]["leaseExpiresAt"]
