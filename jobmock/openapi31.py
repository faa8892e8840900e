"""connexion, taught to serve OpenAPI 3.1 documents as they are written.

connexion 3.3 checks documents against the 3.0 meta-schema and validates with JSON Schema draft 4
(spec-first/connexion#1396). Here it gets, through its own extension points:
- `OpenAPI31Specification`: the document is validated by openapi-spec-validator (done in
  `jobmock.specs`), not by connexion's 3.0 schema check;
- a `validator_map` whose validators use JSON Schema 2020-12, compiled once per schema and raising
  jobmock's typed `InvalidParameter` / `InvalidBody`;
- parameters coerced by their 3.1 types (`type: [integer, "null"]`, `anyOf`); a value that cannot be
  coerced is left to the validator, which reports it precisely;
- multipart bodies left unread (`StreamedMultipart`, and `jobmock.operations.StreamedRequest`): the
  operation streams them through `jobmock.uploads`, bounded, and checks them in the vendor's
  documented order. connexion would hold the whole body in memory to replay it, then parse it a
  second time into arguments;
- operations bound to their handlers once (`jobmock.operations`).
"""

from __future__ import annotations

import functools
import json
import typing as t
from collections.abc import Iterator

import jsonschema
from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.main import API, ConnexionMiddleware
from connexion.operations import OpenAPIOperation
from connexion.spec import OpenAPISpecification
from connexion.uri_parsing import OpenAPIURIParser
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from jobmock.errors import InvalidBody, InvalidParameter, carrying
from jobmock.operations import BoundASGIApp
from jobmock.problems import DEFERRED, body_problems

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


# Parameter schemas that any string satisfies: checking one needs no validator at all.
_ANY_STRING: tuple[dict[str, t.Any], ...] = ({"type": "string"}, {})


class ValidatorCache:
    """Compiled 2020-12 validators, one per schema object (schemas live as long as the app)."""

    # clients poll the same ids: remember that many (schema, string) verdicts
    STRING_VERDICTS = 4096

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[dict[str, t.Any], Draft202012Validator]] = {}
        self._string_verdicts: dict[tuple[int, str], ValidationError | None] = {}

    def parameter_error(self, schema: dict[str, t.Any], value: t.Any) -> ValidationError | None:
        """Why a parameter value breaks its schema (None if it conforms)."""
        if not isinstance(value, str):
            return first_error(self.get(schema), value)
        if schema in _ANY_STRING:
            return None
        validator = self.get(schema)  # compiled first: the schema now lives in _compiled, id stable
        key = (id(schema), value)
        try:
            return self._string_verdicts[key]
        except KeyError:
            pass
        if len(self._string_verdicts) >= self.STRING_VERDICTS:
            self._string_verdicts.clear()
        verdict = self._string_verdicts[key] = first_error(validator, value)
        return verdict

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


PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")  # the order they are checked in
PARAMETER_READERS: dict[str, t.Callable[[ConnexionRequest, str], t.Any]] = {
    "path": lambda request, name: request.path_params.get(name.replace("-", "_")),
    "query": lambda request, name: request.query_params.get(name),
    "header": lambda request, name: request.headers.get(name),
    "cookie": lambda request, name: request.cookies.get(name),
}


def original_schema(parameter: dict[str, t.Any]) -> dict[str, t.Any]:
    """A parameter's schema as written (see `OpenAPI31Specification`)."""
    schema: dict[str, t.Any] = parameter.get(ORIGINAL_SCHEMA) or parameter.get("schema", {})
    return schema


JSON_NULL = object()  # a request body that is the JSON literal `null`
# the bodies whose problems `make_validator_map`'s validators report (multipart: the operation's)
VALIDATED_BODIES = MediaTypeDict({"*/*json": None, "application/x-www-form-urlencoded": None})


def make_validator_map(cache: ValidatorCache) -> dict[str, t.Any]:
    """connexion's `validator_map`, bound to one app's compiled-validator cache."""

    class Parameters(ParameterValidator):
        """Built once per operation (`jobmock.stack`): what to check is worked out here, not per call."""

        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            # by (location, name): connexion appends path-level parameters to the operation's
            # list each time it builds the operation, so they can come more than once
            checks = {
                (location, param["name"]): (bool(param.get("required")), original_schema(param))
                for location in PARAMETER_LOCATIONS
                for param in self.parameters.get(location, ())
            }
            self.checks = [(*key, *check) for key, check in checks.items()]

        def validate_request(self, request: ConnexionRequest) -> None:
            problems: list[InvalidParameter | InvalidBody] | None = None  # made at the first one
            if self.strict_validation:
                extra = self.validate_query_parameter_list(
                    request, security_params=self.security_query_params
                )
                if extra:
                    problems = [
                        InvalidParameter(
                            "query",
                            name,
                            request.query_params.get(name),
                            "unknown parameter",
                            keyword="additionalProperties",
                        )
                        for name in sorted(extra)
                    ]
            for location, name, required, schema in self.checks:
                value = PARAMETER_READERS[location](request, name)
                if value is None:
                    if required:
                        problems = problems or []
                        problems.append(
                            InvalidParameter(
                                location,
                                name,
                                None,
                                f"missing {location} parameter {name!r}",
                                keyword="required",
                            )
                        )
                    continue
                error = cache.parameter_error(schema, value)
                if error is not None:
                    problems = problems or []
                    problems.append(
                        InvalidParameter(
                            location, name, value, error.message, keyword=str(error.validator)
                        )
                    )
            if problems:
                self.report(request, problems)

        def report(
            self, request: ConnexionRequest, problems: list[InvalidParameter | InvalidBody]
        ) -> None:
            """Raises the first problem carrying all, or leaves them to the body validator when
            it will check this request's body (FastAPI lists body problems after these)."""
            body_types: tuple[str, ...] = getattr(self.uri_parser, "body_media_types", ())
            if body_types:
                header = request.headers.get("content-type") or body_types[0]
                mime = header.split(";")[0].strip().lower()
                accepted = MediaTypeDict([(c.lower(), None) for c in body_types])
                if mime in accepted and mime in VALIDATED_BODIES:
                    request.scope[DEFERRED] = problems
                    return
            raise carrying(problems[0], problems)

    class CheckedBody:
        """What the JSON and form validators share: every problem of the body, after the
        parameters' problems left to them (see `Parameters.report`)."""

        _schema: dict[str, t.Any]

        def check(self, body: t.Any) -> None:
            validator = cache.get(self._schema)
            errors: Iterator[ValidationError] = validator.iter_errors(body)
            error = next(errors, None)
            if error is not None:
                raise body_problems(self._schema, [error, *errors])

        async def wrap_receive(self, receive: t.Any, *, scope: t.Any) -> tuple[t.Any, t.Any]:
            wrap = super().wrap_receive  # type: ignore[misc]
            deferred: list[InvalidParameter | InvalidBody] | None = scope.pop(DEFERRED, None)
            if deferred is None:
                return t.cast(tuple[t.Any, t.Any], await wrap(receive, scope=scope))
            try:
                await wrap(receive, scope=scope)
            except InvalidBody as problem:
                raise carrying(deferred[0], [*deferred, *problem.problems]) from None
            except BadRequestProblem:  # connexion's: no body, and one is required
                missing = InvalidBody("request body is required", keyword="required")
                raise carrying(deferred[0], [*deferred, missing]) from None
            raise carrying(deferred[0], deferred)

    class JSONBody(CheckedBody, JSONRequestBodyValidator):
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
            self.check(body)
            return None

    class FormBody(CheckedBody, FormDataValidator):
        def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
            self.check(body)
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


class DefinitionsOnceURIParser(OpenAPIURIParser):
    """connexion's OpenAPI URI parser, built once per operation: its map of parameter schemas is
    made once (connexion rebuilds it on every lookup), and the path parameters of recent requests
    are remembered resolved (clients poll the same ids)."""

    RESOLVED_PATHS = 1024

    def __init__(
        self, *args: t.Any, body_media_types: t.Sequence[str] = (), **kwargs: t.Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._resolved_paths: dict[tuple[tuple[str, t.Any], ...], dict[str, t.Any]] = {}
        self.body_media_types = tuple(body_media_types)  # those the operation's body comes in

    @functools.cached_property
    def param_schemas(self) -> dict[str, t.Any]:  # type: ignore[override]
        schemas: dict[str, t.Any] = super().param_schemas
        return schemas

    def resolve_path(self, path_data: dict[str, t.Any]) -> dict[str, t.Any]:
        key = tuple(path_data.items())
        resolved = self._resolved_paths.get(key)
        if resolved is None:
            if len(self._resolved_paths) >= self.RESOLVED_PATHS:
                self._resolved_paths.clear()
            resolved = self._resolved_paths[key] = super().resolve_path(path_data)
        return dict(resolved)


class OpenAPI31Operation(OpenAPIOperation):
    """Routes every path parameter as a plain segment, so a malformed value reaches security and
    then validation (which names it), instead of failing the route match as an unknown path."""

    def __init__(self, *args: t.Any, uri_parser_class: t.Any = None, **kwargs: t.Any) -> None:
        parser = uri_parser_class or DefinitionsOnceURIParser
        super().__init__(*args, uri_parser_class=parser, **kwargs)
        if parser is DefinitionsOnceURIParser and self.consumes and self.request_body:
            # `Parameters.report` needs them; connexion builds parsers with two arguments
            self._uri_parser_class = functools.partial(parser, body_media_types=self.consumes)

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


class OpenAPI31App(AsyncApp):
    """connexion's AsyncApp with the 3.1-capable middleware and operations bound once."""

    def __init__(self, import_name: str, **options: t.Any) -> None:
        super().__init__(import_name, **options)
        self._middleware_app = BoundASGIApp()
        self.middleware = OpenAPI31Middleware(
            self._middleware_app, import_name=import_name, **options
        )
