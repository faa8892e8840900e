"""The served operations as the journal explains them: which one a request was for, what it
documents (for a refused request), and which ones a request that matched none nearly matched.

A near miss (WireMock's term) names the closest documented operations, method and template, and
why each did not match: another method, a literal segment that differs, a segment that does not
fit its parameter's schema, segments too many or too few, the API's prefix missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.documents.pointers import Node, deref
from jobmock.documents.routes import operations

MAX_NEAR_MISSES = 3
MAX_DISTANCE = 2  # segments that may differ for an operation to count as close


@dataclass(frozen=True)
class Operation:
    api: str
    prefix: str
    method: str  # upper case
    template: str  # the spec's path template, without the prefix
    operation_id: str
    segments: tuple[str, ...]
    path_schemas: Mapping[str, Mapping[str, Any]]  # path parameter -> its schema
    documented: Mapping[str, Any]  # what a client should send (`documented_request`)


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    return deref(document, Node((), node)).value


def _documented(
    document: Mapping[str, Any], method: str, template: str, operation: Mapping[str, Any]
) -> dict[str, Any]:
    """The operation's request as its document states it: parameters, then body media types
    with their example (or schema reference), so a refused request can be put beside it."""
    item = document["paths"][template]
    parameters = []
    for raw in [*(item.get("parameters") or ()), *(operation.get("parameters") or ())]:
        parameter = _deref(document, raw)
        if isinstance(parameter, Mapping) and "name" in parameter:
            parameters.append(
                {
                    "name": str(parameter["name"]),
                    "in": str(parameter.get("in", "")),
                    "required": bool(parameter.get("required", False)),
                }
            )
    found: dict[str, Any] = {"method": method.upper(), "path": template, "parameters": parameters}
    body = _deref(document, operation.get("requestBody"))
    if isinstance(body, Mapping):
        media: dict[str, Any] = {}
        for name, content in (body.get("content") or {}).items():
            schema = (content or {}).get("schema") or {}
            entry: dict[str, Any] = {}
            if "$ref" in schema:
                entry["schema"] = schema["$ref"]
            if "example" in (content or {}):
                entry["example"] = content["example"]
            elif (content or {}).get("examples"):
                first = next(iter(content["examples"].values()))
                entry["example"] = (_deref(document, first) or {}).get("value")
            media[str(name)] = entry
        found["body"] = {"required": bool(body.get("required", False)), "content": media}
    return found


class Operations:
    """Every served operation of every API (`apis`: name -> (prefix, document))."""

    def __init__(self, apis: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        self.operations: list[Operation] = []
        self.prefixes = sorted(((p, api) for api, (p, _) in apis.items()), key=lambda x: -len(x[0]))
        for api, (prefix, document) in apis.items():
            for method, template, operation in operations(document):
                item = document["paths"][template]
                schemas = {}
                for raw in [*(item.get("parameters") or ()), *(operation.get("parameters") or ())]:
                    parameter = _deref(document, raw)
                    if isinstance(parameter, Mapping) and parameter.get("in") == "path":
                        schemas[str(parameter["name"])] = _deref(
                            document, parameter.get("schema") or {}
                        )
                self.operations.append(
                    Operation(
                        api,
                        prefix,
                        method.upper(),
                        template,
                        str(operation.get("operationId") or f"{method.upper()} {template}"),
                        _segments(template),
                        schemas,
                        _documented(document, method, template, operation),
                    )
                )
        self._by_id = {(o.api, o.operation_id): o for o in self.operations}
        # asked for each request recorded: each prefix with its `/` once
        self._under = [(prefix, prefix.rstrip("/") + "/", api) for prefix, api in self.prefixes]

    def api_of(self, path: str) -> str | None:
        """The API whose prefix `path` is under (the longest; "" prefix: served at `/`)."""
        for prefix, under, api in self._under:
            if path == prefix or path.startswith(under):
                return api
        return None

    def find(self, api: str, operation_id: str) -> Operation | None:
        return self._by_id.get((api, operation_id))

    def near_misses(self, method: str, path: str) -> list[dict[str, Any]]:
        """The closest operations to a request no operation matched, with why each did not."""
        method = method.upper()
        candidates: list[tuple[float, Operation, list[str]]] = []
        for operation in self.operations:
            prefix = operation.prefix.rstrip("/")
            reasons: list[str] = []
            rest = path
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix) :]
            elif prefix:
                reasons.append(f"the path lacks the API's prefix {prefix}")
            distance, why = _compare(_segments(rest), operation)
            if distance > MAX_DISTANCE:
                continue
            reasons += why
            if operation.method != method:
                reasons.append(f"{method} is not documented here; {operation.method} is")
            score = (
                distance
                + (0.5 if operation.method != method else 0)
                + (0.5 if rest is path and prefix else 0)
            )
            candidates.append((score, operation, reasons))
        candidates.sort(key=lambda c: c[0])
        return [
            {
                "api": op.api,
                "method": op.method,
                "path": op.template,
                "operation": op.operation_id,
                "reasons": reasons or ["matches; refused for another reason"],
            }
            for _, op, reasons in candidates[:MAX_NEAR_MISSES]
        ]


def _segments(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split("/") if part)


def _compare(segments: tuple[str, ...], operation: Operation) -> tuple[int, list[str]]:
    """How many segments differ from the operation's template, and how."""
    template = operation.segments
    reasons: list[str] = []
    distance = abs(len(segments) - len(template))
    if len(segments) != len(template):
        reasons.append(f"{len(segments)} path segments; the template has {len(template)}")
    for index, (given, expected) in enumerate(zip(segments, template, strict=False), start=1):
        if expected.startswith("{") and expected.endswith("}"):
            name = expected[1:-1]
            problem = _misfit(given, operation.path_schemas.get(name) or {})
            if problem:
                distance += 1
                reasons.append(f"segment {index} {given!r} does not fit {expected}: {problem}")
        elif given != expected:
            distance += 1
            reasons.append(f"segment {index} is {given!r}; the template has {expected!r}")
    return distance, reasons


# The types routing checks in a path segment: how it parses one, and what it says when it cannot.
SEGMENT_TYPES: dict[str, tuple[Callable[[str], object], str]] = {
    "integer": (int, "an integer is expected"),
    "number": (float, "a number is expected"),
}


def _misfit(value: str, schema: Mapping[str, Any]) -> str | None:
    """Why a path segment does not fit its parameter's schema (the types routing checks)."""
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in SEGMENT_TYPES:
        return None
    parse, expected = SEGMENT_TYPES[kind]
    try:
        parse(value)
    except ValueError:
        return expected
    return None
