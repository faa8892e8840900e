"""gu1 bulk imports: `GET /batch-import/jobs/{jobId}` and its `?include=failures` body.

Facts (apis.md §3): statuses queued -> running -> completed | failed | cancelled | interrupted; a
pending cancel still reads `running` with `metadata.batchCancelRequested` [DOC G1]; counters
totalItems/succeeded/failed/skipped, heartbeatAt/leaseExpiresAt, workerError, completedAt when
terminal, jobFailure {code, message} when the whole job aborted [DOC G1, G3]; `include=failures`
returns the kind's failures body, failures[] truncated past 500 with failuresTotal, skips[] and
skipsTotal for entities [DOC G2, G3]; the key needs one of transactions:create,
entities:bulk_import, events:create (else 403); an unknown id or another organisation's job
-> 404 [DOC G1].

Invented (apis.md [INF]): the `{success: false, error}` error body; every key present with null
rather than omitted; totalItems known from the upload on (counters 0 while queued); a 5 s
heartbeat and 30 s lease; `interrupted` some time after the lease lapsed; a job-level abort counts
every row failed with failures[] empty (specs/gu1.yaml's example); a malformed jobId is just an
unknown one (404: gu1's own example id is `abc-123`); unknown `include` values are ignored; row
codes other than DUPLICATE_EXTERNAL_ID and all row texts; skips[] capped at 500 like failures[];
batchCancelRequested kept once the job is cancelled.
"""

from __future__ import annotations

import math
import random
from typing import Any

from connexion.lifecycle import ConnexionRequest

from jobmock.binding import ApiContext
from jobmock.engine import JobView
from jobmock.envelopes import ErrorReply
from jobmock.errors import ApiError, Forbidden, NotFound
from jobmock.lifecycle import Job, count
from jobmock.timestamps import rfc3339

BATCH_SCOPES = frozenset({"transactions:create", "entities:bulk_import", "events:create"})
HEARTBEAT_SECONDS = 5.0  # invented; a job's `heartbeatSeconds` field overrides it
LEASE_SECONDS = 30.0  # invented; a job's `leaseSeconds` field overrides it
FAILURES_LIMIT = 500  # [DOC G3] `truncated` is true past 500 failures
# The messages of specs/gu1.yaml's (inferred) error examples.
MESSAGES = {401: "Unauthorized", 403: "Forbidden", 404: "Job not found"}


class Gu1Envelope:
    """`{success: false, error}`: the body specs/gu1.yaml infers for 401, 403 and 404."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        message = MESSAGES[401] if error.status == 401 else error.message
        message = message[:1].upper() + message[1:]
        return ErrorReply(
            error.status, {"success": False, "error": message}, headers=error.headers or None
        )


ENVELOPE = Gu1Envelope()


def stamp(t: float | None) -> str | None:
    return None if t is None else rfc3339(t, 3)


def counters(view: JobView) -> dict[str, int]:
    """succeeded = processed - failed - skipped, each counter a fraction of totalItems."""
    total = int(view.fields.get("totalItems", 0))
    at = {
        n: count(total, view.snapshot.counters.get(n, 0.0))
        for n in ("processed", "failed", "skipped")
    }
    succeeded = max(0, at["processed"] - at["failed"] - at["skipped"])
    return {
        "totalItems": total,
        "succeeded": succeeded,
        "failed": at["failed"],
        "skipped": at["skipped"],
    }


def worker_clock(view: JobView) -> tuple[float, float] | None:
    """(scenario seconds the job has been running, at which mock time); None if it never ran.

    Scenario time, so a forced move into a later `running` phase lands at that phase's offset, and
    the poll clock (phases end only by polls) holds still within a phase.
    """
    snap, scenario = view.snapshot, view.scenario
    started = snap.entered.get("running")
    if started is None:
        return None
    first = next((i for i, p in enumerate(scenario.phases) if p.status == "running"), None)
    if snap.phase is None or first is None:  # off the scenario: plain mock time since it started
        at = snap.phase_started_at if snap.terminal else view.now
        return at - started, at
    elapsed = snap.fraction * (scenario.phases[snap.phase].seconds or 0.0)
    ran = scenario.offsets[snap.phase] - scenario.offsets[first] + elapsed
    return ran, snap.phase_started_at + elapsed


def heartbeat(view: JobView) -> float | None:
    """The latest multiple of the heartbeat interval since running began, until the worker stops.

    Never before running began: when forced moves compress time, the lease may outlive the job.
    """
    clock = worker_clock(view)
    if clock is None:
        return None
    ran, at = clock
    stop = view.fields.get("heartbeatsStopAfter")
    beating = ran if stop is None else min(ran, float(stop))
    every = float(view.fields.get("heartbeatSeconds", HEARTBEAT_SECONDS))
    last = math.floor(beating / every + 1e-9) * every
    return max(view.snapshot.entered["running"], at - (ran - last))


def cancel_requested(view: JobView) -> bool:
    if view.status == "cancelled":
        return True
    after, clock = view.fields.get("cancelRequestedAfter"), worker_clock(view)
    return after is not None and clock is not None and clock[0] >= float(after) - 1e-9


def render(view: JobView) -> dict[str, Any]:
    """The light status payload, keys in the order of gu1's example."""
    snap, fields = view.snapshot, view.fields
    beat = heartbeat(view)
    metadata = dict(fields.get("metadata") or {})
    if cancel_requested(view):
        metadata["batchCancelRequested"] = True
    lease = float(fields.get("leaseSeconds", LEASE_SECONDS))
    worker_failed = snap.status in ("failed", "interrupted")
    job = {
        "jobId": view.job.id,
        "kind": fields.get("kind", "transaction_batch"),
        "status": snap.status,
        **counters(view),
        "heartbeatAt": stamp(beat),
        "leaseExpiresAt": stamp(None if beat is None else beat + lease),
        "workerError": fields.get("workerError") if worker_failed else None,
        "createdAt": stamp(view.job.created_at),
        "completedAt": stamp(snap.entered[snap.status]) if snap.terminal else None,
        "metadata": metadata,
        "jobFailure": fields.get("jobFailure") if snap.status == "failed" else None,
    }
    return {"success": True, "job": job}


# Row-level codes per kind: DUPLICATE_EXTERNAL_ID is gu1's [DOC G2, G3]; the others are invented.
ROW_CODES = {
    "transaction_batch": {
        "DUPLICATE_EXTERNAL_ID": 'A transaction with external ID "tx-{row:06d}" already exists',
        "ENTITY_NOT_FOUND": 'Entity with external ID "cust-{n:04d}" not found',
        "INVALID_AMOUNT": "amount must be a positive number",
    },
    "entity_automatic": {
        "DUPLICATE_EXTERNAL_ID": 'An entity with external ID "ent-{row:06d}" already exists',
        "INVALID_TAX_ID": "Tax ID {taxId} failed checksum validation",
        "MISSING_REQUIRED_FIELD": 'Field "name" is required',
    },
    "user_event_batch": {
        "USER_NOT_FOUND": 'User "usr_{n:04d}" not found',
        "INVALID_EVENT_TYPE": 'Unknown event type "evt_{n}"',
        "INVALID_TIMESTAMP": "timestamp must be an ISO 8601 date-time",
    },
}
TAX_PREFIXES = {"person": (20, 23, 27), "company": (30, 33)}  # 11-digit CUIT-like, as gu1's example


def row_values(job_id: str, row: int) -> dict[str, Any]:
    """The invented details of one row, the same on every poll (seeded by job id and row)."""
    rng = random.Random(f"gu1:{job_id}:{row}")
    party = rng.choice(("person", "company"))
    tax_id = f"{rng.choice(TAX_PREFIXES[party])}{rng.randrange(10**9):09d}"
    return {
        "row": row,
        "n": rng.randrange(10_000),
        "type": party,
        "taxId": tax_id,
        "pick": rng.random(),
    }


def failure_row(kind: str, job_id: str, row: int) -> dict[str, Any]:
    values, codes = row_values(job_id, row), ROW_CODES[kind]
    code = list(codes)[int(values["pick"] * len(codes))]
    where: dict[str, Any] = {
        "transaction_batch": {"externalId": f"tx-{row:06d}"},
        "entity_automatic": {"taxId": values["taxId"], "type": values["type"], "outcome": "failed"},
        "user_event_batch": {"row": row},
    }[kind]
    return {**where, "code": code, "message": codes[code].format(**values)}


def skip_row(job_id: str, row: int, manual: bool) -> dict[str, Any]:
    """[DOC G2] manual imports skip an existing taxId+type, automatic ones an existing entity."""
    values = row_values(job_id, row)
    code = "SKIPPED_DUPLICATE_TAX_ID" if manual else "SKIPPED_ENTITY_ALREADY_EXISTS"
    return {
        "taxId": values["taxId"],
        "type": values["type"],
        "outcome": "skipped_existing",
        "code": code,
    }


def failing_rows(view: JobView, failed: int, skipped: int) -> tuple[list[int], list[int]]:
    """Which rows fail and which are skipped, in file order: fixed per job, revealed as counted."""
    total = int(view.fields.get("totalItems", 0))
    final = {
        n: max(p.progress.get(n, 0.0) for p in view.scenario.phases) for n in ("failed", "skipped")
    }
    planned_failed = max(failed, count(total, final["failed"]))
    planned_skipped = max(skipped, count(total, final["skipped"]))
    rng = random.Random(f"gu1:{view.job.id}")
    rows = rng.sample(range(1, total + 1), min(total, planned_failed + planned_skipped))
    return sorted(rows[:planned_failed])[:failed], sorted(rows[planned_failed:])[:skipped]


def render_failures(view: JobView) -> dict[str, Any]:
    """The kind-specific failures body [DOC G2, G3]; empty failures[] when the whole job aborted."""
    fields, numbers = view.fields, counters(view)
    kind = fields.get("kind", "transaction_batch")
    job_failure = fields.get("jobFailure") if view.status == "failed" else None
    listed = 0 if job_failure else numbers["failed"]
    skipped = numbers["skipped"] if kind == "entity_automatic" else 0
    failing, skipping = failing_rows(
        view, min(listed, FAILURES_LIMIT), min(skipped, FAILURES_LIMIT)
    )
    manual = (fields.get("metadata") or {}).get("importMode", "manual") == "manual"  # [DOC G4]
    body: dict[str, Any] = {
        "success": True,
        "jobId": view.job.id,
        "kind": kind,
        "status": view.status,
        **numbers,
        "failures": [failure_row(kind, view.job.id, row) for row in failing],
        "jobFailure": job_failure,
        "truncated": listed > FAILURES_LIMIT,
        "failuresTotal": listed,
    }
    if kind == "entity_automatic":
        body["skips"] = [skip_row(view.job.id, row, manual) for row in skipping]
        body["skipsTotal"] = skipped
    return body


def status_path(job: Job) -> str:
    return f"/batch-import/jobs/{job.id}"


async def get_batch_job_status(ctx: ApiContext, jobId: str, include: str | None = None) -> Any:
    if not ctx.principal().scopes & BATCH_SCOPES:
        raise Forbidden(MESSAGES[403])
    try:  # any string is a possible jobId: a malformed one is simply not found
        view = await ctx.view(jobId)
    except NotFound:
        raise NotFound(MESSAGES[404]) from None
    wanted = {part.strip() for part in (include or "").split(",")}
    return render_failures(view) if "failures" in wanted else render(view)


OPERATIONS = {"getBatchJobStatus": get_batch_job_status}
