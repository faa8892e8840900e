"""jobmock's exceptions: raised where a problem is found, rendered once at a boundary.

    JobmockError                    exit code 2 (bad input) unless a subclass says otherwise
    ├── ApiError                    an HTTP client or server error; each API's envelope renders it
    │   ├── BadRequest (400)
    │   │   ├── InvalidParameter    a parameter broke its schema (location, name, value)
    │   │   ├── InvalidBody         a request body broke its schema
    │   │   │   (either may carry every problem of its request in `problems`)
    │   │   └── InvalidPrefer       a `Prefer` the mock cannot honour: the mock's refusal
    │   ├── Unauthorized (401)
    │   ├── Forbidden (403)
    │   ├── NotFound (404)
    │   ├── MethodNotAllowed (405)
    │   ├── Conflict (409)
    │   ├── PayloadTooLarge (413)
    │   ├── UnsupportedMediaType (415)
    │   ├── Unprocessable (422)
    │   ├── InternalError (500)
    │   └── ServiceUnavailable (503) e.g. the store is down or busy (with Retry-After)
    ├── SourceError                 a broken input file (spec, overlay, fixture): file, line, column
    │   ├── SpecError
    │   ├── FixtureError
    │   └── HandlerError            (jobmock.engine.handlers) a handler module missing a hook
    ├── StoreError                  (jobmock.store) a store that cannot be opened or reached
    │   └── StoreUnavailable        down or busy now: the APIs answer 503 ServiceUnavailable
    ├── ContractError               (jobmock.contract) a contract run that cannot start
    ├── SetupError                  what the machine cannot do: a port in use, a missing extra
    ├── ChecksFailed (exit code 1)  a run that worked and found problems (validate, contract)
    └── Interrupted (exit code 130) a run stopped by Ctrl-C, its partial report written

Two boundaries render them: each API's error envelope (`jobmock.http.envelopes`) renders ApiError
as an HTTP answer; the CLI (`jobmock.cli`) renders every other one as `jobmock: <message>`, one line
on stderr, and exits with its `exit_code`. Bad command-line syntax is click's `UsageError` (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


class JobmockError(Exception):
    """Base of every error jobmock raises on purpose.

    `exit_code` is what `jobmock` exits with when one reaches the command line: 2, bad input (a
    file, an option, a store, a port), unless a subclass says otherwise."""

    exit_code: ClassVar[int] = 2


class ApiError(JobmockError):
    """An HTTP error answer. `slug` is a stable machine id; `message` is for people."""

    status: ClassVar[int] = 500
    default_slug: ClassVar[str] = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        slug: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug or self.default_slug
        self.details = details or {}
        self.headers = headers or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.slug!r}, {self.message!r})"


class BadRequest(ApiError):
    status = 400
    default_slug = "invalid_request"


class InvalidParameter(BadRequest):
    """A path, query or header parameter that does not match its declared schema."""

    def __init__(
        self, location: str, name: str, value: Any, reason: str, *, keyword: str = ""
    ) -> None:
        super().__init__(f"invalid {name}", slug="invalid_parameter")
        self.location = location
        self.name = name
        self.value = value
        self.reason = reason
        self.keyword = keyword  # the failing JSON Schema keyword ("format", "type", "required"...)
        self.problems: list[InvalidParameter | InvalidBody] = [self]  # see `carrying`


class InvalidBody(BadRequest):
    def __init__(
        self,
        reason: str,
        *,
        path: tuple[str | int, ...] = (),
        keyword: str = "",
        value: Any = None,
        expected: Any = None,
    ) -> None:
        super().__init__(reason, slug="invalid_body")
        self.reason = reason
        self.path = path
        self.keyword = keyword
        self.value = value  # the offending value (for `required`: the object missing a property)
        self.expected = expected  # the keyword's value in the schema (e.g. minItems' number)
        self.problems: list[InvalidParameter | InvalidBody] = [self]  # see `carrying`


class InvalidPrefer(BadRequest):
    """A `Prefer` header naming what the operation does not declare: the mock refuses it, not
    the API, so an API served from its document alone answers it as jobmock's own problem."""

    default_slug = "invalid_prefer"


def carrying(
    first: InvalidParameter | InvalidBody, problems: list[InvalidParameter | InvalidBody]
) -> InvalidParameter | InvalidBody:
    """`first`, carrying every problem of its request: envelopes that report one problem render
    `first` itself, those that list them all (FastAPI's 422) read `problems`."""
    first.problems = problems
    return first


class Unauthorized(ApiError):
    status = 401
    default_slug = "unauthorized"


class Forbidden(ApiError):
    status = 403
    default_slug = "forbidden"


class NotFound(ApiError):
    status = 404
    default_slug = "not_found"


class MethodNotAllowed(ApiError):
    status = 405
    default_slug = "method_not_allowed"


class Conflict(ApiError):
    status = 409
    default_slug = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    default_slug = "request_entity_too_large"


class UnsupportedMediaType(ApiError):
    status = 415
    default_slug = "unsupported_media_type"


class Unprocessable(ApiError):
    status = 422
    default_slug = "unprocessable_entity"


class InternalError(ApiError):
    status = 500
    default_slug = "internal_server_error"


class ServiceUnavailable(ApiError):
    status = 503
    default_slug = "service_unavailable"


API_ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        Unprocessable,
        InternalError,
        ServiceUnavailable,
    )
}


def error_for_status(status: int, message: str) -> ApiError:
    """An ApiError of the class that owns `status` (unknown 4xx -> BadRequest, 5xx -> 500)."""
    cls = API_ERRORS_BY_STATUS.get(status) or (BadRequest if status < 500 else InternalError)
    error = cls(message)
    if cls.status != status:
        error.status = status  # type: ignore[misc]  # keep an unusual code (e.g. 406) as it came
    return error


@dataclass
class SourceError(JobmockError):
    """A problem in an input file, located as precisely as we can."""

    file: Path | str
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class SpecError(SourceError):
    """An OpenAPI document or overlay that cannot be served."""


class FixtureError(SourceError):
    """A fixture file that does not describe valid tenants, scenarios or jobs."""


class SetupError(JobmockError):
    """What was asked cannot be done on this machine: a port already in use, an optional
    dependency that is not installed."""


class Interrupted(JobmockError):
    """A run stopped by Ctrl-C (SIGINT) after writing what it found so far; 130 is the shell's
    code for a command ended by SIGINT."""

    exit_code = 130


class ChecksFailed(JobmockError):
    """A run that worked and found problems (`jobmock validate`, `jobmock contract`, a non-2xx
    `jobmock serve --get`); its message says how many, its report has already been written."""

    exit_code = 1
