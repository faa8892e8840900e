"""What clients send to start a job: one import for every vendor's job-creating endpoint.

    forms (jobmock.forms)            multipart bodies read as a bounded stream: read_form, Form
    file rows (jobmock.file_rows)    the data rows of an uploaded file: count_rows, rows_at, first
    row plans (jobmock.row_plans)    which rows fail or are skipped: plan_rows, final_share
    idempotency (here)               claim_key: a repeated upload gets the first answer, or is
                                     refused while the first is being processed

Each endpoint words the problems its own way:

    UploadProblem                   something is wrong with what was sent (a handler turns it into
    ├── BodyTooLarge                the vendor's error)
    ├── MalformedBody               not multipart/form-data, or a broken one
    └── UnreadableFile              a file that cannot be read in its declared format
        └── NotUtf8                 a text file that is not UTF-8
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.file_rows import (
    FORMATS,
    NotUtf8,
    UnreadableFile,
    count_rows,
    first,
    format_of,
    records,
    rows_at,
)
from jobmock.forms import (
    BodyTooLarge,
    Form,
    MalformedBody,
    UploadProblem,
    current_request,
    is_multipart,
    media_type,
    read_form,
)
from jobmock.row_plans import final_share, plan_rows, scenario_plan

__all__ = [
    "FORMATS",
    "BodyTooLarge",
    "Claim",
    "Form",
    "KeyInProgress",
    "MalformedBody",
    "NotUtf8",
    "UnreadableFile",
    "UploadProblem",
    "claim_key",
    "count_rows",
    "current_request",
    "final_share",
    "first",
    "format_of",
    "is_multipart",
    "media_type",
    "plan_rows",
    "read_form",
    "records",
    "rows_at",
    "scenario_plan",
]


class KeyInProgress(Exception):
    """The first request under this idempotency key is still being processed."""


FAILED = b"failed"  # how a claimed request ended without an answer: the key may be used again
OBSERVED = b"observed"  # an outcome slot taken by a request that saw the claim still pending


@dataclass
class Claim:
    """An idempotency key, as one request found it: the first answer to `replay`, or held by
    this request, which records how it ended with `settle`."""

    store: Any
    slots: str = ""  # the prefix of this claim's outcome slots ("" for a replay)
    replay: Mapping[str, Any] | None = None

    async def settle(self, answer: Mapping[str, Any] | None) -> None:
        """Records the answer (None: the request failed, the key is free again)."""
        value = FAILED if answer is None else json.dumps(answer).encode()
        slot = 0
        while await self.store.remember(f"{self.slots}:{slot}", value) is not None:
            slot += 1  # a request saw this claim pending and took the slot: the next one


async def claim_key(store: Any, key: str) -> Claim:
    """The key held by this request, or the first answer to replay; `KeyInProgress` while the
    request holding it has not ended.

    Built on the store's set-if-absent alone, so workers sharing a store agree: attempt n of a key
    is held by whoever sets `<key>:<n>` first, and ends in the first of its outcome slots
    `<key>:<n>:<j>` its holder sets; a request that finds the attempt held takes the next free slot
    itself (the holder, still pending then, writes after it). A failed attempt frees the key for
    the next one.
    """
    attempt = 0
    while True:
        held = f"{key}:{attempt}"
        if await store.remember(held, b"held") is None:
            return Claim(store, slots=held)
        slot = 0
        while (outcome := await store.remember(f"{held}:{slot}", OBSERVED)) == OBSERVED:
            slot += 1
        if outcome is None:
            raise KeyInProgress(key)
        if outcome != FAILED:
            replay: Mapping[str, Any] = json.loads(outcome)
            return Claim(store, replay=replay)
        attempt += 1
