"""Error envelopes: how each API shapes its error bodies, and the one boundary that renders them.

Every API declares its envelope once (generic ones here, vendor-specific ones in `handlers/<api>.py`);
`ErrorBoundary` is registered as connexion's error handler, translates third-party exceptions
(connexion problems, Starlette HTTP errors, anything unexpected) into `ApiError`, finds the API from
the request path and lets that API's envelope render the body.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from jobmock.errors import (
    ApiError,
    InternalError,
    InvalidBody,
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
    UnsupportedMediaType,
    error_for_status,
)

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest, ConnexionResponse

logger = logging.getLogger("jobmock")

ANSWERED_ERROR = "jobmock.answered_error"
"""Key of the ASGI scope's extensions where the boundary leaves the error it answered."""


@dataclass(frozen=True)
class ErrorReply:
    status: int
    body: Any
    media_type: str = "application/json"
    headers: Mapping[str, str] | None = None


class Envelope(Protocol):
    """Turns an ApiError into the status code and body this API really answers with."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply: ...


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def detail_of(error: ApiError) -> str:
    """What went wrong, for people: an invalid parameter's name and reason, a body's reason."""
    if isinstance(error, InvalidParameter):
        return f"{error.name}: {error.reason}"
    if isinstance(error, InvalidBody):
        return error.reason
    return error.message


class ProblemJson:
    """RFC 9457 problem details (jobmock's own control API)."""

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        body: dict[str, Any] = {
            "type": f"https://jobmock.dev/problems/{error.slug.replace('_', '-')}",
            "title": reason(error.status),
            "status": error.status,
            "detail": detail_of(error),
        }
        return ErrorReply(error.status, body, "application/problem+json")


PYDANTIC_TYPES = {
    ("format", "uuid"): ("uuid_parsing", "Input should be a valid UUID"),
    ("type", "integer"): (
        "int_parsing",
        "Input should be a valid integer, unable to parse string as an integer",
    ),
    ("required", None): ("missing", "Field required"),
}


# JSON Schema `type` -> pydantic v2's error type and message for a body value of the wrong type.
PYDANTIC_TYPE = {
    "string": ("string_type", "Input should be a valid string"),
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "array": ("list_type", "Input should be a valid list"),
    "object": ("dict_type", "Input should be a valid dictionary"),
}
# pydantic's lax mode parses strings into numbers and booleans: one it cannot parse is a parsing
# error, not a type error (pydantic's error list: int_parsing, float_parsing, bool_parsing).
PYDANTIC_PARSING = {
    "integer": (
        "int_parsing",
        "Input should be a valid integer, unable to parse string as an integer",
    ),
    "number": (
        "float_parsing",
        "Input should be a valid number, unable to parse string as a number",
    ),
    "boolean": ("bool_parsing", "Input should be a valid boolean, unable to interpret input"),
}
INT_FROM_FLOAT = (
    "int_from_float",
    "Input should be a valid integer, got a number with a fractional part",
)
REQUIRED = re.compile(r"^'(.+)' is a required property")


def within(problem: Any, outer: Any) -> bool:
    """Whether body `problem` is about something inside the value `outer` is about."""
    if not isinstance(problem, InvalidBody) or not isinstance(outer, InvalidBody):
        return False
    inner = (*problem.path, "") if problem.keyword == "required" else problem.path
    return len(inner) > len(outer.path) and inner[: len(outer.path)] == outer.path


def _missing(error: InvalidBody, item: dict[str, Any]) -> None:
    if error.path != () or error.value is not None:  # not the whole body: a property is missing
        missing = REQUIRED.match(error.reason)
        item["loc"].append(missing.group(1) if missing else "")
    item.update(type="missing", msg="Field required")


def _json_invalid(error: InvalidBody, item: dict[str, Any]) -> None:
    """FastAPI's: where json.loads stopped, and why."""
    item.update(type="json_invalid", msg="JSON decode error", input={})
    if isinstance(error.expected, dict) and "pos" in error.expected:
        item["loc"].append(error.expected["pos"])
        item["ctx"] = {"error": error.expected["error"]}


def _wrong_type(error: InvalidBody, item: dict[str, Any]) -> None:
    expected, value = error.expected, error.value
    if not isinstance(expected, str) or expected not in PYDANTIC_TYPE:
        return
    kind = PYDANTIC_TYPE[expected]
    if isinstance(value, str) and expected in PYDANTIC_PARSING:
        kind = PYDANTIC_PARSING[expected]
    elif expected == "integer" and isinstance(value, float):
        kind = INT_FROM_FLOAT
    item.update(zip(("type", "msg"), kind, strict=True))


def _list_length(error: InvalidBody, item: dict[str, Any]) -> None:
    expected, value = error.expected, error.value
    if not isinstance(value, list):
        return
    short = error.keyword == "minItems"
    bound = "at least" if short else "at most"
    items = "item" if expected == 1 else "items"
    item.update(
        type="too_short" if short else "too_long",
        msg=f"List should have {bound} {expected} {items} after validation, not {len(value)}",
        ctx={
            "field_type": "List",
            "min_length" if short else "max_length": expected,
            "actual_length": len(value),
        },
    )


def _string_too_short(error: InvalidBody, item: dict[str, Any]) -> None:
    if not isinstance(error.value, str):
        return
    chars = "character" if error.expected == 1 else "characters"
    item.update(
        type="string_too_short",
        msg=f"String should have at least {error.expected} {chars}",
        ctx={"min_length": error.expected},
    )


def _not_one_of(error: InvalidBody, item: dict[str, Any]) -> None:
    if not isinstance(error.expected, list):
        return
    options = [repr(option) for option in error.expected]
    wanted = " or ".join(options) if len(options) < 3 else ", ".join(options[:-1])
    if len(options) >= 3:
        wanted += f" or {options[-1]}"
    item.update(type="enum", msg=f"Input should be {wanted}", ctx={"expected": wanted})


def _bad_format(error: InvalidBody, item: dict[str, Any]) -> None:
    if error.expected == "uuid":
        item.update(type="uuid_parsing", msg="Input should be a valid UUID")


# JSON Schema keyword -> pydantic v2's wording of a body item that broke it; a keyword not here,
# or a case its function leaves as it is, stays pydantic's generic value_error.
PYDANTIC_ITEMS: dict[str, Callable[[InvalidBody, dict[str, Any]], None]] = {
    "required": _missing,
    "json": _json_invalid,
    "type": _wrong_type,
    "minItems": _list_length,
    "maxItems": _list_length,
    "minLength": _string_too_short,
    "enum": _not_one_of,
    "format": _bad_format,
}


class FastApiDetail:
    """FastAPI's shapes: `{"detail": [...]}` (422) for validation errors, `{"detail": msg}` otherwise."""

    def __init__(self, messages: Mapping[int, str] | None = None) -> None:
        self.messages = dict(messages or {})

    def render(self, error: ApiError, request: ConnexionRequest) -> ErrorReply:
        if isinstance(error, InvalidParameter | InvalidBody):
            return ErrorReply(422, {"detail": self.items(error)})
        message = self.messages.get(error.status, error.message)
        return ErrorReply(error.status, {"detail": message}, headers=error.headers or None)

    def items(self, error: InvalidParameter | InvalidBody) -> list[dict[str, Any]]:
        """One item per problem of the request, as FastAPI lists them (`jobmock.http.request_problems`): a body
        that is not JSON alone (FastAPI stops there, before the parameters); a list too long
        alone (pydantic stops at the item past the bound); a list too short only when its items
        are valid (pydantic checks the length after them). An item may be None: a problem
        pydantic would not see."""
        problems: Sequence[InvalidParameter | InvalidBody] = error.problems
        broken = [p for p in problems if isinstance(p, InvalidBody) and p.keyword == "json"]
        if broken:
            problems = broken[:1]
        bodies = [p for p in problems if isinstance(p, InvalidBody)]
        kept = []
        for problem in problems:
            if isinstance(problem, InvalidBody) and any(
                within(problem, other) and other.keyword == "maxItems" for other in bodies
            ):
                continue
            if problem.keyword == "minItems" and any(within(other, problem) for other in bodies):
                continue
            kept.append(problem)
        found = (self.problem_item(problem) for problem in kept)
        return [item for item in found if item is not None]

    def problem_item(self, problem: InvalidParameter | InvalidBody) -> dict[str, Any] | None:
        if isinstance(problem, InvalidParameter):
            return self.parameter_item(problem)
        return self.body_item(problem)

    @staticmethod
    def body_item(error: InvalidBody) -> dict[str, Any]:
        """pydantic v2's item for a body that broke its schema (common keywords; else value_error)."""
        item: dict[str, Any] = {
            "type": "value_error",
            "loc": ["body", *error.path],
            "msg": error.reason,
            "input": error.value,
        }
        fill = PYDANTIC_ITEMS.get(error.keyword)
        if fill is not None:
            fill(error, item)
        return {k: item[k] for k in ("type", "loc", "msg", "input", "ctx") if k in item}

    @staticmethod
    def parameter_item(error: InvalidParameter) -> dict[str, Any]:
        kind = "format" if error.keyword == "format" else error.keyword
        detail = None
        for (keyword, value), found in PYDANTIC_TYPES.items():
            if kind == keyword and (value is None or value in error.reason or keyword == "format"):
                detail = found
                break
        type_, msg = detail or ("value_error", error.reason)
        item: dict[str, Any] = {"type": type_, "loc": [error.location, error.name], "msg": msg}
        if error.value is not None:
            item["input"] = error.value
        return item


def translate(exc: BaseException) -> ApiError:
    """Any exception as an ApiError: third-party errors are translated here, where they enter."""
    if isinstance(exc, ApiError):
        return exc
    from jobmock.store.base import StoreUnavailable

    if isinstance(exc, StoreUnavailable):  # logged by the store, once per outage
        retry = {"Retry-After": str(exc.retry_after_s)}
        return ServiceUnavailable("the service is unavailable, try again later", headers=retry)
    # imported here: handler modules use the envelopes, and `jobmock validate` loads them fast
    from connexion.exceptions import ProblemException
    from starlette.exceptions import HTTPException

    if isinstance(exc, ProblemException):
        if exc.status == 400 and exc.detail == "RequestBody is required":  # an empty body
            return InvalidBody("request body is required", keyword="required")
        if exc.status == 415:
            return UnsupportedMediaType(str(exc.detail or "unsupported media type"))
        if exc.status >= 500:
            logger.error("server error: %s", exc.detail)
        return error_for_status(exc.status, str(exc.detail or exc.title or reason(exc.status)))
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return NotFound("not found")
        if exc.status_code == 405:  # keep Starlette's `Allow`: RFC 9110 requires it on a 405
            return MethodNotAllowed("method not allowed", headers=dict(exc.headers or {}))
        return error_for_status(exc.status_code, str(exc.detail))
    logger.error("unexpected error", exc_info=exc)
    return InternalError("an unexpected error occurred")


class ErrorBoundary:
    """connexion error handler: picks the envelope by the API whose prefix the path is under."""

    def __init__(
        self,
        envelopes: Mapping[str, Envelope],
        fallback: Envelope | None = None,
        allowed: Callable[[str], str | None] | None = None,
    ) -> None:
        # longest prefix first, so "/_mock" is not shadowed by "/"
        self.envelopes = sorted(envelopes.items(), key=lambda item: -len(item[0]))
        self.fallback = fallback or ProblemJson()
        self.allowed = allowed  # path -> every method the served spec declares there

    def envelope_for(self, path: str) -> Envelope:
        for prefix, envelope in self.envelopes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return envelope
        return self.fallback

    async def __call__(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        from connexion.lifecycle import ConnexionResponse

        error = translate(exc)
        # the request journal (jobmock.journal.problems) explains the refusal from this error
        request.scope.setdefault("extensions", {})[ANSWERED_ERROR] = error
        # the scope's path, not request.url (a URL object parsed per error answer)
        reply = self.envelope_for(request.scope["path"]).render(error, request)
        headers = {**error.headers, **(reply.headers or {})}
        if isinstance(error, MethodNotAllowed) and self.allowed is not None:
            # Starlette names only the first matching route's methods; the spec knows them all
            headers["Allow"] = self.allowed(request.scope["path"]) or headers.get("Allow", "")
        return ConnexionResponse(
            status_code=reply.status,
            mimetype=reply.media_type,
            content_type=reply.media_type,
            # a body that is not JSON (a redirect's HTML page) goes as it is
            body=json.dumps(reply.body) if "json" in reply.media_type else reply.body,
            headers=headers,
        )
