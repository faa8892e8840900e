"""Claret: `POST /{tenant}/api/v1/tokens/create` (a token), `POST
/{tenant}/api/v1/inventory/import/process` (an import) and `GET
/{tenant}/api/v1/imports/status/{job_log_id}` (its job).

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
- 401 is Laravel's `{"message": "Unauthenticated."}` for a request that asks for JSON, else a 302
  to the login page, and a validation 422 likewise a 302 back (Referer, else the site root)
  (`claret_login`); other errors are Laravel's `{"message"}` (all rendered by `claret_errors`);
- `current_step` is null while pending; a failed job keeps its completed_steps, has completed_at set
  and an errors file; the path segment after the date is not the user id (the seed's one example
  has `/1/` for `user_id` 42): it is the job's `upload_folder`, default 1, the seed's [INF].

Tokens and imports (apis.md §5 [DOC L2, L4]): tokens/create takes `email` and `password` as query
parameters and answers `{"token": "<id>|<40 chars>"}` (the 40 characters are unpredictable, whatever
`--seed`; the id counts up); the token is kept in the store
(`jobmock.http.auth.IssuedCredentials`), so every worker accepts it until `POST /_mock/reset`. The
import takes at most 1,000 records: a CSV upload answers 202 with `job_log_id`, JSON records 200.
Inferred: a wrong email or password is 401 `{"message": "Invalid credentials."}`; validation
failures are Laravel's 422 `{message, errors}` with its wording (`The payload.0.item name field is
required.`); which JSON record fields are required; the CSV form's other field names (`mapping`,
the three booleans); the 10 MB file limit; the 202/200 bodies (`message` plus `content` with the
job log id and/or the job page link); another tenant in the path is 403 `This action is
unauthorized.`; the job's input file is named after the upload, and the records that fail are at
most the upload's records.
"""

from __future__ import annotations

import random
import re
import secrets
import string
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jobmock import uploads
from jobmock.engine.mock import JobView
from jobmock.errors import Forbidden, NotFound, PayloadTooLarge, Unauthorized
from jobmock.fixtures.loading import Tenant
from jobmock.http.auth import IssuedCredentials, Principal
from jobmock.model.lifecycle import Job, count
from jobmock.model.timestamps import rfc3339

from .claret_errors import ENVELOPE as ENVELOPE  # the hook jobmock reads
from .claret_errors import (
    REQUIRED_FIELD,
    UNAUTHORIZED_ACTION,
    displayable,
    invalid,
    job_not_found,
)

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from jobmock.http.binding import ApiContext

BASE_URL = "https://plan.claret.app"
JOB_LOGS = "settings/application-maintenance/job-management/imports/logs"  # the UI's job page
FIRST_NEW_ID = 12400  # jobs created at run time count on from here, past the fixture's seed ids
CLIENT_HEADERS = {"X-Requested-With": "XMLHttpRequest"}  # apis.md §5 [DOC L4]


def files(view: JobView, done: int) -> dict[str, list[str]]:
    """The file categories the job has reached, with paths shaped like Claret's example."""
    job, fields, snap = view.job, view.fields, view.snapshot
    created = datetime.fromtimestamp(job.created_at, UTC)
    uploads = f"/{job.tenant}/download/{job.tenant}/user-uploads/{fields['type']}"
    stem = (
        f"{uploads}/{created:%Y-%m-%d}/{fields.get('upload_folder', 1)}/"
        f"{fields['upload_name']}_{created:%Y%m%d}"
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
        "job_status_link": job_status_link(job),
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


def job_status_link(job: Job) -> str:
    return f"{BASE_URL}/{job.tenant}/{JOB_LOGS}/{job.id}"


# ------------------------------------------------------------------------------------- tokens
ISSUES_CREDENTIALS = True  # tokens/create: jobmock.http.auth looks issued tokens up in the store
FIRST_TOKEN_ID = 100  # issued tokens are `<100 + n>|<40 characters>`
TOKEN_CHARACTERS = string.ascii_letters + string.digits


async def create_token(ctx: ApiContext, tenant: str, email: str, password: str) -> Any:
    """A new Sanctum-shaped token for the tenant's user with that email and password [DOC L4]."""
    if tenant not in ctx.api.fixture.tenants:
        raise NotFound("no such tenant")
    for credential in ctx.api.fixture.tenants[tenant].credentials:
        user = credential.attributes
        if user.get("email") == email and user.get("password") == password:
            break
    else:
        raise Unauthorized("Invalid credentials.", slug="invalid_credentials")
    attributes = {k: v for k, v in user.items() if k != "password"}
    principal = Principal(ctx.name, tenant, credential.scopes, attributes)
    issued = IssuedCredentials(ctx.mock.store, [ctx.name])
    while True:  # a value already taken (never, in practice) draws the next one
        number = await ctx.mock.store.next_sequence(f"{ctx.name}:tokens")
        # a login secret: never from --seed, or anyone who knows the seed could log in as anyone
        secret = "".join(secrets.choice(TOKEN_CHARACTERS) for _ in range(40))
        token = f"{FIRST_TOKEN_ID + number}|{secret}"
        if await issued.issue(token, principal):
            return {"token": token}


# ----------------------------------------------------------------------------- inventory import
MAX_RECORDS = 1000  # [DOC L2] per request
TOO_MANY_RECORDS = f"The file may not contain more than {MAX_RECORDS} records."
MAX_FILE_BYTES = 10 * 1024 * 1024  # inferred: a Laravel `max:10240` rule on the file
FORM_OVERHEAD = 64 * 1024
ARGUMENTS = ("allow_record_creation", "allow_record_update", "should_continue_on_error")
BOOLEANS = {"1": True, "true": True, "0": False, "false": False}
QUEUED = "Inventory import queued successfully."


async def start_import(ctx: ApiContext, facts: dict[str, Any], fields: dict[str, Any]) -> Job:
    """The import job, its scenario chosen by the fixture's rules on `facts`."""
    principal = ctx.principal()
    choice = ctx.api.fixture.choose(facts)
    planned = int(ctx.api.fixture.scenario_fields.get(choice.scenario, {}).get("failed_records", 0))
    fields = {
        **fields,
        "records": facts["records"],
        "failed_records": min(planned, facts["records"]),  # rows of this import
        "user_id": principal.attributes.get("user_id", 1),
    }
    return await ctx.mock.create(
        ctx.name, scenario=choice.scenario, tenant=principal.tenant, fields=fields
    )


def upload_name(filename: str) -> str:
    """The file's stem as Claret's file paths show it (`inventory` for `inventory.csv`)."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "inventory"


async def read_csv(ctx: ApiContext, form: uploads.Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CSV's facts and job fields, after Laravel-style checks (wording inferred)."""
    upload = form.file("file")
    if upload is None:
        raise invalid("file", REQUIRED_FIELD % "file")
    name = upload.filename or "upload.csv"
    if "." in name and not name.lower().endswith((".csv", ".txt")):  # Laravel `mimes:csv,txt`
        raise invalid("file", "The file field must be a file of type: csv, txt.")
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise invalid("file", "The file field must not be greater than 10240 kilobytes.")
    fields: dict[str, Any] = {"fileName": name, "upload_name": upload_name(name)}
    if form.field("mapping") is not None:
        try:
            fields["mapping"] = form.json("mapping", ctx.limits.json_max_depth)
        except ValueError:
            raise invalid("mapping", "The mapping field must be a valid JSON string.") from None
    for argument in ARGUMENTS:
        value = form.field(argument)
        if value is not None:
            if value not in BOOLEANS:
                message = f"The {displayable(argument)} field must be true or false."
                raise invalid(argument, message)
            fields[argument] = BOOLEANS[value]
    try:
        records = await uploads.count_rows(upload, "csv", ctx.limits)
    except uploads.FileTooLarge as problem:
        if problem.limit == "upload_max_rows":  # past Claret's own 1,000 records too
            raise invalid("file", TOO_MANY_RECORDS) from None
        raise invalid("file", f"The file may not contain {problem.reason}.") from None
    except uploads.NotUtf8:
        raise invalid("file", "The file must be a UTF-8 encoded CSV file.") from None
    except uploads.UnreadableFile:
        raise invalid("file", "The file could not be read as CSV.") from None
    if not records:
        raise invalid("file", "The file must contain at least one record.")
    if records > MAX_RECORDS:
        raise invalid("file", TOO_MANY_RECORDS)
    return {"format": "csv", "fileName": name, "records": records}, fields


async def process_inventory_import(
    ctx: ApiContext, tenant: str, body: dict[str, Any] | None = None
) -> Any:
    """CSV (multipart) -> 202 with the job log id; JSON records -> 200 with the UI link [DOC L2]."""
    if tenant != ctx.principal().tenant:
        raise Forbidden(UNAUTHORIZED_ACTION)
    if not uploads.is_multipart(uploads.current_request()):
        payload: list[dict[str, Any]] = (body or {})["payload"]
        facts = {"format": "json", "records": len(payload), "payload": payload}
        arguments = dict((body or {})["arguments"])
        job = await start_import(ctx, facts, arguments)
        return {"message": QUEUED, "content": {"job_status_link": job_status_link(job)}}, 200
    try:
        async with uploads.read_form(MAX_FILE_BYTES + FORM_OVERHEAD) as form:
            facts, fields = await read_csv(ctx, form)
    except uploads.BodyTooLarge:
        raise PayloadTooLarge("Payload Too Large") from None
    except uploads.MalformedBody:
        raise invalid("file", REQUIRED_FIELD % "file") from None
    job = await start_import(ctx, facts, fields)
    content = {"job_log_id": int(job.id), "job_status_link": job_status_link(job)}
    return {"message": QUEUED, "content": content}, 202


OPERATIONS = {
    "getImportJobStatus": get_import_job_status,
    "createToken": create_token,
    "processInventoryImport": process_inventory_import,
}
