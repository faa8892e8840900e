"""The documented answer of an operation: which status, which media type, which body and headers.

status    the lowest declared 2xx (`2XX` and `default` answer 200), else 204 (no success is
          declared: the document's gap, `jobmock.stateless.refusals`); or `Prefer: code=N` if
          declared (exactly, or by its `NXX` range, or by `default`)
media     the first of the response's media types the request's `Accept` takes (JSON first
          when it takes anything); none it takes: 406
body      `Prefer: example=NAME`'s named example, else the documented example
          (`jobmock.stateless.values.documented`) if its schema takes it (a JSON example its
          schema refuses is warned about at start and skipped), else a value generated from the schema,
          kept per (operation, status, media type); `Prefer: dynamic=true` draws a fresh one
headers   every declared response header, valued the same way
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from jobmock.documents.conformance import template_regex
from jobmock.documents.pointers import Node, deref
from jobmock.documents.routes import matching_key, more_concrete, operations
from jobmock.errors import error_for_status
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.stateless.credentials import credential_header, schemes
from jobmock.stateless.values import (
    NOT_GIVEN,
    CannotGenerate,
    Generator,
    documented,
    response_schema,
    response_view,
    strategy,
)

NO_SUCCESS = 204  # a valid request to an operation that declares no success (or no response)

HEADER_TEXT = {"pattern": "^[!-~]*$"}
"""Generated header strings are visible ASCII: a field value is bytes, with no edge spaces."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = NOT_GIVEN  # NOT_GIVEN: the response declares no content
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.body is NOT_GIVEN:
            return b""
        if isinstance(self.body, str) and not is_json(self.media_type or ""):
            return self.body.encode()
        return json.dumps(self.body).encode()


def whole_numbers(value: Any) -> Any:
    """`value` with each float that is a whole number as an int: the generator draws some integers
    as floats (`-509985.0`), which JSON Schema takes as integers, but a client that puts one in a
    path sends `/pet/-509985.0`, which no integer parameter takes. Valid against the same schemas
    (JSON Schema compares 2.0 and 2 as equal)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    if isinstance(value, dict):
        return {name: whole_numbers(item) for name, item in value.items()}
    return value


def declares_success(responses: Mapping[str, Any]) -> bool:
    """A response answers a valid request: a 2xx, `2XX` or `default`."""
    return any(str(key).startswith("2") or key == "default" for key in responses)


def is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def accepted(accept: str | None) -> list[tuple[float, str]]:
    """The media ranges of an `Accept` header, most wanted first (q=0 left out)."""
    ranges: list[tuple[float, str]] = []
    for part in (accept or "*/*").split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind and quality > 0:
            ranges.append((quality, kind.lower()))
    return sorted(ranges, key=lambda item: -item[0])


def takes(media_range: str, media_type: str) -> bool:
    wanted, offered = media_range.split("/", 1), media_type.split(";")[0].lower().split("/", 1)
    if len(wanted) != 2 or len(offered) != 2:
        return False
    return wanted[0] in ("*", offered[0]) and wanted[1] in ("*", offered[1])


def negotiate(offered: list[str], accept: str | None) -> str | None:
    """The media type to answer in; None when `accept` takes none of `offered`."""
    ordered = sorted(offered, key=lambda media: not is_json(media))  # JSON first, else as written
    for _, media_range in accepted(accept):
        for media in ordered:
            if takes(media_range, media):
                return media
    return None


def header_text(value: Any) -> str:
    """A header value in OpenAPI's `simple` style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Operation:
    key: str  # operationId, else `method path`
    method: str
    path: str
    spec: Mapping[str, Any]


class Answers:
    """Every operation of one stateless API, answered from its document."""

    def __init__(self, document: Mapping[str, Any], seed: int) -> None:
        self.document = document
        self.generator = Generator(seed)
        self.schemas: dict[tuple[int, bool], tuple[Any, Any]] = {}  # (id, closed) -> (schema, view)
        self.misfits: dict[tuple[str, str, str], str | None] = {}
        # operation key -> what its 2xx bodies are also generated against (stateless.roundtrip)
        self.narrowed: dict[str, dict[str, Any]] = {}
        self.operations: dict[str, Operation] = {}
        for method, path, spec in operations(document):
            key = str(spec.get("operationId") or f"{method} {path}")
            self.operations[key] = Operation(key, method, path, spec)
        by_path = sorted(self.operations.values(), key=lambda op: matching_key(op.path))
        self.templates = [(template_regex(op.path), op.method, op.key) for op in by_path]

    def at(self, path: str, method: str) -> Operation | None:
        """The operation a concrete path (under the API's prefix) and method are for."""
        method = method.lower()
        first: str | None = None  # the first template matching the path, whatever its method
        for regex, declared, key in self.templates:
            if not regex.fullmatch(path):
                continue
            template = self.operations[key].path
            first = first or template
            if declared == method:  # unless a more concrete path took it (its 405, as routed)
                return None if more_concrete(first, template) else self.operations[key]
        return None

    def example_names(self, key: str) -> list[str]:
        """The named examples of every response of operation `key`."""
        names: list[str] = []
        for status in self.responses(self.operations[key]):
            response = self.response(self.operations[key], status, self.document)
            for media in (response.get("content") or {}).values():
                media = self.media(media)
                names += [n for n in (media.get("examples") or {}) if n not in names]
        return names

    def responses(self, operation: Operation) -> dict[str, Any]:
        return dict(operation.spec.get("responses") or {})

    def response_key(self, operation: Operation, code: int | None) -> tuple[int, str] | None:
        """(status, key of `responses`) answered for `code` (None: the success answer)."""
        keys = list(self.responses(operation))
        if code is not None:
            for key in (str(code), f"{code // 100}XX", "default"):
                if key in keys and code >= 200:  # a 1xx is interim: never the final answer
                    return code, key
            return None
        explicit = sorted(int(k) for k in keys if k.isdigit() and int(k) >= 200)
        success = [c for c in explicit if 200 <= c < 300]
        if success:
            return success[0], str(success[0])
        for key in ("2XX", "default"):
            if key in keys:
                return 200, key
        return None  # no success declared: `answer` answers NO_SUCCESS

    def declares_success(self, operation: Operation) -> bool:
        return declares_success(self.responses(operation))

    def declares(self, operation: Operation, code: int) -> bool:
        keys = self.responses(operation)
        return str(code) in keys or f"{code // 100}XX" in keys

    def response(
        self, operation: Operation, key: str, document: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = ("paths", operation.path, operation.method, "responses", key)
        found = deref(document, Node(path, self.responses_in(document, operation)[key])).value
        return dict(found) if isinstance(found, Mapping) else {}

    @staticmethod
    def responses_in(document: Mapping[str, Any], operation: Operation) -> Mapping[str, Any]:
        responses: Mapping[str, Any] = document["paths"][operation.path][operation.method][
            "responses"
        ]
        return responses

    def answer(
        self,
        operation: Operation,
        *,
        code: int | None = None,
        accept: str | None = None,
        example: str | None = None,
        dynamic: bool = False,
    ) -> Answer:
        chosen = self.response_key(operation, code)
        if chosen is None and code in (None, NO_SUCCESS) and not self.declares_success(operation):
            # Swagger's petstore: `POST /pet` declares only 405, `DELETE /store/order/{orderId}`
            # 400 and 404; a valid request is not refused, and nothing is said of its answer
            return Answer(NO_SUCCESS)
        if chosen is None:
            raise error_for_status(
                501, f"{operation.method.upper()} {operation.path} declares no response"
            )
        status, key = chosen
        response = self.response(operation, key, self.document)
        headers = {
            name: header_text(
                self.value(f"{operation.key} {key} header {name}", header, dynamic, HEADER_TEXT)
            )
            for name, header in self.headers(response).items()
        }
        content = response.get("content") or {}
        if not content:
            return Answer(status, headers=headers)
        media = negotiate(list(content), accept)
        if media is None:
            raise error_for_status(406, f"answers only {', '.join(content)}")
        spec = self.media(content[media])
        named = documented(spec, example) if example and not dynamic else NOT_GIVEN
        if named is NOT_GIVEN:
            fits = self.misfit(operation, key, media) is None
            also = self.narrowed.get(operation.key) if 200 <= status < 300 else None
            named = self.value(f"{operation.key} {key} {media}", spec, dynamic, also, usable=fits)
        return Answer(status, named, media, headers)

    def misfit(self, operation: Operation, key: str, media: str) -> str | None:
        """Why the documented example of a JSON answer does not fit its schema in the document
        (its first problem), or None: it fits, there is none, or the media type is not JSON."""
        at = (operation.key, key, media)
        if at not in self.misfits:
            self.misfits[at] = self._misfit(operation, key, media)
        return self.misfits[at]

    def _misfit(self, operation: Operation, key: str, media: str) -> str | None:
        if not is_json(media):
            return None  # a non-JSON example is the serialized text, not data of the schema
        content = self.response(operation, key, self.document).get("content") or {}
        holder = self.media(content.get(media) or {})
        if not isinstance(holder.get("schema"), Mapping | bool):
            return None
        given = documented(holder)
        if given is NOT_GIVEN:
            return None
        schema = self.response_schema(holder["schema"], closed=False)  # writeOnly: not answered
        error = best_match(
            Draft202012Validator(schema, format_checker=FORMAT_CHECKER).iter_errors(given)
        )
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path)
        message = error.message if len(error.message) <= 100 else error.message[:97] + "..."
        return f"{message} (at /{where})" if where else message

    def misfit_examples(self, operation: Operation) -> list[tuple[str, str]]:
        """(response key, problem) for each documented JSON example the success answer would
        skip because its schema refuses it."""
        chosen = self.response_key(operation, None)
        if chosen is None:
            return []
        content = self.response(operation, chosen[1], self.document).get("content") or {}
        found = [(chosen[1], self.misfit(operation, chosen[1], media)) for media in content]
        return [(key, problem) for key, problem in found if problem is not None]

    def headers(self, response: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        found = {}
        for name, header in (response.get("headers") or {}).items():
            if name.lower() == "content-type":
                continue  # OpenAPI ignores it; the media type says it
            value = deref(self.document, Node((), header)).value
            if isinstance(value, Mapping):
                found[name] = self.media(value)
        return found

    def media(self, holder: Any) -> Mapping[str, Any]:
        """A media type (or header) object with its `$ref` and its named examples' followed: an
        example may be a Reference Object (GitHub's description refers to all of its own)."""
        found = deref(self.document, Node((), holder)).value
        if not isinstance(found, Mapping):
            return {}
        examples = found.get("examples")
        if not isinstance(examples, Mapping) or not any(
            isinstance(example, Mapping) and "$ref" in example for example in examples.values()
        ):
            return found
        followed = {
            name: deref(self.document, Node((), example)).value
            for name, example in examples.items()
        }
        return {**found, "examples": followed}

    def value(
        self,
        key: str,
        holder: Mapping[str, Any],
        dynamic: bool,
        also: Any = None,
        *,
        usable: bool = True,
    ) -> Any:
        """`holder`'s (a media type's or header's) documented value, else (or when it is not
        `usable`: its schema refuses it) one generated, valid against `also` too."""
        if not dynamic and usable:
            given = documented(holder)
            if given is not NOT_GIVEN:
                return given
        schema = holder.get("schema")
        if schema is None:  # nothing to generate from: its example even when asked for a fresh one
            given = documented(holder)
            return "" if given is NOT_GIVEN else given
        made = self.response_schema(schema)
        if also is not None:
            parts = made.get("components") if isinstance(made, dict) else None
            branch = {k: v for k, v in made.items() if k != "components"} if parts else made
            made = {"allOf": [branch, also], **({"components": parts} if parts else {})}
        check = self.response_schema(schema, closed=False)  # what the document itself says
        try:
            return whole_numbers(self.generator.value(key, made, fresh=dynamic, check=check))
        except CannotGenerate as exc:
            if also is not None or not exc.checked_only:
                raise error_for_status(501, f"cannot answer: {exc}") from None
        try:  # under `oneOf`, only values with properties a closed branch refuses may fit once
            value = self.generator.value(f"{key} (as written)", check, fresh=dynamic)
            return whole_numbers(value)
        except CannotGenerate as exc:
            raise error_for_status(501, f"cannot answer: {exc}") from None

    @functools.cached_property
    def view(self) -> dict[str, Any]:
        """The whole document as `response_view` makes it (a bound project's status answers)."""
        return response_view(self.document)

    def response_schema(self, schema: Any, *, closed: bool = True) -> Any:
        """A schema of the document as its answers are generated from (`response_schema`), made
        once per schema as operations are first answered, not for the whole document at start;
        `closed=False`: as the document says it (writeOnly hidden, objects left open)."""
        made = self.schemas.get((id(schema), closed))
        if made is None:
            view = response_schema(schema, self.document, closed=closed)
            made = self.schemas[(id(schema), closed)] = (schema, view)
        return made[1]

    def unanswerable(self, operation: Operation) -> str | None:
        """Why the operation's success answer cannot be generated (checked at start), or None."""
        chosen = self.response_key(operation, None)
        if chosen is None:
            return None  # NO_SUCCESS
        response = self.response(operation, chosen[1], self.document)
        for media, holder in (response.get("content") or {}).items():
            spec = self.media(holder)
            if documented(spec) is not NOT_GIVEN and not self.misfit(operation, chosen[1], media):
                continue
            if "schema" in spec:
                try:
                    strategy(self.response_schema(spec["schema"]))
                except CannotGenerate as exc:
                    return f"its {chosen[0]} response cannot be generated: {exc}"
        return None


def example_request(document: Mapping[str, Any], api: str) -> tuple[str, dict[str, str]] | None:
    """A GET that answers 2xx without inputs (the startup banner's curl line): its path and the
    header of its first security scheme, with the development credential."""
    declared = schemes(document)
    for method, path, spec in operations(document):
        item = document["paths"][path]
        required = [
            p
            for p in [*(item.get("parameters") or ()), *(spec.get("parameters") or ())]
            if isinstance(p, Mapping) and p.get("required")
        ]
        if method != "get" or "{" in path or required or spec.get("requestBody"):
            continue
        headers: dict[str, str] = {}
        for requirement in spec.get("security", document.get("security")) or ():
            for name in requirement:
                scheme = declared.get(name)
                headers = credential_header(api, name, scheme) if scheme is not None else {}
                break
            break
        return path, headers
    return None
