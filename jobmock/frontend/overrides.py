"""Per-request overrides, named like Prism's: the `Prefer` header reaches any screen of a UI.

    Prefer: code=404          that documented status code, with the API's real error body
    Prefer: status=FAILED     the job as it would look in that status (a pure render: nothing stored)
    Prefer: delay=1500        the answer 1.5 s late
    Prefer: code=503, delay=2000
    Prefer: example=NAME      that named example (an API served from its document alone)
    Prefer: dynamic=true      a body generated afresh (an API served from its document alone)

Only what the served spec declares is accepted: codes among the operation's documented responses;
statuses of the API's status model (its fixture's `statuses`, which `jobmock validate` checks against
the spec's `status` enum). Anything else is a 400 in the API's own envelope saying what is allowed.
Preferences jobmock does not know (`return=minimal`...) are ignored, as RFC 7240 asks; those it
applied are named in `Preference-Applied`. `jobmock serve --no-overrides` turns all of this off, so a
contract run sees the real behaviour.

An error code is answered like this: a GET runs with its job looked up as missing, so the handler
answers with its own not-found error; when that has the code asked for (404 on most APIs, Claret's
422), it is the answer, word for word. Otherwise (and for other methods, which never reach their
handler, so nothing is created) the API's envelope renders the typed error of that code
(:data:`TYPED_ERRORS`), as it renders every error the API raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from connexion.lifecycle import ConnexionRequest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobmock.documents.routes import Route, RouteTable
from jobmock.engine.mock import ApiRuntime, JobView, Mock
from jobmock.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    InvalidParameter,
    InvalidPrefer,
    NotFound,
    Unauthorized,
    error_for_status,
)
from jobmock.http.envelopes import reason, translate
from jobmock.model.lifecycle import (
    StatusModel,
    Transition,
    TransitionRefused,
    render,
    resolve_transition,
)

MAX_DELAY_MS = 60_000
SAFE_METHODS = ("GET", "HEAD")


def invalid(message: str) -> InvalidPrefer:
    return InvalidPrefer(f"invalid Prefer header: {message}")


@dataclass
class Preferences:
    """What one request's `Prefer` asked for, checked against its route."""

    code: int | None = None
    status: str | None = None
    delay_ms: int | None = None
    example: str | None = None  # a named example (stateless APIs)
    dynamic: bool = False  # a freshly generated body (stateless APIs)
    applied: dict[str, str] = field(default_factory=dict)  # for Preference-Applied
    missing: bool = False  # look the job up as missing (an error code is being answered)

    def header(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.applied.items())

    async def view(
        self, mock: Mock, api: ApiRuntime, job_id: str, tenant: str, *, poll: bool = True
    ) -> JobView:
        """The job as the handler should render it under these preferences."""
        if self.missing:
            raise NotFound("job not found", slug="job_not_found")
        if self.status is None:
            return await mock.view(api.name, job_id, tenant, poll=poll)
        view = await mock.view(api.name, job_id, tenant, poll=False)  # no poll-mode move either
        self.applied["status"] = self.status
        return as_status(view, self.status, api.fixture.statuses, await mock.natural())


def as_status(view: JobView, status: str, model: StatusModel, natural: bool) -> JobView:
    """`view` as it would look in `status` now: a synthetic transition, rendered, never stored.

    A status the job can still reach is forced now (as the control API would do it); one it cannot
    (behind it, or after a terminal status) is rendered as if forced the moment it was created.
    """
    job = view.job
    try:
        transition = resolve_transition(
            job, view.scenario, model, view.now, status, natural=natural
        )
        synthetic = job.with_transition(transition)
    except TransitionRefused:
        first = view.scenario.phases[0].status
        forced = () if status == first else (Transition(job.created_at, status),)
        synthetic, natural = replace(job, transitions=forced), False
    snapshot = render(synthetic, view.scenario, model, view.now, natural=natural)
    return replace(view, job=synthetic, snapshot=snapshot)


Check = Callable[[str, Route, ApiRuntime], Any]


def _code(value: str, route: Route, api: ApiRuntime) -> int:
    documented = ", ".join(route.codes)
    by_default = api.stateless is not None and "default" in route.codes  # answered by `default`
    if not value.isdigit() or not (route.declares(int(value)) or by_default):
        raise invalid(f"code={value} is not documented for {route.label}; documented: {documented}")
    return int(value)


def _status(value: str, route: Route, api: ApiRuntime) -> str:
    if not api.fixture.scenarios:
        raise invalid(f"status={value}: {api.name} is a stateless API, it has no jobs")
    model = api.fixture.statuses
    if value not in model:
        known = ", ".join(model.order + model.terminal)
        raise invalid(f"status={value} is not a status of {api.name} jobs; statuses: {known}")
    return value


def _delay(value: str, route: Route, api: ApiRuntime) -> int:
    if not value.isdigit() or int(value) > MAX_DELAY_MS:
        raise invalid(f"delay={value} is not a number of milliseconds from 0 to {MAX_DELAY_MS}")
    return int(value)


def _example(value: str, route: Route, api: ApiRuntime) -> str:
    names = api.stateless.answers.example_names(route.operation_id)
    if value not in names:
        known = ", ".join(names) or "none"
        raise invalid(f"example={value} is not an example of {route.label}; examples: {known}")
    return value


def _dynamic(value: str, route: Route, api: ApiRuntime) -> bool:
    if value.lower() not in ("true", "false"):
        raise invalid(f"dynamic={value} is not true or false")
    return value.lower() == "true"


PREFERENCES: dict[str, tuple[str, Check]] = {
    "code": ("code", _code),
    "status": ("status", _status),
    "delay": ("delay_ms", _delay),
    "example": ("example", _example),
    "dynamic": ("dynamic", _dynamic),
}
STATELESS_ONLY = ("example", "dynamic")  # a vendor API ignores them, as any unknown preference
"""Preference name -> (Preferences attribute, check turning the value into it)."""


def parse(values: list[str], route: Route, api: ApiRuntime) -> Preferences:
    """The preferences jobmock knows among `Prefer` header values (RFC 7240: `a=1, b="2"; p`)."""
    preferences = Preferences()
    for value in values:
        for item in value.split(","):
            name, _, rest = item.split(";")[0].partition("=")
            name = name.strip().lower()
            if name not in PREFERENCES or (name in STATELESS_ONLY and api.stateless is None):
                continue
            attribute, check = PREFERENCES[name]
            raw = rest.strip().strip('"')
            setattr(preferences, attribute, check(raw, route, api))
            if name != "status":  # applied by the handler's view, if it shows a job
                preferences.applied[name] = raw
    return preferences


def _invalid_parameter(route: Route) -> ApiError:
    location, name = next(
        (p for p in reversed(route.parameters) if p[0] == "path"), ("query", "id")
    )
    return InvalidParameter(location, name, "invalid", "invalid value", keyword="type")


TYPED_ERRORS: dict[int, Callable[[Route], ApiError]] = {
    400: lambda route: BadRequest("invalid request", slug="invalid_request"),
    401: lambda route: Unauthorized("invalid credentials"),
    403: lambda route: Forbidden("forbidden"),
    404: lambda route: NotFound("job not found", slug="job_not_found"),
    409: lambda route: Conflict("conflict"),
    422: _invalid_parameter,
}
"""The error a code is answered with when the handler's own not-found answer has another code."""


_CURRENT: ContextVar[Preferences | None] = ContextVar("jobmock_preferences", default=None)


def current() -> Preferences | None:
    """The preferences of the request being handled (None: no override applies)."""
    return _CURRENT.get()


class OverridesMiddleware:
    """Applies `Prefer` to vendor requests (connexion middleware, after routing and security)."""

    def __init__(self, app: ASGIApp, routes: RouteTable, apis: Mapping[str, ApiRuntime]) -> None:
        self.app = app
        self.routes = routes
        self.apis = apis

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(k == b"prefer" for k, _ in scope["headers"]):
            await self.app(scope, receive, send)  # most requests: nothing to look up
            return
        route = self.routes.for_scope(scope)
        values = Headers(scope=scope).getlist("prefer") if route is not None else []
        if route is None or not values:
            await self.app(scope, receive, send)
            return
        preferences = parse(values, route, self.apis[route.api])
        if preferences == Preferences():  # only preferences jobmock does not know
            await self.app(scope, receive, send)
            return
        token = _CURRENT.set(preferences)
        try:
            if preferences.delay_ms:
                await asyncio.sleep(preferences.delay_ms / 1000)
            stateless = self.apis[route.api].stateless is not None  # its handler answers any code
            if preferences.code is not None and preferences.code >= 400 and not stateless:
                await self.answer_error(scope, receive, route, preferences)
                return

            async def send_applied(message: Message) -> None:
                if message["type"] == "http.response.start" and preferences.applied:
                    MutableHeaders(scope=message)["Preference-Applied"] = preferences.header()
                await send(message)

            await self.app(scope, receive, send_applied)
        finally:
            _CURRENT.reset(token)

    async def answer_error(
        self, scope: Scope, receive: Receive, route: Route, preferences: Preferences
    ) -> None:
        """Raise the error `preferences.code` asks for (see the module docstring)."""
        code = preferences.code or 500
        envelope = self.apis[route.api].handlers.envelope
        request = ConnexionRequest(scope, receive)

        def answers(error: ApiError) -> bool:
            return bool(envelope.render(error, request).status == code)

        async def discard(message: Message) -> None:  # a success is not what was asked for
            return None

        candidates: list[ApiError] = []
        if route.method in SAFE_METHODS:  # run for its answer only: it must not change anything
            preferences.missing = True
            try:
                await self.app(scope, receive, discard)
            except Exception as exc:  # the handler's own answer to a missing job
                candidates.append(translate(exc))
        typed = TYPED_ERRORS.get(code)
        candidates += [typed(route)] if typed else []
        candidates.append(error_for_status(code, reason(code)))
        error = next((e for e in candidates if answers(e)), candidates[-1])
        error.headers["Preference-Applied"] = preferences.header()
        raise error
