"""gu1 bulk imports: the uploads that start batch jobs, `GET /batch-import/jobs/{jobId}` and its
`?include=failures` body.

Facts (apis.md §3): statuses queued -> running -> completed | failed | cancelled | interrupted; a
pending cancel still reads `running` with `metadata.batchCancelRequested` [DOC G1]; counters
totalItems/succeeded/failed/skipped, heartbeatAt/leaseExpiresAt, workerError, completedAt when
terminal, jobFailure {code, message} when the whole job aborted [DOC G1, G3]; `include=failures`
returns the kind's failures body (handlers/gu1_failures.py) [DOC G2, G3]; the key needs one of
transactions:create, entities:bulk_import, events:create (else 403); an unknown id or another
organisation's job -> 404 [DOC G1].

Invented (apis.md [INF]): the `{success: false, error}` error body; heartbeatAt and
leaseExpiresAt null until a worker runs the job (workerError, completedAt and jobFailure are left
out until set: the seed says "present when"); totalItems known from the upload on (counters 0 while queued); a 5 s
heartbeat and 30 s lease; `interrupted` some time after the lease lapsed; a malformed jobId is just
an unknown one (404: gu1's own example id is `abc-123`); unknown `include` values are ignored;
batchCancelRequested kept once the job is cancelled.

Uploads [DOC G4, G5]: transactions (`/batch-import/import/transactions` and its alias
`/transactions/batch/upload`, 1-5 files of CSV/XLSX/XLS/JSON), entities (CSV) and user events (file
+ mappingId) answer 202 with `jobId`; the key needs the route's permission (transactions:create,
entities:bulk_import, events:create) and the organisation `batchUploadEnabled`; each file holds at
most the plan's rows (tenant `maxRowsPerFile`, never over the parser's 100,000). The job's kind
follows the route, `totalItems` is the upload's rows (files in order, numbered on across files),
and the rows its scenario fails or skips are rows of the upload (their externalId, taxId and type
read from the file where it has those columns). Invented: every error message, the check order
(permission, organisation flag, body, files, options, formats, rows), the 202 body beyond `jobId`
[INF], the 150 MB body limit, the `importMode` field name. A legacy .xls file's rows are read as
an .xlsx file's are (first sheet, after its header row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile

from jobmock import uploads
from jobmock.engine.mock import JobView
from jobmock.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from jobmock.http.envelopes import ErrorReply
from jobmock.model.lifecycle import Job, Scenario, Snapshot, count
from jobmock.model.timestamps import rfc3339

from . import gu1_failures as failures  # the `?include=failures` body

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from jobmock.http.binding import ApiContext

BATCH_SCOPES = frozenset({"transactions:create", "entities:bulk_import", "events:create"})
HEARTBEAT_SECONDS = 5.0  # invented; a job's `heartbeatSeconds` field overrides it
LEASE_SECONDS = 30.0  # invented; a job's `leaseSeconds` field overrides it
# The messages of specs/gu1.yaml's (inferred) error examples.
MESSAGES = {401: "Unauthorized", 403: "Forbidden", 404: "Job not found"}


class Gu1Envelope:
    """`{success: false, error}`: the body specs/gu1.yaml infers for 401, 403 and 404."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        status = error.status
        message = MESSAGES[401] if status == 401 else error.message
        if isinstance(error, UnsupportedMediaType):  # an upload that is not multipart: no file
            status, message = 400, NO_FILE
        message = message[:1].upper() + message[1:]
        return ErrorReply(
            status, {"success": False, "error": message}, headers=error.headers or None
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


# -------------------------------------------------------------------------------------- uploads
MAX_BODY_BYTES = 150 * 1024 * 1024  # inferred: the 150 MB gu1 documents for multi-source batches
ROW_CAP = 100_000  # [DOC G4] the parser's hard cap, whatever the plan
NO_FILE = "No file uploaded"
MEDIA_FORMATS = {
    "text/csv": "csv",
    "application/json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
}
BOOLEANS = {"true": True, "false": False}  # as the spec's `type: boolean` fields are sent
ERROR_HANDLING = ("stop_keep_success", "continue_collect_errors")
# Columns a row's identity is read from (any case, `_`/`-` ignored), for failures[] and skips[].
ROW_COLUMNS = {
    "externalId": ("externalId", "external_id", "transactionId", "transaction_id", "id"),
    "taxId": ("taxId", "tax_id", "cuit", "cuil", "document"),
    "type": ("type", "entityType", "entity_type", "personType"),
}


@dataclass(frozen=True)
class Route:
    """What an upload route imports: [DOC G4, G5]."""

    kind: str
    scope: str
    formats: tuple[str, ...]
    max_files: int = 1
    mapping_required: bool = False


TRANSACTIONS = Route("transaction_batch", "transactions:create", ("csv", "xlsx", "xls", "json"), 5)
ENTITIES = Route("entity_automatic", "entities:bulk_import", ("csv",))
USER_EVENTS = Route("user_event_batch", "events:create", ("csv", "xlsx", "xls", "json"), 1, True)


def refused(message: str) -> BadRequest:
    return BadRequest(message, slug="upload_refused")


def options(route: Route, form: uploads.Form, max_depth: int) -> dict[str, Any]:
    """The form's import options as job metadata, each checked."""
    found: dict[str, Any] = {}
    mapping = form.field("mappingId")
    if route.mapping_required and not mapping:
        raise refused("The mappingId field is required")
    if mapping:
        found["mappingId"] = mapping
    if route is TRANSACTIONS:
        for name in ("executeRules", "skipDuplicates", "validateExistingEntity"):
            value = form.field(name)
            if value is not None:
                if value.strip().lower() not in BOOLEANS:
                    raise refused(f"The {name} field must be true or false")
                found[name] = BOOLEANS[value.strip().lower()]
        handling = form.field("batchErrorHandling")
        if handling is not None:
            if handling not in ERROR_HANDLING:
                raise refused(
                    "The batchErrorHandling field must be one of " + ", ".join(ERROR_HANDLING)
                )
            found["batchErrorHandling"] = handling
        if form.field("columnMapping"):  # an empty field: no mapping
            try:
                parsed = form.json("columnMapping", max_depth)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                raise refused("The columnMapping field must be a JSON object")
            found["columnMapping"] = parsed
    if route is ENTITIES:
        mode = form.field("importMode") or "manual"
        if mode not in ("manual", "automatic"):
            raise refused("The importMode field must be manual or automatic")
        found["importMode"] = mode
    return found


async def read_files(
    ctx: ApiContext, route: Route, files: list[UploadFile], cap: int
) -> list[tuple[UploadFile, str, int]]:
    """Each file with its format and row count, checked against the caps."""
    read: list[tuple[UploadFile, str, int]] = []
    allowed = ", ".join(f.upper() for f in route.formats)
    for upload in files:
        name = upload.filename or "upload"
        by_type = MEDIA_FORMATS.get(uploads.media_type(upload), "csv")  # when the name has no
        fmt = name.rsplit(".", 1)[-1].lower() if "." in name else by_type  # extension
        if fmt not in route.formats:
            raise refused(f"Unsupported file type: {name} (use {allowed})")
        try:
            rows = await uploads.count_rows(upload, fmt, ctx.limits)
        except uploads.FileTooLarge as problem:
            if problem.limit == "upload_max_rows":  # the plan's cap answers, as for any long file
                raise refused(
                    f"File {name} has {problem.reason}; your plan allows at most {cap:,} per file"
                ) from None
            raise PayloadTooLarge(f"File {name} exceeds the limit: {problem.reason}") from None
        except uploads.NotUtf8:
            raise refused(f"Could not read {name}: not valid UTF-8") from None
        except uploads.UnreadableFile:
            raise refused(f"Could not read {name} as {fmt.upper()}") from None
        if not rows:
            raise refused(f"File {name} has no data rows")
        if rows > cap:
            raise refused(
                f"File {name} has {rows:,} rows; your plan allows at most {cap:,} per file"
            )
        read.append((upload, fmt, rows))
    return read


async def planned_rows(
    ctx: ApiContext, scenario: str, read: list[tuple[UploadFile, str, int]], seed: str
) -> dict[str, Any]:
    """Which of the upload's rows fail or are skipped, and what those rows say (job fields)."""
    total = sum(rows for _, _, rows in read)
    if not total:
        return {}
    chosen, counted = ctx.api.scenario(scenario), ("failed", "skipped")
    plan = uploads.scenario_plan(chosen, total, counted, seed, cap=failures.FAILURES_LIMIT)
    wanted = set(plan["failed"]) | set(plan["skipped"])
    values: dict[str, dict[str, str]] = {}
    offset = 0
    for upload, fmt, rows in read:
        local = {r - offset for r in wanted if offset < r <= offset + rows}
        for number, record in (await uploads.rows_at(upload, fmt, local, ctx.limits)).items():
            found = {k: uploads.first(record, *names) for k, names in ROW_COLUMNS.items()}
            values[str(offset + number)] = {k: v for k, v in found.items() if v}
        offset += rows
    return {"failureRows": plan["failed"], "skipRows": plan["skipped"], "rowValues": values}


async def start_batch(ctx: ApiContext, route: Route) -> Any:
    principal = ctx.principal()
    if route.scope not in principal.scopes:
        raise Forbidden(MESSAGES[403])
    tenant = ctx.api.fixture.tenants[principal.tenant]
    if tenant.data.get("batchUploadEnabled", True) is False:
        raise Forbidden("Batch upload is not enabled for this organization")
    cap = min(int(tenant.data.get("maxRowsPerFile", ROW_CAP)), ROW_CAP)
    try:
        async with uploads.read_form(MAX_BODY_BYTES, max_files=route.max_files + 5) as form:
            files = form.files.get("file", [])
            if not files:
                raise refused(NO_FILE)
            if len(files) > route.max_files:
                raise refused(f"Too many files: at most {route.max_files} per upload")
            metadata = options(route, form, ctx.limits.json_max_depth)
            if "columnMapping" in metadata and any(
                not (f.filename or "").lower().endswith(".csv") for f in files
            ):
                raise refused("The columnMapping field applies to CSV files only")
            read = await read_files(ctx, route, files, cap)
            names = [upload.filename or "upload" for upload, _, _ in read]
            metadata = {"fileName": names[0], **metadata}
            if len(names) > 1:
                metadata.update(fileCount=len(names), fileNames=names)
            fields: dict[str, Any] = {
                "kind": route.kind,
                "metadata": metadata,
                "totalItems": sum(rows for _, _, rows in read),
            }
            choice = ctx.api.fixture.choose({**fields, "fileNames": names})
            seed = f"gu1:{principal.tenant}:{names}:{fields.get('totalItems')}"
            fields.update(await planned_rows(ctx, choice.scenario, read, seed))
    except uploads.BodyTooLarge:
        raise PayloadTooLarge("Upload exceeds the 150 MB limit") from None
    except uploads.MalformedBody:
        raise refused(NO_FILE) from None
    job = await ctx.mock.create(
        ctx.name, scenario=choice.scenario, tenant=principal.tenant, fields=fields
    )
    view = await ctx.mock.describe(ctx.name, job)
    body = {
        "success": True,
        "jobId": job.id,
        "status": view.status,
        "message": "Batch import queued",
        "fileCount": len(read),
    }
    return body, 202


async def import_transactions(ctx: ApiContext) -> Any:
    return await start_batch(ctx, TRANSACTIONS)


async def upload_transactions_batch(ctx: ApiContext, validateGap: bool | None = None) -> Any:
    return await start_batch(ctx, TRANSACTIONS)


async def import_entities(ctx: ApiContext) -> Any:
    return await start_batch(ctx, ENTITIES)


async def import_user_events(ctx: ApiContext) -> Any:
    return await start_batch(ctx, USER_EVENTS)


OPERATIONS = {
    "getBatchJobStatus": get_batch_job_status,
    "importTransactions": import_transactions,
    "uploadTransactionsBatch": upload_transactions_batch,
    "importEntities": import_entities,
    "importUserEvents": import_user_events,
}
