"""What clients send to start a job: one import for every vendor's job-creating endpoint.

    forms (jobmock.uploads.forms)            multipart bodies read as a bounded stream: read_form, Form
    file rows (jobmock.uploads.file_rows)    the data rows of an uploaded file: count_rows, rows_at, first
    row plans (jobmock.model.row_plans)    which rows fail or are skipped: plan_rows, final_share
    idempotency (here)               claim_key: a repeated upload gets the first answer, or is
                                     refused while the first is being processed

Each endpoint words the problems its own way:

    UploadProblem                   something is wrong with what was sent (a handler turns it into
    ├── BodyTooLarge                the vendor's error)
    ├── MalformedBody               not multipart/form-data, or a broken one
    └── UnreadableFile              a file that cannot be read in its declared format
        ├── NotUtf8                 a text file that is not UTF-8
        └── FileTooLarge            a file past a limit of jobmock.limits.Limits (rows, cells...)
"""

from __future__ import annotations

from jobmock.model.row_plans import final_share, plan_rows, scenario_plan
from jobmock.uploads.file_rows import (
    FORMATS,
    FileTooLarge,
    NotUtf8,
    UnreadableFile,
    count_rows,
    first,
    format_of,
    records,
    rows_at,
)
from jobmock.uploads.forms import (
    BodyTooLarge,
    Form,
    MalformedBody,
    UploadProblem,
    current_request,
    is_multipart,
    media_type,
    read_form,
)
from jobmock.uploads.idempotency import Claim, KeyInProgress, claim_key

__all__ = [
    "FORMATS",
    "BodyTooLarge",
    "Claim",
    "FileTooLarge",
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
