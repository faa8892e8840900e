"""A project fixture's `binding:` section: which operations of a user's document create and report a
job, read and checked against that document (every problem a FixtureError at its file:line).

    binding:
      create:
        operation: createReport        # operationId of the operation that starts a job
        id: {body: /id}                # where its answer carries the new id: {body: <JSON pointer>},
                                       # {header: Location} or {link: <name of a declared link>}
      status:
        operation: getReport           # operationId of the operation that reports the job
        parameter: reportId            # its path parameter that takes the id
        property: /status              # JSON pointer to the status in its answer
      outcomes: {failed: failure}      # terminal status -> success | failure | cancelled
      counters: {progress: 100}        # counter of the phases -> its total (a number or a field)
      fields: {/error/message: error}  # pointer in the status answer -> what fills it (`SOURCES`)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jobmock.documents.pointers import Node, Pointer, decode_pointer, deref
from jobmock.documents.routes import operations
from jobmock.documents.yamlsource import SourceMap
from jobmock.errors import FixtureError
from jobmock.polling.schemas import json_schema, property_schema, success_response
from jobmock.polling.sources import SOURCES, outcome_of


@dataclass(frozen=True)
class Binding:
    """The binding, checked: operations found, pointers decoded."""

    create: str  # operationId
    id_place: str  # body | header | link
    id_at: Pointer | str  # body pointer, or header name (a link is resolved to one of these)
    status: str
    parameter: str
    property: Pointer
    outcomes: Mapping[str, str]  # every terminal status -> success | failure | cancelled
    counters: Mapping[str, float | str] = field(default_factory=dict)
    fields: Mapping[Pointer, str] = field(default_factory=dict)


def _pointer(text: Any) -> Pointer | None:
    return decode_pointer(text) if isinstance(text, str) else None


def _operation(document: Mapping[str, Any], operation_id: str) -> tuple[str, str, Any] | None:
    for method, path, spec in operations(document):
        if spec.get("operationId") == operation_id:
            return method, path, spec
    return None


LINK_EXPRESSION = re.compile(r"^\$response\.(body#(?P<pointer>.*)|header\.(?P<header>.+))$")


def read_binding(
    raw: Mapping[str, Any],
    document: Mapping[str, Any],
    source: SourceMap,
    statuses: tuple[tuple[str, ...], tuple[str, ...]],
    counters: set[str],
) -> Binding:
    """`raw` (the fixture's `binding`, schema-checked) against `document`; FixtureError if wrong."""

    def fail(at: tuple[str | int, ...], message: str) -> FixtureError:
        error = source.error(
            ("binding", *at), f"binding/{'/'.join(map(str, at))}: {message}", FixtureError
        )
        assert isinstance(error, FixtureError)
        return error

    known = sorted(
        str(s.get("operationId")) for _, _, s in operations(document) if s.get("operationId")
    )
    found = {}
    for part in ("create", "status"):
        name = raw[part]["operation"]
        found[part] = _operation(document, name)
        if found[part] is None:
            raise fail(
                (part, "operation"),
                f"no operation {name!r} in the document; operationIds: {', '.join(known)}",
            )
    create_method, create_path, _ = found["create"]  # type: ignore[misc]
    status_method, status_path, _ = found["status"]  # type: ignore[misc]

    parameter = raw["status"]["parameter"]
    if f"{{{parameter}}}" not in status_path:
        raise fail(("status", "parameter"), f"{status_path} has no path parameter {parameter!r}")

    status_response = json_schema(document, success_response(document, status_path, status_method))
    if status_response is None:
        raise fail(
            ("status", "operation"), f"{raw['status']['operation']} declares no 2xx JSON answer"
        )
    prop = _pointer(raw["status"]["property"])
    enum = property_schema(document, status_response, prop) if prop is not None else None
    if prop is None or enum is None:
        raise fail(
            ("status", "property"),
            f"{raw['status']['property']!r} points to no property of the status answer",
        )
    allowed = enum.get("enum")
    if isinstance(allowed, list):
        for kind, values in zip(("order", "terminal"), statuses, strict=True):
            for index, value in enumerate(values):
                if value not in allowed:
                    error = source.error(
                        ("statuses", kind, index),
                        f"statuses/{kind}/{index}: {value!r} is not a value of the status "
                        f"property ({', '.join(map(str, allowed))})",
                        FixtureError,
                    )
                    raise error

    create_response = json_schema(document, success_response(document, create_path, create_method))
    place, at_text = next(iter(raw["create"]["id"].items()))
    id_at: Pointer | str
    if place == "link":
        place, id_at = _link_target(document, create_path, create_method, at_text, raw, fail)
    elif place == "header":
        id_at = at_text
        declared = _declared_headers(document, create_path, create_method)
        if at_text.lower() not in declared:
            raise fail(
                ("create", "id", "header"),
                f"the 2xx answer of {raw['create']['operation']} declares no header {at_text!r}",
            )
    else:
        pointer = _pointer(at_text)
        if (
            pointer is None
            or create_response is None
            or property_schema(document, create_response, pointer) is None
        ):
            raise fail(
                ("create", "id", "body"),
                f"{at_text!r} points to no property of {raw['create']['operation']}'s answer",
            )
        id_at = pointer

    terminal = statuses[1]
    outcomes = {status: outcome_of(status) for status in terminal}
    for status, outcome in (raw.get("outcomes") or {}).items():
        if status not in terminal:
            raise fail(
                ("outcomes", status), f"{status!r} is not a terminal status ({', '.join(terminal)})"
            )
        outcomes[status] = outcome

    totals = dict(raw.get("counters") or {})
    for name in totals:
        if name not in counters:
            raise fail(("counters", name), f"no scenario phase has a progress counter {name!r}")

    fields: dict[Pointer, str] = {}
    for text, what in (raw.get("fields") or {}).items():
        pointer = _pointer(text)
        if pointer is None or property_schema(document, status_response, pointer) is None:
            raise fail(("fields", text), f"{text!r} points to no property of the status answer")
        if not _known_source(what, counters):
            names = ", ".join([*SOURCES, "field.<name>", "counter.<name>"])
            raise fail(("fields", text), f"{what!r} is not something jobmock knows; one of {names}")
        fields[pointer] = what

    return Binding(
        create=raw["create"]["operation"],
        id_place=place,
        id_at=id_at,
        status=raw["status"]["operation"],
        parameter=parameter,
        property=prop,
        outcomes=outcomes,
        counters=totals,
        fields=fields,
    )


def _known_source(what: str, counters: set[str]) -> bool:
    kind, _, name = what.partition(".")
    if kind == "field":
        return bool(name)
    if kind == "counter":
        return name in counters
    return what in SOURCES


def _declared_headers(document: Mapping[str, Any], path: str, method: str) -> set[str]:
    response = success_response(document, path, method)
    headers = (response or {}).get("headers") or {}
    return {str(name).lower() for name in headers}


def _link_target(
    document: Mapping[str, Any],
    path: str,
    method: str,
    name: str,
    raw: Mapping[str, Any],
    fail: Any,
) -> tuple[str, Pointer | str]:
    """A declared link of the create answer, as the body pointer or header carrying the id."""
    response = success_response(document, path, method) or {}
    links = response.get("links") or {}
    link = deref(document, Node((), links.get(name))).value if name in links else None
    if not isinstance(link, Mapping):
        declared = ", ".join(links) or "none"
        raise fail(
            ("create", "id", "link"), f"the 2xx answer declares no link {name!r} ({declared})"
        )
    expression = (link.get("parameters") or {}).get(raw["status"]["parameter"])
    matched = LINK_EXPRESSION.match(str(expression or ""))
    if matched is None:
        raise fail(
            ("create", "id", "link"),
            f"link {name!r} gives {raw['status']['parameter']!r} no $response.body#/... or"
            " $response.header.... value",
        )
    if matched["header"]:
        return "header", matched["header"]
    pointer = decode_pointer(matched["pointer"])
    return "body", pointer or ()
