"""connexion 3.3's private names, reached from here only (pinned `==3.3.0` in pyproject.toml).

Three kinds:
- the request context: connexion's context variables, read directly (its public `connexion.context`
  objects are werkzeug proxies, which hand out a proxy, not the dict or scope itself);
- two functions of connexion's own argument rules (`path_arguments`, `query_arguments`);
- hooks connexion calls under a private name and documents no other way to change: each gets a
  base class here that calls a public method instead (`validate_body`, `parse_body`,
  `parameter_decorator_cls`, `validate_spec`, `body_schema`), whose default is connexion's own behaviour. A
  subclass elsewhere in jobmock overrides the public name.

`tests/internals/test_private_names.py` checks each one still exists and is still used by
connexion the way jobmock relies on.
"""

from __future__ import annotations

import typing as t

from connexion.context import _context, _receive, _scope
from connexion.decorators.main import StarletteDecorator
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    _get_path_arguments,
    _get_query_arguments,
)
from connexion.middleware.routing import _scope as _routing_scope
from connexion.spec import OpenAPISpecification
from connexion.uri_parsing import OpenAPIURIParser
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
)
from starlette.types import Receive, Scope

# -- the request context (set by connexion's ContextMiddleware for the handler) ------------------

# connexion.context.context is a proxy; handlers are given (and compare) the dict itself
current_context: t.Callable[[], dict[str, t.Any]] = _context.get
# connexion.context.scope is a proxy; Starlette requests and connexion's own decorators take the
# ASGI scope itself, as `_scope.get()` gives it
current_scope: t.Callable[[], Scope] = _scope.get
# connexion.context.receive is a proxy; as for the scope, the channel itself
current_receive: t.Callable[[], Receive] = _receive.get

# connexion's RoutingMiddleware keeps the request's scope in a context variable of its module for
# the RoutingOperation its Router reaches (which reads the variable, not its own argument): a
# request routed without the Router (jobmock.http.routecache) sets it as the middleware does
set_routing_scope: t.Callable[[Scope], t.Any] = _routing_scope.set

# -- connexion's argument rules -------------------------------------------------------------------

# a handler's arguments from path parameters, cast by their schemas: public only inside
# `get_arguments`, which also reads a body (an operation without one skips that work)
path_arguments: t.Callable[..., dict[str, t.Any]] = _get_path_arguments
# the same for the query string, with the schemas' defaults
query_arguments: t.Callable[..., dict[str, t.Any]] = _get_query_arguments


# -- hooks ------------------------------------------------------------------------------------------


class _BodyValidatorHooks:
    """What jobmock's body validators need of connexion's (mixed in before one): the schema they
    were built with, and `_validate` under a public name."""

    @property
    def body_schema(self) -> dict[str, t.Any]:
        # connexion keeps the body schema a validator was built for only as `_schema`
        schema: dict[str, t.Any] = self._schema  # type: ignore[attr-defined]
        return schema

    @property
    def body_nullable(self) -> bool:
        # connexion keeps whether the body may be null only as `_nullable`
        return bool(self._nullable)  # type: ignore[attr-defined]

    @property
    def body_encoding(self) -> str:
        # connexion keeps the body's charset (from Content-Type) only as `_encoding`
        encoding: str = self._encoding  # type: ignore[attr-defined]
        return encoding

    def _validate(self, body: t.Any) -> t.Any:
        # connexion validates a parsed body by calling this private hook, its only extension point
        return self.validate_body(body)

    def validate_body(self, body: t.Any) -> t.Any:
        """Check a parsed body; raise connexion's or jobmock's problem. Default: connexion's."""
        return super()._validate(body)  # type: ignore[misc]


class _RequestBodyHooks(_BodyValidatorHooks):
    """A request body validator's hooks: `_parse` too, and whether a body is required."""

    @property
    def body_required(self) -> bool:
        # connexion keeps whether the operation requires a body only as `_required`
        return bool(self._required)  # type: ignore[attr-defined]

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        # connexion parses the body by calling this private hook, its only extension point
        return await self.parse_body(stream, scope)

    async def parse_body(self, stream: t.AsyncGenerator[bytes, None], scope: Scope) -> t.Any:
        """The body read from `stream`, parsed. Default: connexion's."""
        return await super()._parse(stream, scope)  # type: ignore[misc]


class JSONRequestBodyValidatorBase(_RequestBodyHooks, JSONRequestBodyValidator):
    """connexion's JSON request body validator; override `parse_body` / `validate_body`."""


class FormDataValidatorBase(_RequestBodyHooks, FormDataValidator):
    """connexion's urlencoded form validator; override `parse_body` / `validate_body`."""


class JSONResponseBodyValidatorBase(_BodyValidatorHooks, JSONResponseBodyValidator):
    """connexion's JSON response body validator; override `validate_body`."""


class StarletteDecoratorBase(StarletteDecorator):
    """connexion's Starlette decorator, with the parameter decorator it wraps handlers in as a
    class attribute."""

    parameter_decorator_cls: type[t.Any] = AsyncParameterDecorator

    @property
    def _parameter_decorator_cls(self) -> type[t.Any]:
        # `decorate` takes the parameter decorator from this private property only
        return self.parameter_decorator_cls


class OpenAPISpecificationBase(OpenAPISpecification):
    """connexion's OpenAPI specification, with its check of the document as a public hook."""

    @classmethod
    def _validate_spec(cls, spec: t.Any) -> None:
        # connexion checks every document against its 3.0 meta-schema here, with no option to skip
        cls.validate_spec(spec)

    @classmethod
    def validate_spec(cls, spec: t.Any) -> None:
        """Check the raw document, raising connexion's InvalidSpecification. Default: connexion's."""
        super()._validate_spec(spec)


class OpenAPIURIParserBase(OpenAPIURIParser):
    """connexion's OpenAPI URI parser, with the body schema it coerces form fields by public."""

    @property
    def body_schema(self) -> dict[str, t.Any]:
        # connexion keeps it only as `_body_schema` (read by `form_defns` and `resolve_form`)
        schema: dict[str, t.Any] | None = self._body_schema
        return schema or {}


def set_middleware_app(app: t.Any, middleware_app: t.Any) -> None:
    """Make `middleware_app` the framework app an `AsyncApp` routes to (and adds URL rules to)."""
    # AsyncApp makes its own AsyncASGIApp in `__init__` and takes no argument to choose another
    app._middleware_app = middleware_app
