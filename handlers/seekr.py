"""SeekrFlow: `POST /v1/flow/alignment/ingestion` starts a file conversion job, and
`GET /v1/flow/alignment/ingestion/{ingestion_job_id}` follows it.

Facts (apis.md §4): the API key goes in `Authorization` WITHOUT `Bearer` (so `Bearer <key>` is an
unknown key); the id is a plain string (no format, so a malformed id is simply not found); ids are
`ij-<uuid>` (job), `ijf-<uuid>` (record), `md-file-<uuid>` (the converted file a record writes,
its `alignment_file_id`, never the input file's id: apis.md §4 [DOC K3]); timestamps carry
microseconds; `method` defaults to "best" (the docs also show "speed-optimized"); job statuses are
queued|running|completed|failed. 401/404 bodies are FastAPI's `{"detail": ...}` (inferred, see
specs/seekr.overlay.yaml).

Invented (Seekr does not document it; apis.md "Gaps"):
- Records: queued (with `queue_position`, 1 = next in line) -> processing (`processing_at`,
  `worker_id`, `metaflow_job_id`) -> completed (`completed_at`) | failed (`failed_at`,
  `error_message`, `suggested_fix`). While the job is queued, positions fall as the `queue_ahead`
  files of other jobs start; while it runs, as this job's earlier records start.
- Two workers, staggered: in the running phase of a job of N records, record i processes from
  fraction i/(N+1) to (i+2)/(N+1), so record 0 starts as the job starts and the last one ends as it
  ends. Forced transitions clamp record times to the moment the job reached its terminal status.
- Which records fail: those whose filename is in the job's `failures` (fixture); a job that must
  fail with none of them gets its last record failed, with a generic message.
- Job status derives from the records: queued while every record is queued; running while any
  record is not finished; completed when all finished and none failed; failed when all finished and
  any failed. A failed record does not fail the job at once, because the other files keep
  converting (the status moves forward only, and matches the lifecycle snapshot).
- `output_files` grows as records complete (a completed record's converted file exists at once;
  a failed job still lists what did convert). `worker_id`/`metaflow_job_id` stay on a finished
  record (the row keeps who handled it). As in SeekrFlow's example (apis.md §4 [DOC K3]),
  `output_files` lists the completed records' `alignment_file_id`s.
- List: `GET /v1/flow/alignment/ingestion/` answers `{"data": [jobs]}`, newest first.
- Create: `{files, method}` answers the job as created (200, FastAPI's default), one record per
  file in the order sent; a file id the tenant did not upload is still converted, under its id as
  file name (the mock serves no file upload); an empty `files` is FastAPI's 422 (too_short).
"""

from __future__ import annotations

import random
import uuid
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jobmock.engine.mock import JobView
from jobmock.errors import ApiError, NotFound
from jobmock.fixtures.loading import Tenant
from jobmock.http.envelopes import ErrorReply, FastApiDetail
from jobmock.model.lifecycle import Job, count
from jobmock.model.timestamps import rfc3339

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from jobmock.http.binding import ApiContext

METHOD = "best"  # the create endpoint's default (apis.md §4 [DOC K2])
JOB_NOT_FOUND = "Ingestion job not found"  # overlay example (inferred)
GENERIC_FAILURE = {
    "error_message": "File conversion failed.",
    "suggested_fix": "Check that the file opens and is a PDF, DOCX, DOC, PPT or PPTX, upload it "
    "again and start a new ingestion job.",
}
NAMESPACE = uuid.UUID("6f1d3c2a-9b8e-4f7d-a5c4-3e2b1a0f9d8c")  # for ids derived by uuid5


class SeekrEnvelope(FastApiDetail):
    """FastAPI's bodies: our job-not-found message, Starlette's reason phrases otherwise."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        if isinstance(error, NotFound) and error.slug == "ingestion_job_not_found":
            return ErrorReply(404, {"detail": error.message})
        return super().render(error, request)


ENVELOPE = SeekrEnvelope({401: "Not authenticated", 404: "Not Found", 405: "Method Not Allowed"})


def derived_id(prefix: str, *parts: object) -> str:
    """A stable `<prefix><uuid>` for things the fixture does not name (pure: same job, same id)."""
    return prefix + str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def input_files(view: JobView) -> list[Mapping[str, str]]:
    """`files` (filenames or {id, filename}), else the tenant's first `file_count` uploads."""
    uploaded: list[Mapping[str, str]] = list(view.tenant.data.get("files", ()))
    limit = int(view.fields.get("file_count", len(uploaded)))
    by_name = {f["filename"]: f for f in uploaded}
    files: list[Mapping[str, str]] = []
    for f in view.fields.get("files") or uploaded[:limit]:
        if not isinstance(f, Mapping):  # a filename: the tenant's upload, else a derived id
            f = by_name.get(f) or {"id": derived_id("file-", view.tenant.name, f), "filename": f}
        files.append(f)
    return files


def failing(view: JobView, files: list[Mapping[str, str]]) -> dict[int, Mapping[str, str]]:
    """Record index -> failure, for jobs that end (or are forced) failed; empty otherwise."""
    snap = view.snapshot
    will_fail = not snap.terminal and view.scenario.phases[-1].status == "failed"
    if not (snap.status == "failed" or will_fail) or not files:
        return {}
    failures: Mapping[str, Mapping[str, str]] = view.fields.get("failures") or {}
    found = {i: failures[f["filename"]] for i, f in enumerate(files) if f["filename"] in failures}
    return found or {len(files) - 1: GENERIC_FAILURE}


def running_seconds(view: JobView) -> float:
    snap = view.snapshot
    if snap.status == "running" and snap.ends_at is not None:
        return snap.ends_at - snap.phase_started_at
    return sum(p.seconds or 0.0 for p in view.scenario.phases if p.status == "running")


def render(view: JobView) -> dict[str, Any]:
    """The IngestionResponse body: records first, then the job status derived from them."""
    job, snap = view.job, view.snapshot
    files = input_files(view)
    n, fails = len(files), failing(view, files)
    seconds = running_seconds(view)
    if snap.status == "running":
        run_start, f, end = snap.phase_started_at, snap.fraction, float("inf")
    elif snap.terminal:
        end = snap.entered[snap.status]
        run_start, f = snap.entered.get("running", end), 1.0
    else:  # queued: nothing has started
        run_start, f, end = job.created_at, -1.0, float("inf")
    started = sum(1 for i in range(n) if i / (n + 1) <= f)
    ahead = int(view.fields.get("queue_ahead", 0))
    # the files ahead start evenly through the queued phase, the last one just before ours
    waiting = ahead - count(ahead + 1, snap.fraction) if snap.status == "queued" else 0
    base = zlib.crc32(job.id.encode()) % 9000 + 1000  # stable per-job worker and run numbers
    records, outputs = [], []
    for i, file in enumerate(files):
        start, stop = i / (n + 1), (i + 2) / (n + 1)
        record_id = derived_id("ijf-", job.id, i)
        # the converted file's own id, minted with the record ([INF]: the schema requires it always)
        output_id = derived_id("md-file-", job.id, i)
        done = "failed" if i in fails else "completed"
        state = "queued" if start > f else "processing" if stop > f else done
        failure = fails.get(i, {}) if state == "failed" else {}
        processing_at = min(run_start + start * seconds, end)
        finished_at = rfc3339(min(run_start + stop * seconds, end), 6)
        if state == "completed":
            outputs.append(output_id)
        records.append(
            {
                "record_id": record_id,
                "ingestion_job_id": job.id,
                "alignment_file_id": output_id,
                "user_id": view.tenant.data.get("user_id", view.tenant.name),
                "filename": file["filename"],
                "metaflow_job_id": None if state == "queued" else f"IngestionFlow/{base + i}",
                "method": view.fields.get("method", METHOD),
                "status": state,
                "queue_position": waiting + i - started + 1 if state == "queued" else None,
                "error_message": failure.get("error_message"),
                "suggested_fix": failure.get("suggested_fix"),
                "worker_id": None if state == "queued" else f"ingestion-worker-{base % 97}-{i % 2}",
                "deleted": False,
                "created_at": rfc3339(job.created_at, 6),
                "processing_at": None if state == "queued" else rfc3339(processing_at, 6),
                "completed_at": finished_at if state == "completed" else None,
                "failed_at": finished_at if state == "failed" else None,
            }
        )
    return {
        "id": job.id,
        "created_at": rfc3339(job.created_at, 6),
        "status": job_status([r["status"] for r in records], snap.status),
        "output_files": outputs,
        "file_records": records,
    }


def job_status(records: list[str], fallback: str) -> str:
    """The rule of the module docstring; a job without records keeps its lifecycle status."""
    if not records:
        return fallback
    if all(s == "queued" for s in records):
        return "queued"
    if any(s in ("queued", "processing") for s in records):
        return "running"
    return "failed" if "failed" in records else "completed"


def status_path(job: Job) -> str:
    return f"/v1/flow/alignment/ingestion/{job.id}"


def new_job(
    seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    """`ij-<uuid4>`; the files default to the tenant's uploads (see `input_files`)."""
    return f"ij-{uuid.UUID(int=rng.getrandbits(128), version=4)}", fields


def requested_files(tenant: Tenant, ids: list[str]) -> list[dict[str, str]]:
    """The job's files: the tenant's upload with that id, else a file named by its id."""
    uploaded = {f["id"]: f for f in tenant.data.get("files", ())}
    return [{"id": i, "filename": uploaded.get(i, {}).get("filename", i)} for i in ids]


async def ingest_files(ctx: ApiContext, body: dict[str, Any]) -> Any:
    """One record per requested file; files a rule matched are the ones that fail."""
    principal = ctx.principal()
    tenant = ctx.api.fixture.tenants[principal.tenant]
    files = requested_files(tenant, [str(i) for i in body["files"]])
    facts = {"files": files, "method": body.get("method") or METHOD}
    choice = ctx.api.fixture.choose(facts)
    fields: dict[str, Any] = dict(facts)
    if choice.matched and ctx.api.scenario(choice.scenario).phases[-1].status == "failed":
        known = ctx.api.fixture.scenario_fields.get(choice.scenario, {}).get("failures") or {}
        failure = next(iter(known.values()), GENERIC_FAILURE)
        fields["failures"] = {**known, **dict.fromkeys(choice.matched, failure)}
    job = await ctx.mock.create(
        ctx.name, scenario=choice.scenario, tenant=principal.tenant, fields=fields
    )
    return render(await ctx.mock.describe(ctx.name, job))


async def get_ingestion_job(ctx: ApiContext, ingestion_job_id: str) -> Any:
    try:
        view = await ctx.view(ingestion_job_id)
    except NotFound:  # unknown, malformed or another tenant's: all simply not found
        raise NotFound(JOB_NOT_FOUND, slug="ingestion_job_not_found") from None
    return render(view)


async def list_ingestion_jobs(ctx: ApiContext) -> Any:
    """`GET /v1/flow/alignment/ingestion/`: the caller's jobs under `data` (apis.md §4 [DOC K3]),
    newest first ([INF]: Seekr does not document the order)."""
    jobs = await ctx.mock.jobs(ctx.name, ctx.principal().tenant)
    bodies = [render(await ctx.mock.describe(ctx.name, job)) for job in jobs]
    bodies.sort(key=lambda b: (b["created_at"], b["id"]), reverse=True)
    return {"data": bodies}


OPERATIONS = {
    "ingestion_list_v1_flow_alignment_ingestion__get": list_ingestion_jobs,
    "ingestion_get_v1_flow_alignment_ingestion__ingestion_job_id__get": get_ingestion_job,
    "ingest_files_v1_flow_alignment_ingestion_post": ingest_files,
}
