"""Lerian Matcher: `GET /v1/imports/contexts/{contextId}/jobs/{jobId}`.

Facts (apis.md §1): the job is looked up under its context; a malformed jobId is 400 "invalid
job_id"; keys are Go `omitempty` (no startedAt while QUEUED, no failedRows while zero); errors are
`ErrorResponse {code, title, message}` of the documented generation (code = HTTP status as a
string, title = slug).
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from connexion.lifecycle import ConnexionRequest

from jobmock.binding import ApiContext
from jobmock.engine import JobView
from jobmock.envelopes import ErrorReply
from jobmock.errors import ApiError, BadRequest, Forbidden, InvalidParameter, NotFound
from jobmock.fixtures import Tenant
from jobmock.lifecycle import Job, count
from jobmock.timestamps import rfc3339, uuid7

# Messages of the general errors, as Matcher's error list documents them (apis.md §1 [DOC S3]).
MESSAGES = {
    401: "The request could not be authenticated. Please verify your credentials and try again.",
    403: "You do not have permission to perform this action. Please verify your access level.",
    500: "an unexpected error occurred",
}


class MatcherEnvelope:
    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        message = MESSAGES.get(error.status, error.message)
        if isinstance(error, InvalidParameter):
            message = f"invalid {error.name}"
        body = {"code": str(error.status), "title": error.slug, "message": message}
        request_id = request.headers.get("X-Request-Id")
        return ErrorReply(
            error.status, body, headers={"X-Request-Id": request_id} if request_id else None
        )


ENVELOPE = MatcherEnvelope()


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
    if snap.status != "QUEUED":  # rows are counted once the file is read
        total = int(fields.get("totalRows", 0))
        if total:
            body["totalRows"] = total
        failed = count(total, snap.counters.get("failed", 0.0))
        if failed:
            body["failedRows"] = failed
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
    """A UUIDv7 id; the job goes to the tenant's first context and source unless told otherwise."""
    context = tenant.data["contexts"][0]
    fields = {"contextId": context["id"], "sourceId": context["sources"][0], **fields}
    return uuid7(now, rng.getrandbits(74)), fields


def owned_context(ctx: ApiContext, context_id: str) -> None:
    """Context checks come first, as in Matcher: malformed 400, unknown 404, another tenant's 403."""
    if not is_uuid(context_id):
        raise BadRequest("invalid context_id", slug="invalid_request")
    for tenant in ctx.api.fixture.tenants.values():
        if any(c["id"] == context_id for c in tenant.data.get("contexts", ())):
            if tenant.name != ctx.principal().tenant:
                raise Forbidden(MESSAGES[403], slug="forbidden")
            return
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


OPERATIONS = {"getIngestionJob": get_ingestion_job}
