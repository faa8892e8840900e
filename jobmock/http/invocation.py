"""How a connexion operation calls its handler and turns the result into a response.

connexion's `AsyncOperation` wraps the handler in its parameter and response decorators again on
every request, builds a `ConnexionRequest` (URI parsing, content-type parsing, form splitting) and
infers the response's content type from the operation each time. Here the operation does that work
once, when the app is built:

- an operation without a request body gets its arguments straight from the route's path
  parameters and the query string, through connexion's own URI parser and argument rules
  (`jobmock.internals.connexion.path_arguments`, `query_arguments`), built once per operation;
- a handler's `(body, status, headers)` answer becomes a JSON response directly when the operation
  produces one JSON media type; anything else goes through connexion's response decorator;
- an operation with a request body, or a handler that is a plain function, keeps connexion's
  decorators (built once, `DecorateOnce`), with multipart bodies left to the handler to stream
  (`StreamedRequest`, `jobmock.uploads.forms`).
"""

from __future__ import annotations

import functools
import inspect
import json
import typing as t

from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    pythonic,
    sanitized,
    unwrap_decorators,
)
from connexion.decorators.response import AsyncResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.jsonifier import Jsonifier
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.utils import inspect_function_arguments, is_json_mimetype
from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from jobmock.internals.connexion import (
    StarletteDecoratorBase,
    current_context,
    current_receive,
    current_scope,
    path_arguments,
    query_arguments,
)


class StreamedRequest(ConnexionRequest):
    """A request whose multipart body connexion does not parse into arguments: the operation reads
    it as a stream (`jobmock.uploads.read_form`)."""

    async def form(self) -> dict[str, t.Any]:
        if self.mimetype == "multipart/form-data":
            return {}
        form: dict[str, t.Any] = await super().form()
        return form

    async def files(self) -> dict[str, t.Any]:
        if self.mimetype == "multipart/form-data":
            return {}
        files: dict[str, t.Any] = await super().files()
        return files


class MemoizedNamesParameters(AsyncParameterDecorator):
    """connexion's parameter decorator; it cleans each parameter name with three regexes per request."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        sanitize: t.Callable[[str], str] = self.sanitize_fn  # type: ignore[has-type]
        self.sanitize_fn = functools.lru_cache(maxsize=4096)(sanitize)


class DecorateOnce(StarletteDecoratorBase):
    """connexion's Starlette decorator, but wrapping the handler once instead of on every call."""

    parameter_decorator_cls = MemoizedNamesParameters

    def __init__(self, operation: AbstractOperation, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.media_type = json_media_type(operation)
        self._uri_parser = operation.uri_parser_class(
            operation.parameters, operation.body_definition()
        )

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        media_type = self.media_type
        if media_type and inspect.iscoroutinefunction(unwrap_decorators(function)):
            handler = function

            @functools.wraps(handler)
            async def typed(*args: t.Any, **kwargs: t.Any) -> t.Any:
                answer = await handler(*args, **kwargs)
                return json_answer(answer, media_type) or answer

            function = typed
        decorated = self.decorate(function)  # connexion redoes this per request

        @functools.wraps(function)
        async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            request = StreamedRequest(
                current_scope(), current_receive(), uri_parser=self._uri_parser
            )
            return await decorated(request)

        return wrapper


class Arguments:
    """The handler's keyword arguments of a body-less operation, by connexion's rules."""

    def __init__(
        self, operation: AbstractOperation, function: t.Callable[..., t.Any], pythonic_params: bool
    ) -> None:
        self.operation = operation
        self.arguments, self.has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        self.sanitize = functools.lru_cache(maxsize=256)(pythonic if pythonic_params else sanitized)
        self.uri_parser = operation.uri_parser_class(operation.parameters, {})
        self.takes_query = any(p["in"] == "query" for p in operation.parameters)

    def __call__(self, scope: Scope) -> dict[str, t.Any]:
        path = self.uri_parser.resolve_path(scope.get("path_params", {}))
        kwargs = path_arguments(path, operation=self.operation, sanitize=self.sanitize)
        if self.takes_query:
            raw = QueryParams(scope["query_string"])
            query = self.uri_parser.resolve_query({k: raw.getlist(k) for k in raw})
            kwargs.update(
                query_arguments(
                    query,
                    operation=self.operation,
                    arguments=self.arguments,
                    has_kwargs=self.has_kwargs,
                    sanitize=self.sanitize,
                )
            )
        kwargs = {self.sanitize(k): v for k, v in kwargs.items()}
        context = current_context()
        for key, value in context.items():  # e.g. token_info, as connexion's prep_kwargs does
            if self.has_kwargs or key in self.arguments:
                kwargs[key] = value
        if CONTEXT_NAME in self.arguments:
            kwargs[CONTEXT_NAME] = context
        return kwargs


def json_media_type(operation: AbstractOperation) -> str | None:
    """The one JSON media type the operation declares, if it has one: a handler's dict or list
    answer is in it (another media type beside it, a redirect's HTML page, is the error
    boundary's; connexion would refuse to guess between them)."""
    # a key that is not one media type (`text/csv, text/comma-separated-values`) is not JSON;
    # connexion's is_json_mimetype raises on it
    found = {m for m in operation.produces if m.count("/") == 1 and is_json_mimetype(m)}
    return next(iter(found)) if len(found) == 1 else None


def json_answer(answer: t.Any, media_type: str) -> tuple[t.Any, int, dict[str, t.Any]] | None:
    """A handler's dict or list answer (`body`, `(body, status)` or `(body, status, headers)`) as
    `(body, status, headers)` with its Content-Type; None for anything else."""
    body, status, headers = answer, 200, t.cast(dict[str, t.Any], {})
    if type(answer) is tuple:
        if not 2 <= len(answer) <= 3:
            return None
        body, status, *rest = answer
        headers = rest[0] if rest else {}
    if (
        isinstance(body, (dict, list))
        and type(status) is int
        and isinstance(headers, dict)
        and not any(k.lower() == "content-type" for k in headers)
    ):
        return body, status, {**headers, "Content-Type": media_type}
    return None


def encoder_of(jsonifier: Jsonifier) -> t.Callable[[t.Any], str]:
    """`jsonifier.dumps` with its encoder made once: `json.dumps(cls=...)` makes one per call."""
    if jsonifier.json is not json:
        return t.cast(t.Callable[[t.Any], str], jsonifier.dumps)
    arguments = dict(jsonifier.dumps_args)
    encode = arguments.pop("cls", json.JSONEncoder)(**arguments).encode
    return lambda body: f"{encode(body)}\n"  # connexion ends every JSON body with a newline


class JSONAnswers(AsyncResponseDecorator):
    """connexion's response decorator, with the dict and list answers of an operation that
    declares one JSON media type serialized directly (connexion infers the type each time)."""

    def __init__(self, operation: AbstractOperation, jsonifier: Jsonifier) -> None:
        super().__init__(framework=StarletteFramework, jsonifier=jsonifier)
        self.media_type = json_media_type(operation)
        self.encode = encoder_of(jsonifier)

    def build_framework_response(self, handler_response: t.Any) -> t.Any:
        if self.media_type and (answer := json_answer(handler_response, self.media_type)):
            body, status, headers = answer
            content = self.encode(body)
            return Response(content, status, headers, media_type=self.media_type)
        return super().build_framework_response(handler_response)


class BoundOperation(AsyncOperation):
    """A connexion operation with its handler, arguments and response building prepared once."""

    def __init__(
        self,
        fn: t.Callable[..., t.Any],
        *args: t.Any,
        operation: AbstractOperation,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(fn, *args, **kwargs)
        handler = fn  # the handler as resolved (connexion's public `fn` is it decorated anew)
        # bodies, and plain functions (connexion runs them in a thread), keep connexion's decorators
        if operation.request_body or not inspect.iscoroutinefunction(unwrap_decorators(handler)):
            self.respond = DecorateOnce(
                operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
            )(handler)
            return
        arguments = Arguments(operation, handler, pythonic_params=self.pythonic_params)

        async def call(scope: Scope) -> t.Any:
            return await handler(**arguments(scope))

        self.respond = JSONAnswers(operation, self.jsonifier)(call)

    @classmethod
    def from_operation(  # type: ignore[override]
        cls, operation: AbstractOperation, *, pythonic_params: bool, jsonifier: Jsonifier
    ) -> BoundOperation:
        return cls(
            operation.function,
            jsonifier=jsonifier,
            operation_id=operation.operation_id,
            pythonic_params=pythonic_params,
            operation=operation,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        response = await self.respond(scope)
        await response(scope, receive, send)


class BoundApi(AsyncApi):
    def make_operation(self, operation: t.Any) -> AsyncOperation:
        return BoundOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class BoundASGIApp(AsyncASGIApp):
    """connexion's innermost app, calling `BoundOperation`s."""

    api_cls = BoundApi
