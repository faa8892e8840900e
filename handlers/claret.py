"""Claret: `GET /{tenant}/api/v1/imports/status/{job_log_id}`.

Facts (seed 004, apis.md §5): statuses pending, in_progress, completed, failed; an inventory import
has 8 steps, `current_step` names the running one and is null when done; `files` categories appear
as the job gets there (input right away, staging after validation, output on completion, errors if
records failed); timestamps without fraction; unknown or inaccessible job -> 422 with the documented
body. Tokens are Laravel Sanctum's `<id>|<40 chars>` and clients send `X-Requested-With`.

jobmock's choices where Claret says nothing (inferred; the 401 is in specs/claret.overlay.yaml):
- a tenant in the path other than the token's answers the documented 422, like another tenant's job
  ("not found or you do not have access"), not 401;
- a job_log_id that is not an integer answers the same 422 body (no such job log can exist); the
  router (integer converter) turns it away before authentication, so it is 422 even without a token;
- 401 is Laravel's `{"message": "Unauthenticated."}`; other errors are Laravel's `{"message"}`;
- `current_step` is null while pending; a failed job keeps its completed_steps, has completed_at set
  and an errors file; the path segment after the date is the user id.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

from connexion.lifecycle import ConnexionRequest

from jobmock.binding import ApiContext
from jobmock.engine import JobView
from jobmock.envelopes import ErrorReply
from jobmock.errors import (
    ApiError,
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    Unprocessable,
)
from jobmock.fixtures import Tenant
from jobmock.lifecycle import Job, count
from jobmock.timestamps import rfc3339

BASE_URL = "https://plan.claret.app"
JOB_LOGS = "settings/application-maintenance/job-management/imports/logs"  # the UI's job page
FIRST_NEW_ID = 12400  # jobs created at run time count on from here, past the fixture's seed ids
CLIENT_HEADERS = {"X-Requested-With": "XMLHttpRequest"}  # apis.md §5 [DOC L4]

NOT_FOUND_MESSAGE = "Job not found or you do not have access to this job."
NOT_FOUND_BODY = {"message": NOT_FOUND_MESSAGE, "error": {"error": "Job log ID does not exist"}}
# The status route with a job_log_id connexion's integer path converter refused (so: unrouted, 404).
STATUS_ROUTE = re.compile(r"^/claret/[^/]+/api/v1/imports/status/[^/]+$")


class ClaretEnvelope:
    """Claret's documented 422 for missing jobs; Laravel's `{"message"}` shapes for the rest."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        if isinstance(error, InvalidParameter | Unprocessable):
            return ErrorReply(422, NOT_FOUND_BODY)
        if isinstance(error, Unauthorized):
            return ErrorReply(401, {"message": "Unauthenticated."})
        route = request.url.path.removeprefix("/claret").lstrip("/")
        if isinstance(error, NotFound):  # Laravel's router wording for an unknown route
            return ErrorReply(404, {"message": f"The route {route} could not be found."})
        if isinstance(error, MethodNotAllowed):
            supported = f"The {request.method} method is not supported for route {route}."
            return ErrorReply(405, {"message": f"{supported} Supported methods: GET, HEAD."})
        if error.status >= 500:  # Laravel hides server errors outside debug mode
            return ErrorReply(error.status, {"message": "Server Error"})
        return ErrorReply(error.status, {"message": error.message}, headers=error.headers or None)


ENVELOPE = ClaretEnvelope()


def job_not_found() -> Unprocessable:
    return Unprocessable(NOT_FOUND_MESSAGE, slug="job_not_found")


def files(view: JobView, done: int) -> dict[str, list[str]]:
    """The file categories the job has reached, with paths shaped like Claret's example."""
    job, fields, snap = view.job, view.fields, view.snapshot
    created = datetime.fromtimestamp(job.created_at, UTC)
    uploads = f"/{job.tenant}/download/{job.tenant}/user-uploads/{fields['type']}"
    stem = (
        f"{uploads}/{created:%Y-%m-%d}/{fields['user_id']}/{fields['upload_name']}_{created:%Y%m%d}"
    )
    validated = snap.status == "completed" or done >= int(fields["staging_after_steps"])
    found: dict[str, list[str]] = {"input": [f"{stem}_untouched.csv"]}  # there from the upload on
    if validated:
        found["staging"] = [f"{stem}_staging.csv"]
    if snap.status == "completed":
        found["output"] = [f"{stem}_final.csv"]
    if snap.status == "failed" or (validated and int(fields.get("failed_records", 0)) > 0):
        found["errors"] = [f"{stem}_errors.csv"]
    return found


def render(view: JobView) -> dict[str, Any]:
    """The status body, keys in the order of Claret's example."""
    job, snap, fields = view.job, view.snapshot, view.fields
    steps: list[str] = list(fields["steps"])
    total = len(steps)
    done = count(total, snap.counters.get("steps", 0.0))
    if snap.status == "completed":
        done = total
    elif not snap.terminal:
        done = min(done, total - 1)  # a running job has a step still to do
    started = snap.entered.get("in_progress")
    ended = snap.entered[snap.status] if snap.terminal else None
    content = {
        "job_log_id": int(job.id),
        "status": snap.status,
        "type": fields["type"],
        "description": fields["description"],
        "progress": {
            "completed_steps": done,
            "total_steps": total,
            "current_step": steps[done] if snap.status == "in_progress" else None,
        },
        "files": files(view, done),
        "job_status_link": f"{BASE_URL}/{job.tenant}/{JOB_LOGS}/{job.id}",
        "timestamps": {
            "started_at": rfc3339(started) if started is not None else None,
            "completed_at": rfc3339(ended) if ended is not None else None,
        },
        "user_id": int(fields["user_id"]),
    }
    return {"message": "Job status retrieved successfully", "content": content}


def status_path(job: Job) -> str:
    return f"/{job.tenant}/api/v1/imports/status/{job.id}"


def new_job(
    seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    """Integer ids from the API's sequence; the job belongs to the tenant's first token's user."""
    user_id = tenant.credentials[0].attributes.get("user_id", 1)
    return str(FIRST_NEW_ID + seq), {"user_id": user_id, **fields}


async def get_import_job_status(ctx: ApiContext, tenant: str, job_log_id: int) -> Any:
    if tenant != ctx.principal().tenant:
        raise job_not_found()
    try:
        view = await ctx.view(str(job_log_id))
    except NotFound:
        raise job_not_found() from None
    return render(view)


OPERATIONS = {"getImportJobStatus": get_import_job_status}
