"""What clients send to start a job: one import for every vendor's job-creating endpoint.

    forms (jobmock.forms)            multipart bodies read as a bounded stream: read_form, Form
    file rows (jobmock.file_rows)    the data rows of an uploaded file: count_rows, rows_at, first
    row plans (jobmock.row_plans)    which rows fail or are skipped: plan_rows, final_share
    idempotency (here)               remember_answer: a repeated upload gets the first answer

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
    "Form",
    "MalformedBody",
    "NotUtf8",
    "UnreadableFile",
    "UploadProblem",
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
    "remember_answer",
    "rows_at",
    "scenario_plan",
]


async def remember_answer(
    store: Any, key: str, answer: Mapping[str, Any]
) -> tuple[Mapping[str, Any], bool]:
    """The first answer given under `key`: `answer` itself (False) or the one stored before (True).

    The store's set-if-absent decides between concurrent requests, across workers; a replay is
    the first answer byte for byte, however the job has moved since.
    """
    stored = await store.remember(key, json.dumps(answer).encode())
    if stored is None:
        return answer, False
    replay: Mapping[str, Any] = json.loads(stored)
    return replay, True
