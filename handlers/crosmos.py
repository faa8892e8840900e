"""Crosmos Memory API: `POST /api/v1/sources` and `POST /api/v1/conversations` start an ingestion
job, `GET /api/v1/jobs/{job_id}` follows it.

Facts (seed 001, apis.md §2): statuses pending, processing, completed, partial, failed, cancelled
[SRC C5]; every field of `IngestionJobResponse` is present, `result`, `error_message`, `started_at`
and `completed_at` as null until they mean something (FastAPI serialises the whole pydantic model);
`result` is `{source_ids, memory_count, entity_count, edge_count, tokens_used, failed_source_ids,
error_message?, source_errors?}` [SRC C5]; `source_ids` are integers in the status body [DOC C1];
a job_id that is not a UUID is FastAPI's 422 `{"detail": [...]}` with pydantic's `uuid_parsing`
item [INF]; the scheme is HTTP bearer, a JWT or a `csk_` key [DOC C1].

jobmock's choices where Crosmos says nothing (inferred; 401 and 404 are in the overlay):
- an unknown job and another tenant's job are both 404 `{"detail": "Job not found"}`;
- missing, non-bearer or unknown credentials are FastAPI HTTPBearer's 401 `{"detail": "Not
  authenticated"}` with `WWW-Authenticate: Bearer` (checked before the job_id, as FastAPI does);
- the 422 `msg` is pydantic-core's with the `uuid` crate before 1.23 (`... found `n` at 1`;
  pydantic 2.11 agrees on 50,000 generated ids); ids pydantic reads but the spec's `format: uuid`
  refuses (`{uuid}`, `urn:uuid:...`, 32 hex digits) answer 404 "Job not found", as the mock
  cannot look them up from the error boundary;
- a job_id in capitals finds the job (pydantic parses it; the body has the canonical id);
- `result` appears once the job completed, ended partial or failed; a cancelled job has none;
  `result.source_ids` lists every source of the job, `failed_source_ids` the ones that failed;
  `partial` adds `source_errors` keyed by the stringified id; `failed` repeats `error_message` in
  `result`, stores nothing and reports the tokens spent before failing;
- `completed_at` is set when the job completed, ended partial or failed, and stays null on a
  cancelled job, which never completed (jobmock's choice, [INF]; issue 17); a job forced to
  completed, partial or failed has `started_at` (fixtures/crosmos.yaml `through`); timestamps are
  pydantic's: UTC with `Z`, microseconds only when non-zero;
- creating: any well-formed `space_id` is a space of the caller (the mock serves no spaces API);
  the job has one integer source id per source sent (the 202 lists them as UUIDs [DOC C2]); its
  memory, entity and edge counts and tokens grow with the text sent (invented yields); a `partial`
  job chosen by a rule fails the sources the rule matched;
- a conversation [DOC C3] is ingested as one text source per message ("each turn is converted
  into a source"), `role` and `sequence` (its position) from the message, `meta` the request's:
  the same rules choose its scenario, and the 202 is the sources route's, one id per message; the
  `session_id` generated when none is sent is a UUID4 from the job's seeded generator (the doc
  does not say what Crosmos generates); the job keeps it and `session_date` (no route shows them).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jobmock.engine.mock import JobView
from jobmock.errors import ApiError, InvalidBody, InvalidParameter, NotFound, Unauthorized
from jobmock.fixtures.loading import Tenant
from jobmock.http.envelopes import ErrorReply, FastApiDetail
from jobmock.model.lifecycle import Job, count
from jobmock.model.timestamps import rfc3339

# connexion costs most of a second to import: `jobmock validate` renders bodies without it
if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from jobmock.http.binding import ApiContext

JOB_NOT_FOUND = "Job not found"
# What Starlette/FastAPI answer for errors raised outside Crosmos's own code.
FRAMEWORK_MESSAGES = {
    401: "Not authenticated",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
}
FAILURE_MESSAGE = "Ingestion failed"  # a job forced to failed without a `failure_message` field
SOURCE_ERROR = "Extraction failed for this source"
WITH_RESULT = ("completed", "partial", "failed")
COUNTS = ("memory_count", "entity_count", "edge_count")
HEX = frozenset(b"0123456789abcdefABCDEF")


def _hyphenated(raw: bytes) -> bytes | None:
    """The 36 bytes the `uuid` crate reads as hyphenated: bare, in braces or after `urn:uuid:`."""
    if len(raw) == 36:
        return raw
    if len(raw) == 38 and raw[:1] + raw[-1:] == b"{}":
        return raw[1:-1]
    if len(raw) == 45 and raw.startswith(b"urn:uuid:"):
        return raw[9:]
    return None


def uuid_problem(text: str) -> str | None:
    """Why pydantic refuses `text` as a UUID, or None.

    A port of the `uuid` crate's parser and `InvalidUuid::into_err` before 1.23 (checked against pydantic 2.11),
    whose message pydantic-core puts after "Input should be a valid UUID, ".
    """
    raw = text.encode()
    if len(raw) == 32 and all(b in HEX for b in raw):
        return None
    inner = _hyphenated(raw)
    if inner is not None:
        groups = inner.split(b"-")
        if [len(g) for g in groups] == [8, 4, 4, 4, 12] and all(set(g) <= HEX for g in groups):
            return None
        raw = inner  # a well-shaped input is reported on its 36 inner bytes
    body, offset, simple = raw, 0, True
    if len(raw) >= 2 and raw[:1] + raw[-1:] == b"{}":
        body, offset, simple = raw[1:-1], 1, False
    elif raw.startswith(b"urn:uuid:"):
        body, offset, simple = raw[9:], 9, False
    hyphens, bounds, index = 0, [0, 0, 0, 0], 0  # index counts bytes, as Rust's char_indices
    for char in body.decode():
        if char == "-":
            if hyphens < 4:
                bounds[hyphens] = index
            hyphens += 1
        elif not (char.isascii() and ord(char) in HEX):
            return (
                "invalid character: expected an optional prefix of `urn:uuid:` followed by "
                f"[0-9a-fA-F-], found `{char}` at {index + offset + 1}"
            )
        index += len(char.encode())
    if hyphens == 0 and simple:
        return f"invalid length: expected length 32 for simple format, found {len(raw)}"
    if hyphens != 4:
        return f"invalid group count: expected 5, found {hyphens + 1}"
    starts, lengths = (0, 9, 14, 19, 24), (8, 4, 4, 4, 12)
    for group in range(4):
        if bounds[group] != starts[group + 1] - 1:
            expected, found = lengths[group], bounds[group] - starts[group]
            return f"invalid group length in group {group}: expected {expected}, found {found}"
    return f"invalid group length in group 4: expected 12, found {len(raw) - starts[4]}"


def uuid_item(loc: list[str | int], value: str, problem: str) -> dict[str, Any]:
    """pydantic's item for a value that is not a UUID."""
    return {
        "type": "uuid_parsing",
        "loc": loc,
        "msg": f"Input should be a valid UUID, {problem}",
        "input": value,
        "ctx": {"error": problem},
    }


class CrosmosEnvelope(FastApiDetail):
    """FastAPI's shapes: pydantic's 422 items, `{"detail": msg}` for HTTPException."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        if isinstance(error, InvalidParameter | InvalidBody):
            items = self.items(error)
            if not items:  # job_id in a spelling pydantic takes ({...}, urn:uuid:, 32 hex) but
                return ErrorReply(404, {"detail": JOB_NOT_FOUND})  # the spec's format refuses
            return ErrorReply(422, {"detail": items})
        if isinstance(error, Unauthorized):
            challenge = {"WWW-Authenticate": "Bearer"}  # FastAPI's HTTPBearer sends it
            return ErrorReply(401, {"detail": FRAMEWORK_MESSAGES[401]}, headers=challenge)
        if error.slug != "job_not_found" and error.status in FRAMEWORK_MESSAGES:
            body = {"detail": FRAMEWORK_MESSAGES[error.status]}
            return ErrorReply(error.status, body, headers=error.headers or None)
        return super().render(error, request)

    def problem_item(self, problem: InvalidParameter | InvalidBody) -> dict[str, Any] | None:
        if isinstance(problem, InvalidParameter) and problem.name == "job_id":
            value = str(problem.value)
            found = uuid_problem(value)
            return None if found is None else uuid_item(["path", "job_id"], value, found)
        if isinstance(problem, InvalidBody) and problem.expected == "uuid":  # the body's space_id
            value = str(problem.value)
            found = uuid_problem(value) or "invalid format"
            return uuid_item(["body", *problem.path], value, found)
        return super().problem_item(problem)


ENVELOPE = CrosmosEnvelope()


def timestamp(t: float) -> str:
    """pydantic's datetime: `...T05:31:56Z`, or `...T05:31:56.123456Z` with microseconds."""
    return rfc3339(t, 6).replace(".000000Z", "Z")


def failed_ids(status: str, ids: list[int], fields: Mapping[str, Any]) -> list[int]:
    if status == "failed":
        return ids
    if status == "partial" and fields.get("failed_positions"):  # the sources a rule matched
        return [ids[i] for i in fields["failed_positions"] if i < len(ids)]
    if status == "partial":
        return ids[len(ids) - min(max(int(fields.get("failed_sources", 1)), 1), len(ids)) :]
    return []


def result(view: JobView) -> dict[str, Any] | None:
    status, fields = view.status, view.fields
    if status not in WITH_RESULT:
        return None
    ids = [int(i) for i in fields["source_ids"]]
    failed = failed_ids(status, ids, fields)
    share = (len(ids) - len(failed)) / len(ids) if ids else 0.0
    tokens, spent = int(fields.get("tokens_used", 0)), view.snapshot.counters.get("tokens", 0.0)
    body: dict[str, Any] = {
        "source_ids": ids,
        **{key: count(int(fields.get(key, 0)), share) for key in COUNTS},
        # a failed run spent the tokens its scenario reached; the others tried every source
        "tokens_used": count(tokens, spent) if status == "failed" else tokens,
        "failed_source_ids": failed,
    }
    if status == "failed":
        body["error_message"] = fields.get("failure_message", FAILURE_MESSAGE)
    if status == "partial":
        body["source_errors"] = {str(i): fields.get("source_error", SOURCE_ERROR) for i in failed}
    return body


def render(view: JobView) -> dict[str, Any]:
    """The IngestionJobResponse body, every field present, in the schema's order."""
    job, snap, fields = view.job, view.snapshot, view.fields
    failed, finished = snap.status == "failed", snap.status in WITH_RESULT
    started = snap.entered.get("processing")
    return {
        "job_id": job.id,
        "status": snap.status,
        "source_ids": [int(i) for i in fields["source_ids"]],
        "result": result(view),
        "error_message": fields.get("failure_message", FAILURE_MESSAGE) if failed else None,
        "created_at": timestamp(job.created_at),
        "started_at": timestamp(started) if started is not None else None,
        "completed_at": timestamp(snap.entered[snap.status]) if finished else None,
    }


def status_path(job: Job) -> str:
    return f"/api/v1/jobs/{job.id}"


def new_job(
    seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    """A UUID4 id; `source_count` consecutive integer source ids unless `source_ids` is given; a
    conversation's `session_id` (a UUID4) when it came as null or not at all."""
    job_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if "source_ids" not in fields:
        first = rng.randrange(3000, 90000)
        sources = int(fields.get("source_count", 1))
        fields = {**fields, "source_ids": list(range(first, first + sources))}
    if "session_id" in fields and fields["session_id"] is None:  # a conversation sent without one
        fields = {**fields, "session_id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
    return job_id, fields


# Invented yields of one source of n characters (a 3-source job of the fixture's size matches its
# defaults roughly): memories, entities, edges and tokens grow with the text.
def yields(sources: list[Mapping[str, Any]]) -> dict[str, int]:
    sizes = [len(str(s.get("content", ""))) for s in sources]
    return {
        "memory_count": sum(2 + n // 400 for n in sizes),
        "entity_count": sum(1 + n // 600 for n in sizes),
        "edge_count": sum(2 + n // 300 for n in sizes),
        "tokens_used": sum(900 + n // 4 for n in sizes),
    }


async def start_ingestion(
    ctx: ApiContext,
    space_id: str,
    sources: list[Mapping[str, Any]],
    facts: Mapping[str, Any],
    extra: Mapping[str, Any],
) -> Any:
    """202 with the job and the sources' ids (UUIDs here, integers on the job route).

    The fixture's rules see `facts`; a `partial` job fails the sources a rule matched (a source
    is matched on its own, or on the message it came from).
    """
    choice = ctx.api.fixture.choose(facts)
    fields: dict[str, Any] = {"space_id": space_id, "source_count": len(sources), **extra}
    fields.update(yields(sources))
    if choice.rule is not None and choice.scenario == "partial":
        rule = choice.rule
        messages = facts.get("messages", [])
        fields["failed_positions"] = [
            i
            for i, source in enumerate(sources)
            if rule.matching({"sources": [source], "messages": messages[i : i + 1]})
        ]
    job = await ctx.mock.create(
        ctx.name, scenario=choice.scenario, tenant=ctx.principal().tenant, fields=fields
    )
    view = await ctx.mock.describe(ctx.name, job)
    source_uuids = [str(uuid.uuid5(uuid.UUID(job.id), str(i))) for i in job.fields["source_ids"]]
    return {"job_id": job.id, "source_ids": source_uuids, "status": view.status}, 202


async def ingest_sources(ctx: ApiContext, body: dict[str, Any]) -> Any:
    sources: list[Mapping[str, Any]] = body["sources"]
    facts = {"space_id": body["space_id"], "sources": sources}
    return await start_ingestion(ctx, body["space_id"], sources, facts, {})


def message_sources(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """One text source per message, in order, carrying the conversation's `meta`."""
    meta = body.get("meta") or {}
    return [
        {
            "content": m["content"],
            "content_type": "text",
            "role": m["role"],
            "sequence": i,
            "meta": meta,
        }
        for i, m in enumerate(body["messages"])
    ]


async def ingest_conversation(ctx: ApiContext, body: dict[str, Any]) -> Any:
    """The sources route's 202, one source per message; the job keeps the session (its id
    generated by `new_job` when the body has none)."""
    sources = message_sources(body)
    facts = {
        "space_id": body["space_id"],
        "sources": sources,
        "messages": body["messages"],
        "session_id": body.get("session_id"),
        "session_date": body.get("session_date"),
        "meta": body.get("meta") or {},
    }
    session = {"session_id": body.get("session_id"), "session_date": body.get("session_date")}
    return await start_ingestion(ctx, body["space_id"], sources, facts, session)


async def get_job_status(ctx: ApiContext, job_id: str) -> Any:
    problem = uuid_problem(job_id)
    if problem is not None:  # the spec's format let through what pydantic refuses (e.g. `_` in hex)
        raise InvalidParameter("path", "job_id", job_id, problem, keyword="format")
    try:
        view = await ctx.view(str(uuid.UUID(job_id)))  # pydantic's UUID: any case, canonical lookup
    except NotFound:
        raise NotFound(JOB_NOT_FOUND, slug="job_not_found") from None
    return render(view)


OPERATIONS = {
    "get_job_status_api_v1_jobs__job_id__get": get_job_status,
    "ingest_sources_api_v1_sources_post": ingest_sources,
    "ingest_conversation_api_v1_conversations_post": ingest_conversation,
}
