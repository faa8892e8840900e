"""Does a response match what the served spec declares for its status code?

Used by the tests, `jobmock validate` (every scenario phase renders a valid body) and the contract
suite's coverage. Schemas are checked with JSON Schema 2020-12 (3.1) with `$ref`s resolved against
the whole document through `referencing`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from jobmock.documents.pointers import Node, Pointer, deref, encode_pointer

DOCUMENT_URI = "urn:jobmock:served-spec"


def template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


class ResponseChecker:
    """Checks bodies against one served document's response schemas (validators built once)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(dict(document), default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self._validators: dict[Pointer, Draft202012Validator | None] = {}

    def template_for(self, concrete_path: str, method: str = "get") -> str:
        """The path template (`/jobs/{id}`) of the document that `concrete_path` matches."""
        for template, item in self.document.get("paths", {}).items():
            if method.lower() in item and template_regex(template).fullmatch(concrete_path):
                return str(template)
        raise LookupError(f"no {method.upper()} path of the document matches {concrete_path}")

    def declared(self, path: str, method: str) -> dict[str, Any]:
        responses: dict[str, Any] = self.document["paths"][path][method.lower()].get(
            "responses", {}
        )
        return responses

    def response_for(self, path: str, method: str, status: int) -> Node | None:
        """Where the declared response for `status` is (exact code, then `4XX`, then `default`),
        its `$ref`s followed."""
        responses = self.declared(path, method)
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                declared = Node(("paths", path, method.lower(), "responses", key), responses[key])
                return deref(self.document, declared)
        return None

    def validator(
        self, path: str, method: str, status: int, media_type: str = "application/json"
    ) -> Draft202012Validator | None:
        found = self.response_for(path, method, status)
        if found is None:
            raise LookupError(f"{method.upper()} {path} declares no response for {status}")
        cache_key = (*found.pointer, media_type)
        if cache_key not in self._validators:
            content = found.value.get("content", {})
            if media_type not in content or "schema" not in content[media_type]:
                self._validators[cache_key] = None
            else:
                location = encode_pointer((*found.pointer, "content", media_type, "schema"))
                self._validators[cache_key] = Draft202012Validator(
                    {"$ref": f"{DOCUMENT_URI}#{location}"},
                    registry=self.registry,
                    format_checker=Draft202012Validator.FORMAT_CHECKER,
                )
        return self._validators[cache_key]

    def errors(
        self, path: str, method: str, status: int, body: Any, media_type: str = "application/json"
    ) -> list[str]:
        """Messages for every way `body` breaks the declared schema (empty when it conforms)."""
        try:
            validator = self.validator(path, method, status, media_type)
        except LookupError as exc:
            return [str(exc)]
        if validator is None:
            return [] if body in (None, b"", "") else [f"{status} declares no {media_type} body"]
        return [
            f"{'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message}"
            for e in validator.iter_errors(body)
        ]
