"""connexion, taught to serve OpenAPI 3.1 documents as they are written.

connexion 3.3 checks documents against the 3.0 meta-schema and validates with JSON Schema draft 4
(spec-first/connexion#1396). Here it gets, through its own extension points:
- `OpenAPI31Specification`: the document is validated by openapi-spec-validator (done in
  `jobmock.specs`), not by connexion's 3.0 schema check;
- a `validator_map` whose validators use JSON Schema 2020-12, compiled once per schema and raising
  jobmock's typed `InvalidParameter` / `InvalidBody`;
- parameters coerced by their 3.1 types (`type: [integer, "null"]`, `anyOf`); a value that cannot be
  coerced is left to the validator, which reports it precisely;
- multipart bodies left unread (`StreamedMultipart`, `StreamedRequest`): the operation streams them
  through `jobmock.uploads`, bounded, and checks them in the vendor's documented order. connexion
  would hold the whole body in memory to replay it, then parse it a second time into arguments.
"""

from __future__ import annotations

import functools
import json
import typing as t
from collections.abc import Iterator

import jsonschema
from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive as context_receive
from connexion.context import scope as context_scope
from connexion.datastructures import MediaTypeDict
from connexion.decorators.main import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.exceptions import NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.main import API, ConnexionMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import OpenAPIOperation
from connexion.spec import OpenAPISpecification
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from jobmock.errors import InvalidBody, InvalidParameter

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


# Parameter schemas that any string satisfies: checking one needs no validator at all.
_ANY_STRING: tuple[dict[str, t.Any], ...] = ({"type": "string"}, {})


class ValidatorCache:
    """Compiled 2020-12 validators, one per schema object (schemas live as long as the app)."""

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[dict[str, t.Any], Draft202012Validator]] = {}

    def parameter_error(self, schema: dict[str, t.Any], value: t.Any) -> ValidationError | None:
        """Why a parameter value breaks its schema (None if it conforms)."""
        if isinstance(value, str) and schema in _ANY_STRING:
            return None
        return first_error(self.get(schema), value)

    def get(self, schema: dict[str, t.Any]) -> Draft202012Validator:
        hit = self._compiled.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        self._compiled[id(schema)] = (schema, validator)
        return validator


def first_error(validator: Draft202012Validator, instance: t.Any) -> ValidationError | None:
    """The most relevant error, or None when `instance` is valid."""
    errors: Iterator[ValidationError] = validator.iter_errors(instance)
    error = next(errors, None)
    if error is None:
        return None
    return jsonschema.exceptions.best_match([error, *errors])


def coercion_schema(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    """A view of a 3.1 parameter schema with the single `type` connexion's coercion understands."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return schema
    if isinstance(declared, list):
        concrete = [x for x in declared if x != "null"]
        return {**schema, "type": concrete[0] if concrete else "string"}
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword, ()):
            branch_type = coercion_schema(branch).get("type")
            if branch_type and branch_type != "null":
                return {**schema, "type": branch_type}
    return {**schema, "type": "string"}


JSON_NULL = object()  # a request body that is the JSON literal `null`


def make_validator_map(cache: ValidatorCache) -> dict[str, t.Any]:
    """connexion's `validator_map`, bound to one app's compiled-validator cache."""

    class Parameters(ParameterValidator):
        def validate_request(self, request: ConnexionRequest) -> None:
            if self.strict_validation:
                extra = self.validate_query_parameter_list(
                    request, security_params=self.security_query_params
                )
                if extra:
                    name = sorted(extra)[0]
                    raise InvalidParameter(
                        "query",
                        name,
                        request.query_params.get(name),
                        "unknown parameter",
                        keyword="additionalProperties",
                    )
            sources = {
                "path": lambda name: request.path_params.get(name.replace("-", "_")),
                "query": request.query_params.get,
                "header": request.headers.get,
                "cookie": request.cookies.get,
            }
            for location in ("path", "query", "header", "cookie"):
                for param in self.parameters.get(location, ()):
                    value = sources[location](param["name"])
                    if value is None:
                        if param.get("required"):
                            raise InvalidParameter(
                                location,
                                param["name"],
                                None,
                                f"missing {location} parameter {param['name']!r}",
                                keyword="required",
                            )
                        continue
                    schema = param.get(ORIGINAL_SCHEMA) or param.get("schema", {})
                    error = cache.parameter_error(schema, value)
                    if error is not None:
                        raise InvalidParameter(
                            location,
                            param["name"],
                            value,
                            error.message,
                            keyword=str(error.validator),
                        )

    def body_error(error: ValidationError) -> InvalidBody:
        path = tuple(error.absolute_path)
        where = "/".join(str(p) for p in path)
        reason = f"{error.message} (at /{where})" if where else error.message
        return InvalidBody(
            reason,
            path=path,
            keyword=str(error.validator),
            value=error.instance,
            expected=error.validator_value,
        )

    class JSONBody(JSONRequestBodyValidator):
        async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
            raw = b"".join([message async for message in stream])
            if not raw:
                return None
            try:
                parsed = json.loads(raw.decode(self._encoding))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                message = f"request body is not valid JSON: {exc}"
                raise InvalidBody(message, keyword="json") from None
            return JSON_NULL if parsed is None else parsed  # a `null` sent is not a body left out

        def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
            if body is JSON_NULL:
                body = None
            elif body is None:
                if self._required and not self._nullable:
                    raise InvalidBody("request body is required", keyword="required")
                return None
            error = first_error(cache.get(self._schema), body)
            if error is not None:
                raise body_error(error)
            return None

    class FormBody(FormDataValidator):
        def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
            error = first_error(cache.get(self._schema), body)
            if error is not None:
                raise body_error(error)
            return None

    class StreamedMultipart(MultiPartFormDataValidator):
        """Leaves the body to the operation (see the module docstring)."""

        async def wrap_receive(self, receive: t.Any, *, scope: t.Any) -> tuple[t.Any, t.Any]:
            return receive, scope

    class JSONResponse(JSONResponseBodyValidator):
        def _validate(self, body: t.Any) -> None:
            error = first_error(cache.get(self._schema), body)
            if error is not None:
                where = "/".join(str(p) for p in error.absolute_path)
                raise NonConformingResponseBody(
                    detail=f"Response body does not conform to specification: {error.message}"
                    + (f" (at /{where})" if where else "")
                )

    return {
        "parameter": Parameters,
        "body": MediaTypeDict(
            {
                "*/*json": JSONBody,
                "application/x-www-form-urlencoded": FormBody,
                "multipart/form-data": StreamedMultipart,
            }
        ),
        "response": MediaTypeDict({"*/*json": JSONResponse}),
    }


ORIGINAL_SCHEMA = "x-jobmock-schema"


class OpenAPI31Operation(OpenAPIOperation):
    """Routes every path parameter as a plain segment, so a malformed value reaches security and
    then validation (which names it), instead of failing the route match as an unknown path."""

    def get_path_parameter_types(self) -> dict[str, str | None]:
        types: dict[str, str | None] = super().get_path_parameter_types()
        return {name: ("path" if kind == "path" else None) for name, kind in types.items()}

    def body_definition(self, content_type: str | None = None) -> dict[str, t.Any]:
        """connexion's, minus its warning on every request to an operation that takes several
        media types (each is validated by its own schema)."""
        if not self.request_body:
            return {}
        content = MediaTypeDict(self.request_body.get("content", {}))
        found: dict[str, t.Any] = self.with_definitions(
            content.get(content_type or self.consumes[0], {})
        )
        return found


class OpenAPI31Specification(OpenAPISpecification):
    """A 3.0 or 3.1 document, already validated by openapi-spec-validator when it was loaded.

    connexion reads `schema.type` of parameters as one string to coerce them; each parameter gets
    that view, and keeps its schema as written under `x-jobmock-schema` for validation. The raw
    document (what `/openapi.json` serves) is untouched.
    """

    operation_cls = OpenAPI31Operation

    def __init__(self, raw_spec: t.Any, *, base_uri: str = "") -> None:
        super().__init__(raw_spec, base_uri=base_uri)
        for item in self._spec.get("paths", {}).values():
            for parameter in item.get("parameters", ()):
                _coercion_view(parameter)
            for operation in item.values():
                if isinstance(operation, dict):
                    for parameter in operation.get("parameters", ()):
                        _coercion_view(parameter)

    @classmethod
    def _validate_spec(cls, spec: t.Any) -> None:
        return None

    def with_base_path(self, base_path: str) -> ServedDocument:  # type: ignore[override]
        """What `/openapi.json` serves: the document as written, mock server first in `servers`."""
        return ServedDocument(self._raw_spec, base_path)


class ServedDocument:
    def __init__(self, raw: dict[str, t.Any], base_path: str) -> None:
        servers = [{"url": base_path or "/", "description": "jobmock"}, *raw.get("servers", ())]
        self.spec = {**raw, "servers": servers}


def _coercion_view(parameter: dict[str, t.Any]) -> None:
    if ORIGINAL_SCHEMA in parameter or "schema" not in parameter:
        return
    parameter[ORIGINAL_SCHEMA] = parameter["schema"]
    parameter["schema"] = coercion_schema(parameter["schema"])


class OpenAPI31Middleware(ConnexionMiddleware):
    """connexion's middleware stack, taking specifications as already-loaded documents."""

    def add_api(  # type: ignore[override]
        self,
        specification: dict[str, t.Any],
        *,
        base_path: str | None = None,
        name: str | None = None,
        **options: t.Any,
    ) -> None:
        if self.middleware_stack is not None:
            raise RuntimeError("Cannot add api after an application has started")
        spec = OpenAPI31Specification(specification)
        merged = self.options.replace(**options)
        self.apis.append(API(spec, base_path=base_path, name=name, **merged.__dict__))


class StreamedRequest(ConnexionRequest):
    """A request whose multipart body connexion does not parse into arguments: the operation reads
    it as a stream (`jobmock.uploads.read_form`)."""

    async def _split_form_files(self) -> None:
        if self.mimetype == "multipart/form-data":
            empty: dict[str, t.Any] = {}
            self._files, self._form = empty, dict(empty)
            return
        await super()._split_form_files()


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


class MemoizedNamesParameters(AsyncParameterDecorator):
    """connexion's parameter decorator; it cleans each parameter name with three regexes per request."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        sanitize: t.Callable[[str], str] = self.sanitize_fn  # type: ignore[has-type]
        self.sanitize_fn = functools.lru_cache(maxsize=4096)(sanitize)


class DecorateOnce(StarletteDecorator):
    """connexion's Starlette decorator, but wrapping the handler once instead of on every call."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return MemoizedNamesParameters

    def __call__(self, function: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        # connexion redoes this per request, signature inspection included
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            request = StreamedRequest(context_scope, context_receive, uri_parser=self.uri_parser)
            return await decorated(request)

        return wrapper


class DecoratedOnceOperation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> t.Callable[..., t.Any]:  # type: ignore[override]
        decorator = DecorateOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
        return decorator(self._fn)


class DecoratedOnceApi(AsyncApi):
    def make_operation(self, operation: t.Any) -> AsyncOperation:
        return DecoratedOnceOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class DecoratedOnceASGIApp(AsyncASGIApp):
    api_cls = DecoratedOnceApi


class OpenAPI31App(AsyncApp):
    """connexion's AsyncApp with the 3.1-capable middleware and handlers decorated once."""

    def __init__(self, import_name: str, **options: t.Any) -> None:
        super().__init__(import_name, **options)
        self._middleware_app = DecoratedOnceASGIApp()
        self.middleware = OpenAPI31Middleware(
            self._middleware_app, import_name=import_name, **options
        )
