"""Lerian Matcher: the ingestion job route, the upload that starts a job, and a context's job list.

Facts (apis.md §1): the job is looked up under its context; a malformed jobId is 400 "invalid
job_id"; keys are Go `omitempty` (no startedAt while QUEUED, no failedRows while zero); errors are
`ErrorResponse {code, title, message}` of the documented generation (code = HTTP status as a
string, title = slug). The upload (multipart `file` + `format`) answers 202 with the job; its checks
run in the order of Matcher's Go handler, with its slugs and messages (`upload_file`); an
`X-Idempotency-Key` (or `Idempotency-Key`) replays the first answer with `X-Idempotency-Replayed`,
and is 409 `request_in_progress` while the first upload under it is being processed (at most
`Limits.idempotency_lease_s`: a claim whose upload never ended, its worker killed, runs out). As in
Matcher's idempotency middleware, the key is claimed before the upload is checked (a replay does
not read the new body), and a failed upload frees it for the next.
The list takes limit (1..200), cursor, sort_order and sort_by, with the Go handler's messages.

jobmock's choices where Matcher says nothing (inferred):
- `totalRows` is the file's data rows: CSV records after the header (blank lines skipped), JSON
  array elements, XML children of the root element; `failedRows` grows to the scenario's share;
- a file that cannot be read as its format (not UTF-8, broken JSON or XML) is 400
  `invalid_request` "failed to parse <format> file", checked where "no data rows" is;
- a body that is not multipart/form-data, or a broken one, is "file is required" (Go's
  `FormFile` fails the same way); a declared or streamed body over the limit is the 413 at once;
- idempotency keys are scoped as Matcher scopes them, by caller and request target: the tenant
  stands for the caller, and the target is the upload's context and source (the method is always
  POST); a replay is the first 202 body as it was (status QUEUED), however the job has moved since;
- list: cursors are opaque offsets; jobs without the sort field (startedAt, completedAt) sort as
  empty, ties by id; unknown sources of a context and sources without a field map come from the
  fixture (`contexts[].sources`, `contexts[].unmapped_sources`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import random
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jobmock import uploads
from jobmock.engine.mock import JobView
from jobmock.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    InvalidParameter,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from jobmock.fixtures.loading import Tenant
from jobmock.http.envelopes import ErrorReply
from jobmock.model.lifecycle import Job, count
from jobmock.model.timestamps import rfc3339, uuid7

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from jobmock.http.binding import ApiContext

# Messages of the general errors, as Matcher's error list documents them (apis.md §1 [DOC S3]).
# The envelope is the seed's generation (code = HTTP status, title = slug); that generation's own
# 401/403 wording was not found, so these documented sentences stand in (issue 17 M5, [INF]).
MESSAGES = {
    401: "The request could not be authenticated. Please verify your credentials and try again.",
    403: "You do not have permission to perform this action. Please verify your access level.",
    500: "an unexpected error occurred",
}

# Path parameters as Matcher's Go handlers name them in their 400 messages.
GO_NAMES = {"contextId": "context_id", "jobId": "job_id", "sourceId": "source_id"}
# The list route's query parameters, as its Go handler words their 400s (apis.md §1 [SRC S6]).
PAGINATION = "invalid pagination parameters"
QUERY_MESSAGES = {
    "sort_order": "invalid sort_order: must be asc or desc",
    "sort_by": "invalid sort_by: must be one of id, created_at, started_at, completed_at, status",
    "limit": PAGINATION,
    "cursor": PAGINATION,
}


class MatcherEnvelope:
    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        status, slug = error.status, error.slug
        message = MESSAGES.get(status, error.message)
        if isinstance(error, InvalidParameter):  # the served spec's `format: uuid` (overlay)
            message, slug = f"invalid {GO_NAMES.get(error.name, error.name)}", "invalid_request"
            message = QUERY_MESSAGES.get(error.name, message)
        elif isinstance(error, UnsupportedMediaType):  # a body that is not multipart: no file
            status, message, slug = 400, FILE_REQUIRED, "invalid_request"
        body = {"code": str(status), "title": slug, "message": message}
        request_id = request.headers.get("X-Request-Id")
        return ErrorReply(
            status, body, headers={"X-Request-Id": request_id} if request_id else None
        )


ENVELOPE = MatcherEnvelope()


@functools.lru_cache(maxsize=4096)  # a poller sends the same ids again and again
def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def render(view: JobView) -> dict[str, Any]:
    """The JobResponse body, keys in the Go struct's order, empty ones omitted."""
    job, snap, fields = view.job, view.snapshot, view.fields
    body: dict[str, Any] = {
        "id": job.id,
        "contextId": fields["contextId"],
        "sourceId": fields["sourceId"],
        "status": snap.status,
    }
    if fields.get("fileName"):
        body["fileName"] = fields["fileName"]
    # Rows are counted once the file is read, PROCESSING and FAILED included: Matcher's own
    # example (seed 000's JobResponse examples, apis.md §1 [DOC S1]) shows a PROCESSING job with
    # totalRows 1000 and failedRows 5. Issue 17 (M1) reads Matcher's Go source as setting them in
    # Complete() only; that source is not in our material, so the documented example wins.
    if snap.status != "QUEUED":
        total = int(fields.get("totalRows", 0))
        if total:
            body["totalRows"] = total
        failed = count(total, snap.counters.get("failed", 0.0))
        if failed:
            body["failedRows"] = failed
    # milliseconds, as the seed's examples write them (`2025-01-15T10:30:00.000Z`, [DOC S1]);
    # issue 17 M3 read `time.RFC3339` (no fraction) in the source: the seed wins for the spec
    if "PROCESSING" in snap.entered:
        body["startedAt"] = rfc3339(snap.entered["PROCESSING"], 3)
    if snap.terminal:
        body["completedAt"] = rfc3339(snap.entered[snap.status], 3)
    body["createdAt"] = rfc3339(job.created_at, 3)
    return body


def status_path(job: Job) -> str:
    return f"/v1/imports/contexts/{job.fields['contextId']}/jobs/{job.id}"


def new_job(
    seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    """A UUIDv7 id, as the seed's newer example ids (`019c96a0-10ce-75fc-…`, apis.md §1 [DOC
    S1]; issue 17 M4 read v4 in the source: the seed wins); the job goes to the tenant's first
    context and source unless told otherwise."""
    context = tenant.data["contexts"][0]
    fields = {"contextId": context["id"], "sourceId": context["sources"][0], **fields}
    return uuid7(now, rng.getrandbits(74)), fields


def owned_context(ctx: ApiContext, context_id: str) -> Mapping[str, Any]:
    """Context checks come first, as in Matcher: malformed 400, unknown 404, another tenant's 403."""
    if not is_uuid(context_id):
        raise BadRequest("invalid context_id", slug="invalid_request")
    for tenant in ctx.api.fixture.tenants.values():
        for context in tenant.data.get("contexts", ()):
            if context["id"] == context_id:
                if tenant.name != ctx.principal().tenant:
                    raise Forbidden(MESSAGES[403], slug="forbidden")
                found: Mapping[str, Any] = context
                return found
    raise NotFound("context not found", slug="not_found")


async def get_ingestion_job(ctx: ApiContext, contextId: str, jobId: str) -> Any:
    owned_context(ctx, contextId)
    if not is_uuid(jobId):
        raise BadRequest("invalid job_id", slug="invalid_request")
    try:
        view = await ctx.view(jobId)
    except NotFound:
        raise NotFound("job not found", slug="ingestion_job_not_found") from None
    if view.fields.get("contextId") != contextId:
        raise NotFound("job not found", slug="ingestion_job_not_found")
    request_id = ctx.header("X-Request-Id")
    return render(view), 200, ({"X-Request-Id": request_id} if request_id else {})


# --------------------------------------------------------------------------------------- upload
MAX_FILE_BYTES = 100 * 1024 * 1024  # "file exceeds 100MB limit" (apis.md §1 [SRC S6])
FORM_OVERHEAD = 64 * 1024  # part headers and the `format` field, on top of the file
FORMATS = ("csv", "json", "xml")
FILE_REQUIRED = "file is required"
# 409 `request_in_progress` of Matcher's idempotency middleware (internal/shared/adapters/http/
# idempotency.go, apis.md §1 [SRC S6]; MTCH-0018 in the code table)
IN_PROGRESS = "A request with this idempotency key is currently being processed"
# Part Content-Types accepted for each format; these pass for any format (apis.md §1 [SRC S6]).
CONTENT_TYPES = {
    "csv": {"text/csv", "application/csv"},
    "json": {"application/json"},
    "xml": {"application/xml", "text/xml"},
}
NEUTRAL_TYPES = {"", "application/octet-stream", "text/plain"}


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge("file exceeds 100MB limit", slug="request_entity_too_large")


def empty_file(message: str) -> BadRequest:
    return BadRequest(message, slug="ingestion_empty_file")


async def checked_upload(
    ctx: ApiContext, context: Mapping[str, Any], source_id: str, form: uploads.Form
) -> dict[str, Any]:
    """The new job's facts, after the Go handler's checks in its order (apis.md §1 [SRC S6])."""
    upload = form.file("file")
    if upload is None:
        raise BadRequest(FILE_REQUIRED)
    if not upload.size:
        raise empty_file("file is empty")
    if upload.size > MAX_FILE_BYTES:
        raise too_large()
    fmt = (form.field("format") or "").lower()  # as sent: the served spec's pattern has no spaces
    if not fmt:
        raise BadRequest("format is required", slug="ingestion_format_required")
    if fmt not in FORMATS:
        raise BadRequest("invalid format: must be one of csv, json, xml")
    content_type = uploads.media_type(upload)
    if content_type not in NEUTRAL_TYPES | CONTENT_TYPES[fmt]:
        raise BadRequest("file content type does not match declared format")
    if source_id in context.get("unmapped_sources", ()):
        raise NotFound("field mapping not found for source", slug="ingestion_field_map_not_found")
    if source_id not in context.get("sources", ()):
        raise NotFound("source not found", slug="ingestion_source_not_found")
    try:
        rows = await uploads.count_rows(upload, fmt, ctx.limits)
    except uploads.FileTooLarge as problem:  # jobmock's own bound, not Matcher's: its 413, named
        raise PayloadTooLarge(
            f"file exceeds limit: {problem.reason}", slug="request_entity_too_large"
        ) from None
    # [INF] wording and place: our material (apis.md §1) has no message for an unreadable file;
    # jobmock refuses it here, as the legacy envelope's 400
    except uploads.NotUtf8:
        raise BadRequest(f"failed to parse {fmt} file: invalid UTF-8") from None
    except uploads.UnreadableFile:
        raise BadRequest(f"failed to parse {fmt} file") from None
    if not rows:
        raise empty_file("file contains no data rows")
    return {
        "contextId": context["id"],
        "sourceId": source_id,
        "fileName": upload.filename or "upload",
        "totalRows": rows,
        "format": fmt,
        "contentType": content_type,
    }


async def upload_transaction_file(ctx: ApiContext, contextId: str, sourceId: str) -> Any:
    context = owned_context(ctx, contextId)
    headers = {}
    request_id = ctx.header("X-Request-Id")
    if request_id:
        headers["X-Request-Id"] = request_id
    tenant = ctx.principal().tenant
    key = ctx.header("X-Idempotency-Key") or ctx.header("Idempotency-Key")
    if not key:
        return await new_upload(ctx, context, sourceId), 202, headers
    try:
        scope = f"matcher:idempotency:{tenant}:{contextId}:{sourceId}"
        lease = ctx.mock.limits.idempotency_lease_s  # a crashed upload frees its key after this
        claim = await uploads.claim_key(ctx.mock.store, f"{scope}:{key}", lease)
    except uploads.KeyInProgress:
        raise Conflict(IN_PROGRESS, slug="request_in_progress") from None
    if claim.replay is not None:  # the first answer as it was, however the job has moved since
        return dict(claim.replay), 202, {**headers, "X-Idempotency-Replayed": "true"}
    answer = None
    try:
        answer = await new_upload(ctx, context, sourceId)
    finally:
        await claim.settle(answer)  # None: the upload failed, the key may be used again
    return answer, 202, {**headers, "X-Idempotency-Replayed": "false"}


async def new_upload(ctx: ApiContext, context: Mapping[str, Any], source_id: str) -> dict[str, Any]:
    """The job an upload starts, as the 202 answers it."""
    if not is_uuid(source_id):
        raise BadRequest("invalid source_id")
    try:
        async with uploads.read_form(MAX_FILE_BYTES + FORM_OVERHEAD, max_files=5) as form:
            facts = await checked_upload(ctx, context, source_id, form)
    except uploads.BodyTooLarge:
        raise too_large() from None
    except uploads.MalformedBody:
        raise BadRequest(FILE_REQUIRED) from None
    choice = ctx.api.fixture.choose(facts)
    job = await ctx.mock.create(
        ctx.name,
        scenario=choice.scenario,
        tenant=ctx.principal().tenant,
        fields=facts_to_fields(facts),
    )
    return render(await ctx.mock.describe(ctx.name, job))


def facts_to_fields(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: facts[k] for k in ("contextId", "sourceId", "fileName", "totalRows", "format")}


# ----------------------------------------------------------------------------------------- list
SORT_KEYS = {
    "id": "id",
    "created_at": "createdAt",
    "started_at": "startedAt",
    "completed_at": "completedAt",
    "status": "status",
}


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BadRequest(PAGINATION) from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise BadRequest(PAGINATION)
    return offset


async def list_ingestion_jobs(
    ctx: ApiContext,
    contextId: str,
    limit: int = 20,
    cursor: str | None = None,
    sort_order: str = "desc",
    sort_by: str = "created_at",
) -> Any:
    owned_context(ctx, contextId)
    offset = decode_cursor(cursor) if cursor else 0
    jobs = await ctx.mock.jobs(ctx.name, ctx.principal().tenant)
    bodies = [
        render(await ctx.mock.describe(ctx.name, job))
        for job in jobs
        if job.fields.get("contextId") == contextId
    ]
    key = SORT_KEYS[sort_by]
    bodies.sort(key=lambda b: (str(b.get(key, "")), b["id"]), reverse=sort_order == "desc")
    page: dict[str, Any] = {"items": bodies[offset : offset + limit]}
    if offset + limit < len(bodies):
        page["nextCursor"] = encode_cursor(offset + limit)
    if offset > 0:
        page["prevCursor"] = encode_cursor(max(0, offset - limit))
    page.update(limit=limit, hasMore="nextCursor" in page)
    request_id = ctx.header("X-Request-Id")
    return page, 200, ({"X-Request-Id": request_id} if request_id else {})


OPERATIONS = {
    "getIngestionJob": get_ingestion_job,
    "uploadTransactionFile": upload_transaction_file,
    "listIngestionJobs": list_ingestion_jobs,
}
