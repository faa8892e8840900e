"""Request and response validators for connexion's `validator_map`: JSON Schema 2020-12.

connexion validates with JSON Schema draft 4 and builds a validator per request. These validators
compile each schema once (`ValidatorCache`), check parameters against their schemas as written
(`x-jobmock-schema`, see `jobmock.http.openapi31`), and raise jobmock's typed `InvalidParameter` /
`InvalidBody`, each carrying every problem of the request (FastAPI lists them all). XML bodies are
read as the JSON value their schema describes (`jobmock.http.xmlbody`). Multipart bodies are left
unread: the operation streams them (`jobmock.uploads.forms`).
"""

from __future__ import annotations

import copy
import json
import typing as t
from collections.abc import Iterator

import jsonschema
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.validators import MultiPartFormDataValidator, ParameterValidator
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from jobmock.errors import InvalidBody, InvalidParameter, carrying
from jobmock.http import jsondepth
from jobmock.http.discriminators import has_discriminator, pinned
from jobmock.http.request_problems import DEFERRED, body_problems
from jobmock.http.styles import (
    MISSING,
    Unparseable,
    cookie_decoder,
    decoder_for,
    needs_decoding,
    parameter_of,
)
from jobmock.http.wire import One, Raw, cookie_pairs, path_value, query_pairs
from jobmock.http.xmlbody import read_xml
from jobmock.internals.connexion import (
    FormDataValidatorBase,
    JSONRequestBodyValidatorBase,
    JSONResponseBodyValidatorBase,
)
from jobmock.limits import Limits

ORIGINAL_SCHEMA = "x-jobmock-schema"  # a parameter's schema as written (its `schema` is coercion's)


def openapi_format_checker() -> FormatChecker:
    """JSON Schema's format checker plus OpenAPI's integer formats (int32, int64: their ranges)."""
    checker = copy.deepcopy(Draft202012Validator.FORMAT_CHECKER)
    for name, bits in (("int32", 32), ("int64", 64)):
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

        def in_range(value: object, low: int = low, high: int = high) -> bool:
            return not isinstance(value, int) or isinstance(value, bool) or low <= value <= high

        checker.checks(name)(in_range)
    for name in (*URI_FORMATS, *HOST_FORMATS):
        if name not in checker.checkers:  # rfc3986-validator, where installed, checks them already
            checker.checks(name)(_rust_format(name))
    return checker


URI_FORMATS = ("uri", "uri-reference", "iri", "iri-reference")
"""Formats jsonschema checks only with rfc3986-validator installed, which would also make
openapi-spec-validator refuse published documents for an empty `url`; schemathesis' own checker
(jsonschema_rs, a dependency of schemathesis) checks them for our answers and requests alone."""

HOST_FORMATS = ("hostname",)
"""Checked by jsonschema only with fqdn installed: DigitalOcean's `zone` (`format: hostname`)
took `""` unchecked."""


def _rust_format(name: str) -> t.Callable[[object], bool]:
    import jsonschema_rs

    validator = jsonschema_rs.validator_for({"format": name}, validate_formats=True)
    return lambda value: not isinstance(value, str) or bool(validator.is_valid(value))


FORMAT_CHECKER = openapi_format_checker()


# Parameter schemas that any string satisfies: checking one needs no validator at all.
_ANY_STRING: tuple[dict[str, t.Any], ...] = ({"type": "string"}, {})


class ValidatorCache:
    """Compiled 2020-12 validators, one per schema object (schemas live as long as the app)."""

    # clients poll the same ids: remember that many (schema, string) verdicts
    STRING_VERDICTS = 4096

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[dict[str, t.Any], Draft202012Validator]] = {}
        self._string_verdicts: dict[tuple[int, str], ValidationError | None] = {}
        self._request_views: dict[int, tuple[dict[str, t.Any], dict[str, t.Any]]] = {}

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

    def request_view(self, schema: dict[str, t.Any]) -> dict[str, t.Any]:
        """`schema` as a request must meet it: a readOnly property is the server's to send, so
        never required of a client (OpenAPI 3.1, Schema Object), and a discriminator chooses
        the branch (`jobmock.http.discriminators`); `schema` itself if it has neither."""
        hit = self._request_views.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        view = pinned(schema) if has_discriminator(schema) else schema  # components as resolved
        view = _without_read_only(view, {}) if _has_read_only(view, set()) else view
        self._request_views[id(schema)] = (schema, view)
        return view

    def get(self, schema: dict[str, t.Any]) -> Draft202012Validator:
        hit = self._compiled.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        self._compiled[id(schema)] = (schema, validator)
        return validator


def _has_read_only(node: t.Any, seen: set[int]) -> bool:
    if id(node) in seen or not isinstance(node, dict | list):
        return False
    seen.add(id(node))
    if isinstance(node, dict) and node.get("readOnly") is True:
        return True
    children = node.values() if isinstance(node, dict) else node
    return any(_has_read_only(child, seen) for child in children)


def _without_read_only(node: t.Any, done: dict[int, t.Any]) -> t.Any:
    """A copy of `node` whose `required` lists leave readOnly properties out (cycles kept)."""
    if id(node) in done:
        return done[id(node)]
    if isinstance(node, list):
        copied: list[t.Any] = []
        done[id(node)] = copied
        copied.extend(_without_read_only(item, done) for item in node)
        return copied
    if not isinstance(node, dict):
        return node
    view: dict[str, t.Any] = {}
    done[id(node)] = view
    view.update({key: _without_read_only(value, done) for key, value in node.items()})
    properties = node.get("properties")
    if isinstance(properties, dict) and isinstance(node.get("required"), list):
        server_only = {
            n for n, p in properties.items() if isinstance(p, dict) and p.get("readOnly")
        }
        view["required"] = [name for name in node["required"] if name not in server_only]
    return view


def first_error(validator: Draft202012Validator, instance: t.Any) -> ValidationError | None:
    """The most relevant error, or None when `instance` is valid."""
    errors: Iterator[ValidationError] = validator.iter_errors(instance)
    error = next(errors, None)
    if error is None:
        return None
    return jsonschema.exceptions.best_match([error, *errors])


PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")  # the order they are checked in
PARAMETER_READERS: dict[str, t.Callable[[ConnexionRequest, str], t.Any]] = {
    "path": lambda request, name: request.path_params.get(name.replace("-", "_")),
    "query": lambda request, name: request.query_params.get(name),
    "header": lambda request, name: request.headers.get(name),
    "cookie": lambda request, name: request.cookies.get(name),
}


# a request's raw strings for a parameter that needs decoding (`jobmock.http.styles`)
RAW_SOURCES: dict[str, t.Callable[[ConnexionRequest, str], Raw]] = {
    "path": lambda request, name: path_value(
        request.scope.get("raw_path"),
        name,
        request.scope.get("path_params", {}).get(name.replace("-", "_")),
    ),
    "query": lambda request, name: query_pairs(request.scope.get("query_string", b"")),
    "header": lambda request, name: One(name, _header_line(request.headers.getlist(name))),
    "cookie": lambda request, name: cookie_pairs(request.headers.get("cookie", "")),
}


def _header_line(lines: list[str]) -> str | None:
    # RFC 9110 5.3: a field's lines combine into one, comma-separated
    return ",".join(lines) if lines else None


Reader = t.Callable[[ConnexionRequest], t.Any]


def styled_reader(parameter: dict[str, t.Any], location: str) -> Reader | None:
    """The reader of a parameter whose raw string is not its value (a style, an array or an
    object, a typed header or cookie), compiled once; None for one read as it always was."""
    styled = parameter_of({**parameter, "in": location}, original_schema(parameter))
    if not needs_decoding(styled):
        return None
    decode = cookie_decoder(styled) if location == "cookie" else decoder_for(styled)
    source = RAW_SOURCES[location]
    name = styled.name
    return lambda request: decode(source(request, name))


PlainCheck = tuple[
    str, t.Any, bool, dict[str, t.Any]
]  # location, key in the scope, required, schema


def plain_checks(checks: t.Sequence[tuple[t.Any, ...]]) -> list[PlainCheck] | None:
    """The checks of an operation whose parameters are all plain strings in a path, a header or
    the query (read as they come: no style, no coercion), keyed as the scope holds them; None if
    any is not (it is read through connexion's request, as always)."""
    plain: list[PlainCheck] = []
    for location, name, required, schema, styled in checks:
        plain_name = isinstance(name, str) and name.isascii()
        if styled is not None or schema.get("type") != "string" or not plain_name:
            return None
        if location == "cookie":
            return None
        key = {"path": name.replace("-", "_"), "header": name.lower().encode("latin-1")}.get(
            location, name
        )
        plain.append((location, key, required, schema))
    return plain


def first_lines(scope: t.Any) -> dict[bytes, bytes]:
    """Each header's first line by lower-case name, as Starlette's `Headers.get` reads it."""
    lines: dict[bytes, bytes] = {}
    for name, value in scope.get("headers", ()):
        lines.setdefault(name, value)
    return lines


def declares_body(scope: t.Any) -> bool:
    """Whether the request's headers say a body follows (a Content-Type, or bytes to come)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type" or name == b"transfer-encoding":
            return True
        if name == b"content-length" and value.strip() not in (b"", b"0"):
            return True
    return False


async def _unchecked(receive: t.Any, *, scope: t.Any) -> tuple[t.Any, t.Any]:
    return receive, scope


def original_schema(parameter: dict[str, t.Any]) -> dict[str, t.Any]:
    """A parameter's schema as written (see `OpenAPI31Specification`)."""
    schema: dict[str, t.Any] = parameter.get(ORIGINAL_SCHEMA) or parameter.get("schema", {})
    return schema


JSON_NULL = object()  # a request body that is the JSON literal `null`
# the bodies whose problems `make_validator_map`'s validators report (multipart: the operation's)
VALIDATED_BODIES = MediaTypeDict(
    {"*/*json": None, "application/x-www-form-urlencoded": None, "*/*xml": None}
)


def make_validator_map(cache: ValidatorCache, limits: Limits | None = None) -> dict[str, t.Any]:
    """connexion's `validator_map`, bound to one app's compiled-validator cache and limits."""
    max_depth = (limits or Limits()).json_max_depth

    class Parameters(ParameterValidator):
        """Built once per operation (`jobmock.http.stack`): what to check is worked out here, not per call."""

        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            # by (location, name): connexion appends path-level parameters to the operation's
            # list each time it builds the operation, so they can come more than once
            checks = {
                (location, param["name"]): (
                    bool(param.get("required")),
                    original_schema(param),
                    styled_reader(param, location),
                )
                for location in PARAMETER_LOCATIONS
                for param in self.parameters.get(location, ())
            }
            self.checks = [(*key, *check) for key, check in checks.items()]
            self.plain = plain_checks(self.checks)
            self.takes_query = bool(self.parameters.get("query"))

        def validate(self, scope: t.Any) -> None:
            # a status poll's plain string parameters, all valid: nothing to build a request for
            if self.plain is not None and self.plainly_valid(scope):
                return
            super().validate(scope)

        def plainly_valid(self, scope: t.Any) -> bool:
            """True when every parameter is a plain string found valid straight from the scope
            (what `validate_request` would conclude too); False: let it look (and report)."""
            if scope.get("query_string") and (self.takes_query or self.strict_validation):
                return False
            path_params = scope.get("path_params") or {}
            headers: dict[bytes, bytes] | None = None
            for location, key, required, schema in self.plain or ():
                raw: t.Any
                if location == "path":
                    raw = path_params.get(key)
                elif location == "header":
                    if headers is None:
                        headers = first_lines(scope)
                    line = headers.get(key)
                    raw = None if line is None else line.decode("latin-1")
                else:  # a query parameter, and no query string was sent
                    raw = None
                if raw is None:
                    if required:
                        return False
                    continue
                if cache.parameter_error(schema, raw) is not None:
                    return False
            return True

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
            for location, name, required, schema, styled in self.checks:
                if styled is None:
                    value = PARAMETER_READERS[location](request, name)
                else:
                    try:
                        value = styled(request)
                    except Unparseable as exc:  # refused as a schema miss is
                        problems = problems or []
                        sent = PARAMETER_READERS[location](request, name)
                        problems.append(
                            InvalidParameter(location, name, sent, str(exc), keyword="style")
                        )
                        continue
                    value = None if value is MISSING else value
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

        body_schema: dict[str, t.Any]

        def check(self, body: t.Any) -> None:
            view = cache.request_view(self.body_schema)
            errors: Iterator[ValidationError] = cache.get(view).iter_errors(body)
            error = next(errors, None)
            if error is not None:
                raise body_problems(view, [error, *errors])  # its paths are the view's

        def left_out(self, scope: t.Any) -> bool:
            """True for a request that sends no body where one is optional (nothing to check)."""
            return False

        async def wrap_receive(self, receive: t.Any, *, scope: t.Any) -> tuple[t.Any, t.Any]:
            wrap = _unchecked if self.left_out(scope) else super().wrap_receive  # type: ignore[misc]
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

    class JSONBody(CheckedBody, JSONRequestBodyValidatorBase):
        async def parse_body(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
            raw = b"".join([message async for message in stream])
            if not raw:
                return None
            try:
                # json.loads, then jsonschema, recurse once per level: bounded before either
                parsed = jsondepth.loads(raw.decode(self.body_encoding), max_depth)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                message = f"request body is not valid JSON: {exc}"
                # where and why json.loads stopped: FastAPI's 422 item reports both
                where = None
                if isinstance(exc, json.JSONDecodeError):
                    where = {"pos": exc.pos, "error": exc.msg}
                raise InvalidBody(message, keyword="json", expected=where) from None
            return JSON_NULL if parsed is None else parsed  # a `null` sent is not a body left out

        def validate_body(self, body: t.Any) -> dict[str, t.Any] | None:
            if body is JSON_NULL:
                body = None
            elif body is None:
                if self.body_required and not self.body_nullable:
                    raise InvalidBody("request body is required", keyword="required")
                return None
            self.check(body)
            return None

    class FormBody(CheckedBody, FormDataValidatorBase):
        def left_out(self, scope: t.Any) -> bool:
            # an optional form not sent at all (no bytes, no Content-Type): nothing to check; an
            # empty form sent as one is a form without its required fields
            return not self.body_required and not declares_body(scope)

        def validate_body(self, body: t.Any) -> dict[str, t.Any] | None:
            self.check(body)
            return None

    class XMLBody(CheckedBody, JSONRequestBodyValidatorBase):
        """An XML body, read as the JSON value its schema describes (`jobmock.http.xmlbody`)."""

        async def parse_body(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
            raw = b"".join([message async for message in stream])
            return read_xml(raw, self.body_schema) if raw.strip() else None

        def validate_body(self, body: t.Any) -> dict[str, t.Any] | None:
            if body is None:
                if self.body_required:
                    raise InvalidBody("request body is required", keyword="required")
                return None
            self.check(body)
            return None

    class StreamedMultipart(MultiPartFormDataValidator):
        """Leaves the body to the operation (see the module docstring)."""

        async def wrap_receive(self, receive: t.Any, *, scope: t.Any) -> tuple[t.Any, t.Any]:
            return receive, scope

    class JSONResponse(JSONResponseBodyValidatorBase):
        def validate_body(self, body: t.Any) -> None:
            error = first_error(cache.get(self.body_schema), body)
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
                "*/*xml": XMLBody,
            }
        ),
        "response": MediaTypeDict({"*/*json": JSONResponse}),
    }
