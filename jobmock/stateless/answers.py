"""The documented answer of an operation: which status, which media type, which body and headers.

status    as `jobmock.stateless.operations` picks it (no success declared: 204)
media     the first of the response's media types the request's `Accept` takes
          (`jobmock.stateless.negotiation`); none it takes: 406
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
from dataclasses import dataclass, field, replace
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from jobmock.errors import error_for_status
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.stateless.explained import explained
from jobmock.stateless.finite import endless
from jobmock.stateless.negotiation import is_json, negotiate
from jobmock.stateless.operations import NO_SUCCESS, Operation, Operations
from jobmock.stateless.values import (
    NOT_GIVEN,
    CannotGenerate,
    Generator,
    documented,
    strategy,
)
from jobmock.stateless.views import closed_response_schema, response_schema, response_view

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


def header_text(value: Any) -> str:
    """A header value in OpenAPI's `simple` style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def has_example(media: Mapping[str, Any]) -> bool:
    """Whether the media type gives its body: an example of its own or its schema's."""
    return documented(media) is not NOT_GIVEN


class Answers(Operations):
    """Every operation of one stateless API, answered from its document."""

    def __init__(self, document: Mapping[str, Any], seed: int) -> None:
        super().__init__(document)
        self.generator = Generator(seed)
        # (id, closed) -> (schema, view, whether closing changed it)
        self.schemas: dict[tuple[int, bool], tuple[Any, Any, bool]] = {}
        self.misfits: dict[tuple[str, str, str], str | None] = {}
        # operation key -> what its 2xx bodies are also generated against (stateless.roundtrip)
        self.narrowed: dict[str, dict[str, Any]] = {}
        self.validators: dict[int, Draft202012Validator] = {}  # error bodies' schemas (explained)

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

    def explained(self, operation: Operation, answer: Answer, text: str) -> Answer:
        """An error answer whose generated JSON body says `text` where it has room for it (see
        `jobmock.stateless.explained`), still valid against its response's schema; a body the
        document gives (an example) is left as written."""
        chosen = self.response_key(operation, answer.status)
        if chosen is None or answer.media_type is None or not is_json(answer.media_type):
            return answer
        content = self.response(operation, chosen[1], self.document).get("content") or {}
        holder = self.media(content.get(answer.media_type) or {})
        if not isinstance(holder.get("schema"), Mapping | bool) or has_example(holder):
            return answer  # an error body the document writes out is answered as written
        schema = self.response_schema(holder["schema"], closed=False)
        validator = self.validators.get(id(schema))
        if validator is None:
            validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
            self.validators[id(schema)] = validator
        body = explained(answer.body, text, validator.is_valid)
        return answer if body is answer.body else replace(answer, body=body)

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
        # what the document itself says, where closing objects changed it
        check = self.response_schema(schema, closed=False) if self.closes(schema) else None
        try:
            return self.generator.value(key, made, fresh=dynamic, check=check)
        except CannotGenerate as exc:
            if also is not None:  # ids the paths take that the schema has none of: its own value
                return self.value(f"{key} (not narrowed)", holder, dynamic, usable=usable)
            if not exc.checked_only:
                raise error_for_status(501, f"cannot answer: {self.cannot(exc, schema)}") from None
        try:  # under `oneOf`, only values with properties a closed branch refuses may fit once
            return self.generator.value(f"{key} (as written)", check, fresh=dynamic)
        except CannotGenerate as exc:
            raise error_for_status(501, f"cannot answer: {self.cannot(exc, schema)}") from None

    def cannot(self, exc: CannotGenerate, schema: Any) -> str:
        """Why no answer of `schema` is generated: the document's gap when no finite value
        satisfies it (`jobmock.stateless.finite`; `jobmock contract` lists its 501 so), else the
        generator's reason."""
        found = endless(schema, (), self.document)
        return f"the document's gap: {found.why()}" if found is not None else str(exc)

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
            if closed:
                view, closes = closed_response_schema(schema, self.document)
            else:
                view, closes = response_schema(schema, self.document, closed=False), False
            made = self.schemas[(id(schema), closed)] = (schema, view, closes)
        return made[1]

    def closes(self, schema: Any) -> bool:
        """Whether the closed view of `schema` differs from the open one (computed once, as the
        closed view is made): else a value generated from it needs no check against the open."""
        self.response_schema(schema)
        return bool(self.schemas[(id(schema), True)][2])

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
                    why = self.cannot(exc, spec["schema"])
                    return f"its {chosen[0]} response cannot be generated: {why}"
        return None
