"""The middleware stack jobmock serves with: connexion's layers, chosen and ordered in one place.

connexion takes the list of its middlewares as an option; this is it, outermost first:

    ServerErrorMiddleware          starlette's last resort (a 500 in the API's envelope); with the
                                   request journal on, jobmock.journal.capture's, which records too
    <outer>                        jobmock.frontend.wiring: CORS, before errors are rendered
    ExceptionMiddleware            every error rendered by jobmock.http.envelopes.ErrorBoundary
    DocsOnlySwaggerUI              /openapi.json and /ui, consulted for those paths only
    CachedRouting                  connexion's RoutingMiddleware, concrete paths first
                                   (jobmock.http.routing), each path's route remembered:
                                   the operation is known from here on
    ScopeSecurity                  the caller is known from here on
    <routed>                       jobmock.frontend.wiring: Prefer overrides, faults
    RequestValidation              parameters (and bodies) against the served spec
    ResponseValidation             only with --validate-responses
    LifespanMiddleware
    ContextMiddleware              connexion's context for the handler
    (the app: jobmock.http.invocation.BoundOperation)

Each layer is a hop on every request, so what a configuration does not use is left out, and the
validation layers build their validators once per operation instead of once per request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from connexion import utils
from connexion.exceptions import NonConformingResponseHeaders
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import (
    ResponseValidationAPI,
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.middleware.security import SecurityAPI, SecurityMiddleware, SecurityOperation
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.validators import VALIDATOR_MAP
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from jobmock.config import Config
from jobmock.http.routecache import CachedRouting


class DocsOnlySwaggerUI(SwaggerUIMiddleware):
    """connexion's spec/Swagger UI middleware, consulted only for `<base>/openapi.*` and `<base>/ui`.

    connexion runs every request through its router of docs routes before routing the API; an API
    call never matches one, so it goes straight to the next layer.
    """

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self._docs_prefixes: tuple[str, ...] = ()

    def add_api(self, specification: t.Any, base_path: str | None = None, **kwargs: t.Any) -> None:
        super().add_api(specification, base_path=base_path, **kwargs)
        base = (base_path or "").rstrip("/")
        self._docs_prefixes += (f"{base}/openapi.json", f"{base}/openapi.yaml", f"{base}/ui")

    async def __call__(self, scope: t.Any, receive: t.Any, send: t.Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self._docs_prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class ScopeRequest:
    """What a security handler reads of a request, straight from the ASGI scope.

    connexion builds a ConnexionRequest (and a Starlette Request inside it) for every secured
    request; its handlers, and jobmock's (`jobmock.http.auth`), read only these.
    """

    __slots__ = ("scope",)

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @property
    def context(self) -> dict[str, t.Any]:
        # where ConnexionRequest.context keeps it, so the handler's context sees the same dict
        context: dict[str, t.Any] = self.scope.setdefault("extensions", {}).setdefault(
            "connexion_context", {}
        )
        return context

    @property
    def headers(self) -> Headers:
        return Headers(scope=self.scope)

    @property
    def query_params(self) -> QueryParams:
        return QueryParams(self.scope.get("query_string", b""))


class ScopeSecurityOperation(SecurityOperation):
    """connexion's security check, handed a `ScopeRequest` instead of a ConnexionRequest."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.security:
            await self.verification_fn(ScopeRequest(scope))
        await self.next_app(scope, receive, send)


class ScopeSecurityAPI(SecurityAPI):
    def make_operation(self, operation: t.Any) -> SecurityOperation:
        return ScopeSecurityOperation.from_operation(
            operation,
            next_app=self.next_app,
            security_handler_factory=self.security_handler_factory,
        )


class ScopeSecurity(SecurityMiddleware):
    api_cls = ScopeSecurityAPI


class OnceBuiltValidationOperation(RequestValidationOperation):
    """connexion's request validation with the parameter validator built when the app is.

    connexion builds a URI parser and a parameter validator on every request, then parses the
    content type even when the operation takes no body. Here the validator is built once (and
    handed to connexion's own body handling through its validator map); an operation without a
    request body checks its parameters and goes on.
    """

    parameters: t.Any  # the parameter validator, built once

    def __init__(
        self,
        next_app: ASGIApp,
        *,
        operation: AbstractOperation,
        validator_map: dict[str, t.Any] | None = None,
        **kwargs: t.Any,
    ) -> None:
        validators = {**VALIDATOR_MAP, **(validator_map or {})}  # as connexion merges them
        parameter_validator = validators["parameter"]
        # connexion asks for a parameter validator on each request: it gets the one built here
        validators["parameter"] = lambda *args, **kwargs: self.parameters
        super().__init__(next_app, operation=operation, validator_map=validators, **kwargs)
        uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        self.parameters = parameter_validator(
            operation.parameters,
            uri_parser=uri_parser,
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        self.takes_body = bool(operation.consumes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.takes_body:
            await super().__call__(scope, receive, send)
            return
        self.parameters.validate(scope)
        await self.next_app(scope, receive, send)


class OnceBuiltValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return OnceBuiltValidationOperation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class OnceBuiltRequestValidation(RequestValidationMiddleware):
    api_cls = OnceBuiltValidationAPI


@dataclass
class _ResponseCheck:
    """What connexion works out for each response of one (status, Content-Type): worked out once."""

    mime_type: str
    mime_refused: bool  # not among the operation's media types (connexion raises each time)
    required_headers: frozenset[str]  # lower-cased names the response definition requires
    definition: dict[str, t.Any]
    body: t.Any  # connexion's response body validator for it, or None (no validator registered)
    conforming: dict[bytes, None] = field(default_factory=dict)  # bodies already found valid


class OnceBuiltResponseValidationOperation(ResponseValidationOperation):
    """connexion's response validation, with what it works out per response done once per
    (status, Content-Type), and a body byte-identical to one already found valid not checked again
    (a client polling a job in a phase that does not change gets the same bytes every time).

    connexion builds a media-type table, a body validator and a send wrapper for every response.
    A body not seen before goes through connexion's own body validator (`wrap_send`) as before.
    """

    CONFORMING = 64  # bodies remembered valid per (status, Content-Type)
    CONFORMING_MAX_BYTES = 64 * 1024  # larger bodies are checked every time

    def __init__(
        self,
        next_app: ASGIApp,
        *,
        operation: AbstractOperation,
        validator_map: dict[str, t.Any] | None = None,
    ) -> None:
        super().__init__(next_app, operation=operation, validator_map=validator_map)
        self.operation = operation
        self.validators = {**VALIDATOR_MAP, **(validator_map or {})}  # as connexion merges them
        self.checks: dict[tuple[int, bytes | None], _ResponseCheck] = {}

    def check_for(self, scope: Scope, status: int, headers: list[t.Any]) -> _ResponseCheck:
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), None)
        check = self.checks.get((status, content_type))
        if check is not None:
            return check
        mime_type, encoding = self.extract_content_type(headers)
        refused = False
        if status < 400:
            try:
                self.validate_mime_type(mime_type)
            except NonConformingResponseHeaders:
                refused = True
        definition = self.operation.response_definition(str(status), mime_type)
        required = frozenset(
            name.lower()
            for name, header in definition.get("headers", {}).items()
            if header.get("required", False)
        )
        validator_class = self.validators["response"].get(mime_type)
        body = None
        if validator_class is not None:
            body = validator_class(
                scope,
                schema=self.operation.response_schema(str(status), mime_type),
                nullable=utils.is_nullable(definition),
                encoding=encoding,
            )
        check = self.checks[(status, content_type)] = _ResponseCheck(
            mime_type, refused, required, definition, body
        )
        return check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check: _ResponseCheck | None = None
        held: list[t.MutableMapping[str, t.Any]] = []

        async def checked_send(message: t.MutableMapping[str, t.Any]) -> None:
            nonlocal check
            if message["type"] == "http.response.start":
                check = self.check_for(scope, message["status"], message["headers"])
                if check.mime_refused:
                    self.validate_mime_type(check.mime_type)  # raises connexion's error afresh
                if check.required_headers:
                    self.validate_required_headers(message["headers"], check.definition)
                if check.body is None:
                    await send(message)
                    return
            if check is None or check.body is None:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.start" or message.get("more_body", False):
                return
            body = b"".join(m.get("body", b"") for m in held[1:])
            if body not in check.conforming:
                await check.body.wrap_send(_discard)(held[0])
                await check.body.wrap_send(_discard)({"type": "http.response.body", "body": body})
                if len(body) <= self.CONFORMING_MAX_BYTES:
                    if len(check.conforming) >= self.CONFORMING:
                        check.conforming.clear()
                    check.conforming[body] = None
            for part in held:
                await send(part)
            held.clear()

        await self.next_app(scope, receive, checked_send)


async def _discard(message: t.Any) -> None:
    return None


class OnceBuiltResponseValidationAPI(ResponseValidationAPI):
    def make_operation(self, operation: AbstractOperation) -> t.Any:
        if not self.validate_responses:
            return self.next_app
        return OnceBuiltResponseValidationOperation(
            self.next_app, operation=operation, validator_map=self.validator_map
        )


class OnceBuiltResponseValidation(ResponseValidationMiddleware):
    api_cls = OnceBuiltResponseValidationAPI


@dataclass
class Layers:
    """Middlewares jobmock adds around connexion's (factories taking the next app)."""

    outer: list[t.Callable[[ASGIApp], ASGIApp]] = field(default_factory=list)
    routed: list[t.Callable[[ASGIApp], ASGIApp]] = field(default_factory=list)
    # the outermost layer: connexion's, or one that also records (jobmock.journal.capture)
    last_resort: t.Callable[[ASGIApp], ASGIApp] = ServerErrorMiddleware


def middlewares(config: Config, layers: Layers | None = None) -> list[t.Any]:
    """The stack for `config`, outermost first (see the module docstring)."""
    layers = layers or Layers()
    return [
        layers.last_resort,
        *layers.outer,
        ExceptionMiddleware,
        DocsOnlySwaggerUI,
        CachedRouting,
        ScopeSecurity,
        *layers.routed,
        OnceBuiltRequestValidation,
        *([OnceBuiltResponseValidation] if config.validate_responses else []),
        LifespanMiddleware,
        ContextMiddleware,
    ]
