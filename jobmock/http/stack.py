"""The middleware stack jobmock serves with: connexion's layers, chosen and ordered in one place.

connexion takes the list of its middlewares as an option; this is it, outermost first:

    ServerErrorMiddleware          starlette's last resort (a 500 in the API's envelope); with the
                                   request journal on, jobmock.journal.capture's, which records too
    <outer>                        jobmock.frontend.wiring: CORS, before errors are rendered
    ExceptionMiddleware            every error rendered by jobmock.http.envelopes.ErrorBoundary
    DocsOnlySwaggerUI              /openapi.json and /ui, consulted for those paths only
    RoutingMiddleware              the operation is known from here on
    SecurityMiddleware             the caller is known from here on
    <routed>                       jobmock.frontend.wiring: Prefer overrides, faults
    RequestValidation              parameters (and bodies) against the served spec
    ResponseValidationMiddleware   only with --validate-responses
    LifespanMiddleware
    ContextMiddleware              connexion's context for the handler
    (the app: jobmock.http.invocation.BoundOperation)

Each layer is a hop on every request, so what a configuration does not use is left out, and the
validation layer builds its validators once per operation instead of once per request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.validators import VALIDATOR_MAP
from starlette.types import ASGIApp, Receive, Scope, Send

from jobmock.config import Config


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
        RoutingMiddleware,
        SecurityMiddleware,
        *layers.routed,
        OnceBuiltRequestValidation,
        *([ResponseValidationMiddleware] if config.validate_responses else []),
        LifespanMiddleware,
        ContextMiddleware,
    ]
