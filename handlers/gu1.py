"""gu1 bulk imports' batch jobs: `GET /batch-import/jobs/{jobId}`, its worker's heartbeat and lease,
and (handlers/gu1_failures.py) its `?include=failures` body.

Facts (apis.md §3): statuses queued -> running -> completed | failed | cancelled | interrupted; a
pending cancel still reads `running` with `metadata.batchCancelRequested` [DOC G1]; counters
totalItems/succeeded/failed/skipped, heartbeatAt/leaseExpiresAt, workerError, completedAt when
terminal, jobFailure {code, message} when the whole job aborted [DOC G1, G3]; `include=failures`
returns the kind's failures body (handlers/gu1_failures.py) [DOC G2, G3]; the key needs one of
transactions:create, entities:bulk_import, events:create (else 403); an unknown id or another
organisation's job -> 404 [DOC G1].

Invented (apis.md [INF]): heartbeatAt and leaseExpiresAt null until a worker runs the job
(workerError, completedAt and jobFailure are left out until set: the seed says "present when");
totalItems known from the upload on (counters 0 while queued); a 5 s heartbeat and 30 s lease;
`interrupted` some time after the lease lapsed; a malformed jobId is just an unknown one (404:
gu1's own example id is `abc-123`); unknown `include` values are ignored; batchCancelRequested
kept once the job is cancelled.

Uploads (`POST /batch-import/import/...`) are handlers/gu1_uploads.py's; the error body is
handlers/gu1_errors.py's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from jobmock.engine.mock import JobView
from jobmock.errors import Forbidden, NotFound
from jobmock.model.lifecycle import Job, Scenario, Snapshot, count
from jobmock.model.timestamps import rfc3339

from . import gu1_failures as failures  # the `?include=failures` body
from .gu1_errors import ENVELOPE as ENVELOPE  # the hook jobmock reads
from .gu1_errors import MESSAGES
from .gu1_uploads import (
    import_entities,
    import_transactions,
    import_user_events,
    upload_transactions_batch,
)

if TYPE_CHECKING:
    from jobmock.http.binding import ApiContext

BATCH_SCOPES = frozenset({"transactions:create", "entities:bulk_import", "events:create"})
HEARTBEAT_SECONDS = 5.0  # invented; a job's `heartbeatSeconds` field overrides it
LEASE_SECONDS = 30.0  # invented; a job's `leaseSeconds` field overrides it


def stamp(t: float | None) -> str | None:
    return None if t is None else rfc3339(t, 3)


def counters(view: JobView) -> dict[str, int]:
    """succeeded = processed - failed - skipped, each counter a fraction of totalItems."""
    total = int(view.fields.get("totalItems", 0))
    at = {
        n: count(total, view.snapshot.counters.get(n, 0.0))
        for n in ("processed", "failed", "skipped")
    }
    if view.snapshot.status == "completed":  # every row was done, however the job got here
        at["processed"] = total
    succeeded = max(0, at["processed"] - at["failed"] - at["skipped"])
    if view.snapshot.status == "failed":  # the whole job aborted: what was left failed with it
        at["failed"] = total - succeeded - at["skipped"]
    return {
        "totalItems": total,
        "succeeded": succeeded,
        "failed": at["failed"],
        "skipped": at["skipped"],
    }


def worker_clock(snap: Snapshot, scenario: Scenario, now: float) -> tuple[float, float] | None:
    """(scenario seconds the job has been running, at which mock time); None if it never ran.

    Scenario time, so a forced move into a later `running` phase lands at that phase's offset, and
    the poll clock (phases end only by polls) holds still within a phase.
    """
    started = snap.entered.get("running")
    if started is None:
        return None
    first = next((i for i, p in enumerate(scenario.phases) if p.status == "running"), None)
    if snap.phase is None or first is None:  # off the scenario: plain mock time since it started
        at = snap.phase_started_at if snap.terminal else now
        return at - started, at
    elapsed = snap.fraction * (scenario.phases[snap.phase].seconds or 0.0)
    ran = scenario.offsets[snap.phase] - scenario.offsets[first] + elapsed
    return ran, snap.phase_started_at + elapsed


def beat_of(view: JobView, snap: Snapshot, now: float) -> float | None:
    """The latest multiple of the heartbeat interval since running began, until the worker stops.

    Never before running began: when forced moves compress time, the lease may outlive the job.
    """
    clock = worker_clock(snap, view.scenario, now)
    if clock is None:
        return None
    ran, at = clock
    stop = view.fields.get("heartbeatsStopAfter")
    beating = ran if stop is None else min(ran, float(stop))
    every = float(view.fields.get("heartbeatSeconds", HEARTBEAT_SECONDS))
    last = math.floor(beating / every + 1e-9) * every
    return max(snap.entered["running"], at - (ran - last))


def heartbeat(view: JobView) -> float | None:
    """The worker's last heartbeat; an ended job's is the one it had when it ended (a worker that
    took it at the forced move and beat once when it never ran before)."""
    snap = view.snapshot
    if snap.before is None:
        return beat_of(view, snap, view.now)
    beat = beat_of(view, snap.before, snap.phase_started_at)
    return snap.entered.get("running") if beat is None else beat


def lease_lapses(view: JobView) -> float | None:
    beat = heartbeat(view)
    return None if beat is None else beat + float(view.fields.get("leaseSeconds", LEASE_SECONDS))


def refuse_move(view: JobView) -> str | None:
    """A forced move's job gu1 could not show: `interrupted` while the worker's lease still runs.

    gu1 interrupts a job whose lease expired without a heartbeat (apis.md §3 [INF]): forcing it
    earlier would date completedAt after the move, so the control API refuses until the lease
    lapsed (advance the clock, or let a scenario's worker stop beating: `heartbeatsStopAfter`).
    """
    lapses = lease_lapses(view)
    if view.status != "interrupted" or lapses is None or lapses <= view.now + 1e-6:
        return None
    return f"the worker's lease runs until {stamp(lapses)} (gu1 interrupts a job once it lapsed)"


# A job forced to failed or interrupted whose scenario names no failure still says why (wording
# invented, [INF]; the jobFailure is gu1_failures.job_failure's).
WORKER_ERRORS = {
    "failed": "Batch aborted",
    "interrupted": "Worker lease expired: no heartbeat received within {lease:g}s",
}


PRESENT_WHEN_SET = ("workerError", "completedAt", "jobFailure")


def failure_of(view: JobView) -> tuple[str | None, dict[str, Any] | None]:
    """(workerError, jobFailure): both for a failed job, the worker's error for an interrupted
    one [DOC G1], the scenario's own where it names them."""
    status, fields = view.snapshot.status, view.fields
    if status not in WORKER_ERRORS:
        return None, None
    lease = float(fields.get("leaseSeconds", LEASE_SECONDS))
    error = fields.get("workerError") or WORKER_ERRORS[status].format(lease=lease)
    if status == "interrupted":
        return error, None
    return error, failures.job_failure(view)


def cancel_requested(view: JobView) -> bool:
    if view.status == "cancelled":
        return True
    after = view.fields.get("cancelRequestedAfter")
    clock = worker_clock(view.snapshot, view.scenario, view.now)
    return after is not None and clock is not None and clock[0] >= float(after) - 1e-9


def render(view: JobView) -> dict[str, Any]:
    """The light status payload, keys in the order of gu1's example."""
    snap, fields = view.snapshot, view.fields
    beat, lapses = heartbeat(view), lease_lapses(view)
    metadata = dict(fields.get("metadata") or {})
    if cancel_requested(view):
        metadata["batchCancelRequested"] = True
    ended = snap.entered[snap.status] if snap.terminal else None
    if snap.status == "interrupted" and lapses is not None and ended is not None:
        ended = max(ended, lapses)  # a preview (Prefer) of an interrupt still to come
    failure = failure_of(view)
    job = {
        "jobId": view.job.id,
        "kind": fields.get("kind", "transaction_batch"),
        "status": snap.status,
        **counters(view),
        "heartbeatAt": stamp(beat),
        "leaseExpiresAt": stamp(lapses),
        "workerError": failure[0],
        "createdAt": stamp(view.job.created_at),
        "completedAt": stamp(ended),
        "metadata": metadata,
        "jobFailure": failure[1],
    }
    # gu1's field list: workerError "when the job failed at job level", completedAt "when
    # terminal", jobFailure "present when status is failed" (seed 002 [DOC G1]): absent otherwise
    for key in PRESENT_WHEN_SET:
        if job[key] is None:
            del job[key]
    return {"success": True, "job": job}


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
    return failures.render_failures(view, counters(view)) if "failures" in wanted else render(view)


OPERATIONS = {
    "getBatchJobStatus": get_batch_job_status,
    "importTransactions": import_transactions,
    "uploadTransactionsBatch": upload_transactions_batch,
    "importEntities": import_entities,
    "importUserEvents": import_user_events,
}
