"""Answers a document does not declare: the document's gap, declared in the served spec.

A request jobmock refuses (no valid credential: 401; an invalid input: 422; a path no route
takes: 404) answers the operation's own response for that code, else its `default`
(`jobmock.stateless.runtime.DocumentedErrors`). Many published documents declare neither: Twilio's
API v2010 declares only its 2xx on all 197 operations, though every one requires basic auth. No
answer to such a request is documented, so a checker given the document itself (schemathesis'
`status_code_conformance`) reports whatever is answered, and answering a 2xx instead would
accept what the real server refuses (and fail `negative_data_rejection`, `ignored_auth`).

So jobmock refuses as a server does, with RFC 9457 problem+json (as Prism answers an undeclared
refusal), names these operations in one warning at start, and its served `/openapi.json` declares
each such refusal (`x-jobmock-inferred: true`), so clients generated from it and a checker run
against it see every answer documented. An operation that declares no success (no response at
all, as OpenAPI 3.1 allows; or only failures, as Swagger's petstore's `POST /pet`, 405) answers a
valid request 204 No Content, declared the same way. The user's file is never changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from jobmock.documents.pointers import Node, deref
from jobmock.documents.routes import operations
from jobmock.documents.specs import ServedSpec
from jobmock.http.served import ignored_header
from jobmock.stateless.operations import NO_SUCCESS, declares_success
from jobmock.stateless.start_warnings import warn_places

INFERRED = "x-jobmock-inferred"
PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
    },
}
WHY = {
    204: "a valid request to an operation that declares no success (no 2xx, nor `default`)",
    401: "a request without a valid credential for the operation's security",
    404: "a path parameter no route takes (a `/` or a line break in it)",
    422: "a request its parameters' or body's schemas refuse",
}


@dataclass(frozen=True)
class Gap:
    """An operation, and the refusal codes it declares no response for."""

    method: str
    path: str
    key: str
    codes: tuple[int, ...]


def covered(responses: Mapping[str, Any], code: int) -> bool:
    """A response answers `code`: its own, its `NXX` range, or `default`."""
    return any(key in responses for key in (str(code), f"{code // 100}XX", "default"))


def secured(document: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    """The operation requires a credential: a security requirement, and no empty one (`{}`)."""
    requirements = operation.get("security", document.get("security")) or []
    return bool(requirements) and all(requirement for requirement in requirements)


def refusals(document: Mapping[str, Any], path: str, operation: Mapping[str, Any]) -> list[int]:
    """The refusal codes jobmock may answer on this operation, whether declared or not."""
    item = document["paths"][path]
    parameters = [*(item.get("parameters") or ()), *(operation.get("parameters") or ())]
    # a header parameter OpenAPI ignores (Accept, Content-Type, Authorization) is never refused
    checked = [p for p in parameters if not ignored_header(deref(document, Node((), p)).value)]
    codes = [401] if secured(document, operation) else []
    if "{" in path:
        codes.append(404)
    if checked or operation.get("requestBody"):
        codes.append(422)
    return codes


def gaps(document: Mapping[str, Any]) -> Iterator[Gap]:
    """Each operation that declares no response for some refusal jobmock may answer it with. A
    declared 400 is the refusal of invalid input (`DocumentedErrors.refusal_code`), so it covers
    422."""
    for method, path, operation in operations(document):
        responses = operation.get("responses") or {}
        success = () if declares_success(responses) else (NO_SUCCESS,)  # `Answers.answer`
        missing = success + tuple(
            code
            for code in refusals(document, path, operation)
            if not covered(responses, code) and not (code == 422 and covered(responses, 400))
        )
        if missing:
            key = str(operation.get("operationId") or f"{method} {path}")
            yield Gap(method, path, key, missing)


def declared(document: dict[str, Any], found: list[Gap]) -> dict[str, Any]:
    """A copy of `document` whose operations in `found` declare their refusals (copied along the
    way only: GitHub's description is 13 MB)."""
    served = {**document, "paths": dict(document["paths"])}
    for gap in found:
        item = served["paths"][gap.path] = dict(served["paths"][gap.path])
        operation = item[gap.method] = dict(item[gap.method])
        responses = operation["responses"] = dict(operation.get("responses") or {})
        for code in gap.codes:
            responses[str(code)] = (
                {"description": f"jobmock's answer to {WHY[code]}: No Content.", INFERRED: True}
                if code == NO_SUCCESS
                else {
                    "description": f"jobmock's refusal of {WHY[code]}: the document declares no "
                    f"response for it.",
                    INFERRED: True,
                    "content": {"application/problem+json": {"schema": PROBLEM}},
                }
            )
    return served


def warn(spec: ServedSpec, found: list[Gap]) -> None:
    """One warning at start naming the operations whose refusals the document does not declare."""
    warn_places(
        "jobmock: %d operation(s) declare no response (nor `default`) for a request jobmock "
        "refuses (problem+json), or no success (204); these answers are declared "
        "(x-jobmock-inferred) in its /openapi.json only. The document's gap: a checker given "
        "the document itself (schemathesis' status_code_conformance) reports them as "
        "undocumented",
        len(found),
        (
            (
                ("paths", gap.path, gap.method, "responses"),
                f"{gap.key} declares no {', '.join(map(str, gap.codes))}",
            )
            for gap in found
        ),
        spec.source,
    )


def with_refusals(spec: ServedSpec) -> tuple[ServedSpec, dict[str, tuple[int, ...]]]:
    """`spec` as served, its undeclared refusals declared and named in a warning; and those
    refusals by operation key."""
    found = list(gaps(spec.document))
    warn(spec, found)
    undeclared = {gap.key: gap.codes for gap in found}
    if not found:
        return spec, undeclared
    return replace(spec, document=declared(spec.document, found)), undeclared
