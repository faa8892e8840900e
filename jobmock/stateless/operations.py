"""The operations of one stateless API's document and the responses they declare: which
operation a concrete path and method are for, which declared response answers a status, and the
response, media type and header objects with their `$ref`s followed.

status    the lowest declared 2xx (`2XX` and `default` answer 200), else none: a valid request is
          answered NO_SUCCESS (the document's gap, `jobmock.stateless.refusals`); or `Prefer:
          code=N` if declared (exactly, or by its `NXX` range, or by `default`)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.documents.conformance import template_regex
from jobmock.documents.pointers import Node, deref
from jobmock.documents.routes import matching_key, more_concrete, operations

NO_SUCCESS = 204  # a valid request to an operation that declares no success (or no response)


def declares_success(responses: Mapping[str, Any]) -> bool:
    """A response answers a valid request: a 2xx, `2XX` or `default`."""
    return any(str(key).startswith("2") or key == "default" for key in responses)


@dataclass(frozen=True)
class Operation:
    key: str  # operationId, else `method path`
    method: str
    path: str
    spec: Mapping[str, Any]


class Operations:
    """Every operation of one document, by key and by the concrete paths it matches."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
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
        return None  # no success declared: the answer is NO_SUCCESS

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
