"""gu1's `GET /batch-import/jobs/{jobId}?include=failures` body (handlers/gu1.py serves it).

Facts (apis.md §3): the body of the job's kind, its counters as in the status body; failures[]
truncated past 500 with `truncated` and failuresTotal, skips[] and skipsTotal for entity imports;
DUPLICATE_EXTERNAL_ID among the row codes; manual entity imports skip an existing taxId+type,
automatic ones an existing entity [DOC G2, G3, G4].

Invented (apis.md [INF]): a job-level abort counts every row failed with failures[] empty
(specs/gu1.yaml's example); row codes other than DUPLICATE_EXTERNAL_ID and all row texts; skips[]
capped at 500 like failures[]; the rows that fail, drawn from the job id, and their details (what
the uploaded row says where it has those columns, seeded inventions for the rest).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from jobmock import uploads
from jobmock.engine.mock import JobView

FAILURES_LIMIT = 500  # [DOC G3] `truncated` is true past 500 failures

# Row-level codes per kind: DUPLICATE_EXTERNAL_ID is gu1's [DOC G2, G3]; the others are invented.
ROW_CODES = {
    "transaction_batch": {
        "DUPLICATE_EXTERNAL_ID": 'A transaction with external ID "{externalId}" already exists',
        "ENTITY_NOT_FOUND": 'Entity with external ID "cust-{n:04d}" not found',
        "INVALID_AMOUNT": "amount must be a positive number",
    },
    "entity_automatic": {
        "DUPLICATE_EXTERNAL_ID": 'An entity with external ID "{externalId}" already exists',
        "INVALID_TAX_ID": "Tax ID {taxId} failed checksum validation",
        "MISSING_REQUIRED_FIELD": 'Field "name" is required',
    },
    "user_event_batch": {
        "USER_NOT_FOUND": 'User "usr_{n:04d}" not found',
        "INVALID_EVENT_TYPE": 'Unknown event type "evt_{n}"',
        "INVALID_TIMESTAMP": "timestamp must be an ISO 8601 date-time",
    },
}
SKIPPING_KINDS = frozenset({"entity_automatic"})  # [DOC G2] only entity imports skip rows
TAX_PREFIXES = {"person": (20, 23, 27), "company": (30, 33)}  # 11-digit CUIT-like, as gu1's example


def row_values(job_id: str, row: int, uploaded: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The details of one row, the same on every poll: what the upload's row says (externalId,
    taxId, type), invented for the rest (seeded by job id and row)."""
    rng = random.Random(f"gu1:{job_id}:{row}")
    party = rng.choice(("person", "company"))
    tax_id = f"{rng.choice(TAX_PREFIXES[party])}{rng.randrange(10**9):09d}"
    prefix = "tx" if uploaded is None or "taxId" not in uploaded else "ent"
    values = {
        "row": row,
        "n": rng.randrange(10_000),
        "type": party,
        "taxId": tax_id,
        "externalId": f"{prefix}-{row:06d}",
        "pick": rng.random(),
    }
    values.update({k: v for k, v in (uploaded or {}).items() if v})
    return values


def failure_row(
    kind: str, job_id: str, row: int, uploaded: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    values, codes = row_values(job_id, row, uploaded), ROW_CODES[kind]
    code = list(codes)[int(values["pick"] * len(codes))]
    where: dict[str, Any] = {
        "transaction_batch": {"externalId": values["externalId"]},
        "entity_automatic": {"taxId": values["taxId"], "type": values["type"], "outcome": "failed"},
        "user_event_batch": {"row": row},
    }[kind]
    return {**where, "code": code, "message": codes[code].format(**values)}


def skip_row(
    job_id: str, row: int, manual: bool, uploaded: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """[DOC G2] manual imports skip an existing taxId+type, automatic ones an existing entity."""
    values = row_values(job_id, row, uploaded)
    code = "SKIPPED_DUPLICATE_TAX_ID" if manual else "SKIPPED_ENTITY_ALREADY_EXISTS"
    return {
        "taxId": values["taxId"],
        "type": values["type"],
        "outcome": "skipped_existing",
        "code": code,
    }


def failing_rows(view: JobView, failed: int, skipped: int) -> tuple[list[int], list[int]]:
    """Which rows fail and which are skipped, in file order: fixed per job, revealed as counted.

    An uploaded job carries its plan (`failureRows`, `skipRows`: rows of the upload); otherwise
    the scenario's final shares are planned from the job id.
    """
    if "failureRows" in view.fields:
        return list(view.fields["failureRows"])[:failed], list(view.fields["skipRows"])[:skipped]
    total = int(view.fields.get("totalItems", 0))
    seed = f"gu1:{view.job.id}"
    plan = uploads.scenario_plan(view.scenario, total, ("failed", "skipped"), seed)
    return plan["failed"][:failed], plan["skipped"][:skipped]


# gu1's failure-code catalog was not found: a job forced to failed whose scenario names no
# failure gets this one (code and wording invented, [INF]).
FORCED_FAILURE = {"code": "BATCH_ABORTED", "message": "The batch job was aborted"}


def job_failure(view: JobView) -> dict[str, Any] | None:
    """`jobFailure`: the job's failure when it failed as a whole [DOC G1, G3], else None."""
    if view.status != "failed":
        return None
    return dict(view.fields.get("jobFailure") or FORCED_FAILURE)


def render_failures(view: JobView, numbers: Mapping[str, int]) -> dict[str, Any]:
    """The kind-specific failures body [DOC G2, G3]; empty failures[] when the whole job aborted.

    `numbers`: the job's counters as its status body shows them (totalItems, succeeded, failed,
    skipped)."""
    fields = view.fields
    kind = fields.get("kind", "transaction_batch")
    failure = job_failure(view)
    listed = 0 if failure else numbers["failed"]
    skips = kind in SKIPPING_KINDS
    skipped = numbers["skipped"] if skips else 0
    failing, skipping = failing_rows(
        view, min(listed, FAILURES_LIMIT), min(skipped, FAILURES_LIMIT)
    )
    manual = (fields.get("metadata") or {}).get("importMode", "manual") == "manual"  # [DOC G4]
    uploaded: Mapping[str, Mapping[str, Any]] = fields.get("rowValues") or {}
    body: dict[str, Any] = {
        "success": True,
        "jobId": view.job.id,
        "kind": kind,
        "status": view.status,
        **numbers,
        "failures": [failure_row(kind, view.job.id, r, uploaded.get(str(r))) for r in failing],
        "jobFailure": failure,
        "truncated": listed > FAILURES_LIMIT,
        "failuresTotal": listed,
    }
    # G3: jobFailure "only when status=failed for whole-batch errors"; G1 "Present when status is
    # failed" (seed 002): left out otherwise, as the status payload does
    if failure is None:
        del body["jobFailure"]
    if skips:
        body["skips"] = [skip_row(view.job.id, r, manual, uploaded.get(str(r))) for r in skipping]
        body["skipsTotal"] = skipped
    return body
