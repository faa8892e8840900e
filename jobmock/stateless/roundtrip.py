"""Ids a document hands out that its own routes refuse, named in one warning at start.

Swagger's petstore answers `POST /store/order` with an `Order` whose `id` is any int64, yet
`GET /store/order/{orderId}` takes 1 to 10 and `DELETE` 1 or more: an id the answer may hold is
one the next request cannot use. A client (schemathesis' stateful phase follows such an id from
the answer to the path) is then refused a request the document calls valid. The document
contradicts itself; jobmock answers ids that satisfy both, which the property's schema allows,
so every answer still validates, and names each such property at start.

A property feeds a path parameter here when an operation on `/a` or `/a/{p}` answers an object
with a property named `id` or `p`, of the type `p` has, and `/a/{p}` is a path of the document.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.documents.pointers import Node, Pointer, deref
from jobmock.documents.routes import METHODS, operations
from jobmock.documents.yamlsource import SourceMap
from jobmock.stateless.start_warnings import warn_places

# keyword -> whether a property's own value for it already keeps within the parameter's
LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems")
UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")
EQUAL = ("pattern", "enum", "const", "multipleOf", "format")
NARROWING = (*LOWER, *UPPER, *EQUAL)


def implied(prop: Mapping[str, Any], keyword: str, bound: Any) -> bool:
    """`prop` already keeps within the parameter's `keyword: bound`."""
    mine = prop.get(keyword)
    if mine is None or isinstance(mine, bool) or isinstance(bound, bool):
        return bool(mine == bound)
    if keyword in LOWER:
        return bool(mine >= bound)
    if keyword in UPPER:
        return bool(mine <= bound)
    return bool(mine == bound)


@dataclass(frozen=True)
class Feed:
    """A property of an operation's answer that a path parameter takes, and what it lacks."""

    operation: str  # operation key (operationId, else `method path`)
    property: str
    at: Pointer  # where the property's schema is written
    parameter: str
    template: str  # the path whose parameter it is
    missing: dict[str, Any]  # the parameter's keywords the property's schema does not imply

    def problem(self) -> str:
        bounds = ", ".join(f"{k}: {v}" for k, v in self.missing.items())
        return (
            f"{self.property} ({self.operation}'s answer) is not held to {bounds}, which path "
            f"parameter {self.parameter} of {self.template} requires"
        )


def _parameter_schemas(document: Mapping[str, Any], template: str, name: str) -> list[Any]:
    """The schemas path parameter `name` has on `template`'s operations (or the path item)."""
    item = document["paths"][template]
    lists = [item.get("parameters")]
    lists += [item[m].get("parameters") for m in METHODS if isinstance(item.get(m), Mapping)]
    found = []
    for parameters in lists:
        for parameter in parameters or ():
            parameter = deref(document, Node((), parameter)).value
            if not isinstance(parameter, Mapping) or parameter.get("in") != "path":
                continue
            schema = deref(document, Node((), parameter.get("schema") or {})).value
            if parameter.get("name") == name and isinstance(schema, Mapping):
                found.append(schema)
    return found


def _answer_properties(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Iterator[Node]:
    """The `properties` of each JSON object schema the operation answers with a 2xx."""
    for code, response in (operation.get("responses") or {}).items():
        if not str(code).startswith("2"):
            continue
        response = deref(document, Node((), response)).value
        content = response.get("content") if isinstance(response, Mapping) else None
        for media, holder in (content if isinstance(content, Mapping) else {}).items():
            holder = deref(document, Node((), holder)).value
            if not isinstance(holder, Mapping) or "json" not in str(media):
                continue
            at = deref(document, Node((), holder.get("schema")))
            if isinstance(at.value, Mapping) and isinstance(at.value.get("properties"), Mapping):
                yield Node((*at.pointer, "properties"), at.value["properties"])


def _item_templates(paths: Mapping[str, Any]) -> dict[str, list[str]]:
    """collection path -> the paths naming one of its items by a last templated segment
    (`/a` -> `/a/{p}`), in one pass (GitHub's description has 900 paths)."""
    found: dict[str, list[str]] = {}
    for template in paths:
        if _last_parameter(template) is not None:
            found.setdefault(template.rsplit("/", 1)[0], []).append(template)
    return found


def _last_parameter(template: str) -> str | None:
    last = template.rsplit("/", 1)[-1]
    return last[1:-1] if last.startswith("{") and last.endswith("}") and len(last) > 2 else None


def _unmet(prop: Mapping[str, Any], schemas: list[Any]) -> dict[str, Any]:
    """The keywords of parameter `schemas` (of the property's type) `prop` does not imply, each
    at its tightest."""
    missing: dict[str, Any] = {}
    for schema in schemas:
        if prop.get("type") is None or schema.get("type") != prop.get("type"):
            continue
        for keyword in NARROWING:
            if keyword in schema and not implied(prop, keyword, schema[keyword]):
                missing.update(_tightest(missing, keyword, schema[keyword]))
    return missing


def feeds(document: Mapping[str, Any]) -> list[Feed]:
    """Every property the document's answers hand to a path parameter that takes fewer values."""
    items = _item_templates(document.get("paths") or {})
    found: dict[tuple[str, str], Feed] = {}
    for method, path, operation in operations(document):
        key = str(operation.get("operationId") or f"{method} {path}")
        item = _last_parameter(path) is not None  # answers the item itself, else its collection
        for template in [path] if item else items.get(path.rstrip("/"), []):
            name = str(_last_parameter(template))
            schemas = _parameter_schemas(document, template, name)
            for properties in _answer_properties(document, operation):
                # the parameter's own name, else `id`: the first the answer has
                held = [n for n in (name, "id") if isinstance(properties.value.get(n), Mapping)]
                if not held:
                    continue
                prop = deref(
                    document, Node((*properties.pointer, held[0]), properties.value[held[0]])
                )
                missing = _unmet(prop.value, schemas) if isinstance(prop.value, Mapping) else {}
                if missing:
                    feed = Feed(key, held[0], prop.pointer, name, template, missing)
                    found.setdefault((key, held[0]), feed)
    return list(found.values())


def narrowing(found: list[Feed]) -> dict[str, dict[str, Any]]:
    """operation key -> the schema its answers are also generated against: each fed property
    within what its parameters take (the property's own schema still holds)."""
    made: dict[str, dict[str, Any]] = {}
    for feed in found:
        properties = made.setdefault(feed.operation, {"properties": {}})["properties"]
        kept = properties.setdefault(feed.property, {})
        for keyword, bound in feed.missing.items():
            kept.update(_tightest(kept, keyword, bound))
    return made


def _tightest(kept: Mapping[str, Any], keyword: str, bound: Any) -> dict[str, Any]:
    if keyword in kept and keyword in LOWER:
        return {keyword: max(kept[keyword], bound)}
    if keyword in kept and keyword in UPPER:
        return {keyword: min(kept[keyword], bound)}
    return {keyword: bound}


def warn(found: list[Feed], source: SourceMap) -> None:
    """One warning naming the first such properties, where their schemas are written."""
    first: dict[tuple[Pointer, str], Feed] = {}
    for feed in found:
        first.setdefault((feed.at, feed.template), feed)
    distinct = list(first.values())
    warn_places(
        "jobmock: %d answer property schema(s) hand out ids the document's own paths refuse "
        "(the document contradicts itself); jobmock answers ids both take",
        len(distinct),
        ((feed.at, feed.problem()) for feed in distinct),
        source,
    )
