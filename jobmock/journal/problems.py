"""Why a request was refused, in plain words: one problem per thing wrong, each with where.

The error the boundary answered (`jobmock.http.envelopes.ErrorBoundary` leaves it in the request's
extensions under `ANSWERED_ERROR`) carries every problem request validation found
(`jobmock.errors.carrying`); each becomes `{"pointer": "body/sources/0/content", "message":
"required"}`.  Errors a handler raises (a vendor's own checks) are one problem, their message.
"""

from __future__ import annotations

import re
from typing import Any

from jobmock.errors import ApiError, InvalidBody, InvalidParameter
from jobmock.http.envelopes import ANSWERED_ERROR

__all__ = ["ANSWERED_ERROR", "first_problem", "problems_of"]
_AT = re.compile(r" \(at /[^)]*\)$")
_REQUIRED = re.compile(r"^'(.+)' is a required property")


def problem(error: InvalidParameter | InvalidBody) -> dict[str, str]:
    if isinstance(error, InvalidParameter):
        return {"pointer": f"{error.location}/{error.name}", "message": _plain(error.reason)}
    path = [str(part) for part in error.path]
    message = _AT.sub("", error.reason)
    if error.keyword == "required":
        missing = _REQUIRED.match(message)
        if missing:
            path.append(missing.group(1))
        message = "required"
    return {"pointer": "/".join(["body", *path]), "message": message}


def _plain(reason: str) -> str:
    return _AT.sub("", reason)


def problems_of(error: ApiError) -> list[dict[str, str]]:
    if isinstance(error, InvalidParameter | InvalidBody):
        return [problem(each) for each in error.problems]
    return [{"pointer": "", "message": error.message}]


def first_problem(entry: dict[str, Any]) -> str:
    """One line for `--log requests`: the first problem, or the closest near miss."""
    for found in entry.get("problems") or ():
        return f"{found['pointer']}: {found['message']}" if found["pointer"] else found["message"]
    for miss in entry.get("near_misses") or ():
        return (
            f"no operation matches; closest {miss['method']} {miss['path']}: {miss['reasons'][0]}"
        )
    return ""
