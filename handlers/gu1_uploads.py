"""gu1's uploads, the routes that start batch jobs (handlers/gu1.py serves their status).

Facts [DOC G4, G5]: transactions (`/batch-import/import/transactions` and its alias
`/transactions/batch/upload`, 1-5 files of CSV/XLSX/XLS/JSON), entities (CSV) and user events (file
+ mappingId) answer 202 with `jobId`; the key needs the route's permission (transactions:create,
entities:bulk_import, events:create) and the organisation `batchUploadEnabled`; each file holds at
most the plan's rows (tenant `maxRowsPerFile`, never over the parser's 100,000). The job's kind
follows the route, `totalItems` is the upload's rows (files in order, numbered on across files),
and the rows its scenario fails or skips are rows of the upload (their externalId, taxId and type
read from the file where it has those columns).

Invented (apis.md [INF]): every error message, the check order (permission, organisation flag,
body, files, options, formats, rows), the 202 body beyond `jobId`, the 150 MB body limit, the
`importMode` field name. A legacy .xls file's rows are read as an .xlsx file's are (first sheet,
after its header row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile

from jobmock import uploads
from jobmock.errors import BadRequest, Forbidden, PayloadTooLarge

from . import gu1_failures as failures  # how many failing rows a job lists
from .gu1_errors import MESSAGES, NO_FILE

if TYPE_CHECKING:
    from jobmock.http.binding import ApiContext

MAX_BODY_BYTES = 150 * 1024 * 1024  # inferred: the 150 MB gu1 documents for multi-source batches
ROW_CAP = 100_000  # [DOC G4] the parser's hard cap, whatever the plan
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


def refused(message: str) -> BadRequest:
    return BadRequest(message, slug="upload_refused")


def transaction_options(form: uploads.Form, max_depth: int) -> dict[str, Any]:
    """[DOC G4] executeRules, skipDuplicates, validateExistingEntity, batchErrorHandling and a
    CSV's columnMapping."""
    found: dict[str, Any] = {}
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
    return found


def entity_options(form: uploads.Form, max_depth: int) -> dict[str, Any]:
    """[DOC G2] a manual or automatic import (the field's name is invented)."""
    mode = form.field("importMode") or "manual"
    if mode not in ("manual", "automatic"):
        raise refused("The importMode field must be manual or automatic")
    return {"importMode": mode}


def no_options(form: uploads.Form, max_depth: int) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    """What an upload route imports: [DOC G4, G5]."""

    kind: str
    scope: str
    formats: tuple[str, ...]
    max_files: int = 1
    mapping_required: bool = False
    options: Callable[[uploads.Form, int], dict[str, Any]] = no_options  # the route's own fields


EVERY_FORMAT = ("csv", "xlsx", "xls", "json")
TRANSACTIONS = Route(
    "transaction_batch", "transactions:create", EVERY_FORMAT, 5, options=transaction_options
)
ENTITIES = Route("entity_automatic", "entities:bulk_import", ("csv",), options=entity_options)
USER_EVENTS = Route("user_event_batch", "events:create", EVERY_FORMAT, mapping_required=True)


def options(route: Route, form: uploads.Form, max_depth: int) -> dict[str, Any]:
    """The form's import options as job metadata, each checked."""
    found: dict[str, Any] = {}
    mapping = form.field("mappingId")
    if route.mapping_required and not mapping:
        raise refused("The mappingId field is required")
    if mapping:
        found["mappingId"] = mapping
    return {**found, **route.options(form, max_depth)}


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
