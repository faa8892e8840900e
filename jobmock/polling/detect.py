"""What `jobmock init` finds in a document: upload-then-poll pairs and their status property.

A pair is a POST or PUT whose 2xx answer carries an id that a GET's path parameter takes, found,
most explicit first, by a declared link (`links: {X: {operationId, parameters: {p:
$response.body#/id}}}`), by a body property named for the parameter (`reportId`, `report_id`, or
`id` when the GET is the POST's path plus `/{p}`), or by a declared `Location` header with that
same shape of paths. The status property is a string enum of the GET's 2xx answer whose values
include finished-looking words (`sources.OUTCOME_WORDS`, any case); those values are terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jobmock.documents.pointers import Node, Pointer, decode_pointer, deref, encode_pointer
from jobmock.documents.routes import operations
from jobmock.polling.binding import LINK_EXPRESSION
from jobmock.polling.schemas import json_schema, success_code, success_response, walk
from jobmock.polling.sources import NAMES, finished_looking, normal, outcome_of


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str | None

    @property
    def label(self) -> str:
        return f"{self.operation_id or '(no operationId)'} ({self.method.upper()} {self.path})"


@dataclass(frozen=True)
class StatusProperty:
    pointer: Pointer
    order: tuple[str, ...]  # non-terminal values, in the enum's order
    terminal: tuple[str, ...]

    @property
    def text(self) -> str:
        return encode_pointer(self.pointer)


@dataclass(frozen=True)
class Pair:
    create: Operation
    status: Operation
    parameter: str
    id_place: str  # link | body | header
    id_at: str  # the link's name, the body pointer, or the header
    code: int  # the create's success status
    prop: StatusProperty | None = None  # the status property of the GET's answer
    progress: tuple[Pointer, ...] = ()  # properties names say are a percentage

    @property
    def how(self) -> str:
        return {"link": "link", "body": "body property", "header": "header"}[self.id_place]


@dataclass
class Found:
    pairs: list[Pair] = field(default_factory=list)
    unnamed: list[Operation] = field(default_factory=list)  # pairs without operationIds

    @property
    def best(self) -> Pair | None:
        """The first pair whose GET has a status property, else the first pair."""
        with_status = [p for p in self.pairs if p.prop is not None]
        chosen = with_status or self.pairs
        return chosen[0] if chosen else None


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{([^/{}]+)\}", path)


def status_property(document: Mapping[str, Any], path: str, method: str) -> StatusProperty | None:
    """The GET answer's property that looks like a job status (names `status`/`state` first)."""
    schema = json_schema(document, success_response(document, path, method))
    candidates = []
    for pointer, sub in walk(document, schema):
        values = sub.get("enum")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            continue
        terminal = tuple(v for v in values if finished_looking(v))
        if not terminal:
            continue
        order = tuple(v for v in values if v not in terminal)
        named = NAMES.get(normal(str(pointer[-1]))) == "status"
        candidates.append((not named, len(pointer), StatusProperty(pointer, order, terminal)))
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2] if candidates else None


def progress_properties(document: Mapping[str, Any], path: str, method: str) -> tuple[Pointer, ...]:
    schema = json_schema(document, success_response(document, path, method))
    return tuple(
        pointer
        for pointer, sub in walk(document, schema)
        if NAMES.get(normal(str(pointer[-1]))) == "progress"
        and sub.get("type") in ("integer", "number", ["integer", "null"], ["number", "null"])
    )


def _link_pairs(
    document: Mapping[str, Any], response: Mapping[str, Any], gets: dict[str, Operation]
) -> list[tuple[Operation, str, str, str]]:
    found = []
    for name, link in (response.get("links") or {}).items():
        link = deref(document, Node((), link)).value
        if not isinstance(link, Mapping):
            continue
        target = gets.get(str(link.get("operationId")))
        if target is None and isinstance(link.get("operationRef"), str):
            pointer = decode_pointer(link["operationRef"].partition("#")[2]) or ()
            if len(pointer) == 3 and pointer[2] == "get":
                target = next((g for g in gets.values() if g.path == pointer[1]), None)
        if target is None:
            continue
        for parameter, expression in (link.get("parameters") or {}).items():
            if parameter in _path_params(target.path) and LINK_EXPRESSION.match(str(expression)):
                found.append((target, str(parameter), "link", str(name)))
    return found


def find(document: Mapping[str, Any]) -> Found:
    """Every upload-then-poll pair of `document` (see the module docstring)."""
    every = [(m, p, s) for m, p, s in operations(document)]
    gets = {
        str(s.get("operationId") or f"get {p}"): Operation(m, p, s.get("operationId"))
        for m, p, s in every
        if m == "get" and _path_params(p)
    }
    result = Found()
    for method, path, spec in every:
        if method not in ("post", "put"):
            continue
        response = success_response(document, path, method)
        if response is None or not 200 <= success_code(document, path, method) < 300:
            continue
        create = Operation(method, path, spec.get("operationId"))
        found = _link_pairs(document, response, gets)
        body = {
            str(p[-1]): p for p, _ in walk(document, json_schema(document, response)) if len(p) <= 2
        }
        headers = {str(h).lower() for h in (response.get("headers") or {})}
        for target in gets.values():
            params = _path_params(target.path)
            if not params or any(f[0] is target for f in found):
                continue
            parameter = params[-1]
            below = target.path == f"{path.rstrip('/')}/{{{parameter}}}"
            by_name = [n for n in body if normal(n) == normal(parameter) or (below and n == "id")]
            if by_name:
                found.append((target, parameter, "body", encode_pointer(body[by_name[0]])))
            elif below and "location" in headers:
                found.append((target, parameter, "header", "Location"))
        for target, parameter, place, at in found:
            pair = Pair(
                create,
                target,
                parameter,
                place,
                at,
                success_code(document, path, method),
                status_property(document, target.path, target.method),
                progress_properties(document, target.path, target.method),
            )
            if create.operation_id and target.operation_id:
                result.pairs.append(pair)
            else:
                result.unnamed += [op for op in (create, target) if not op.operation_id]
    result.pairs.sort(key=lambda p: ("link", "body", "header").index(p.id_place))
    return result


def outcomes(terminal: tuple[str, ...]) -> dict[str, str]:
    return {value: outcome_of(value) for value in terminal}
