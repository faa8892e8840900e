"""Ids a document hands out that its own routes refuse, named in one warning at start.

Swagger's petstore answers `POST /store/order` with an `Order` whose `id` is any int64, yet
`GET /store/order/{orderId}` takes 1 to 10 and `DELETE` 1 or more: an id the answer may hold is
one the next request cannot use. A client (schemathesis' stateful phase follows such an id from
the answer to the path) is then refused a request the document calls valid. The document
contradicts itself; jobmock answers ids that satisfy both, which the property's schema allows,
so every answer still validates, and names each such property at start.

A property feeds a path parameter here when an operation on `/a` or `/a/{p}` answers an object
with a property named `id` or `p`, of the type `p` has, and `/a/{p}` is a path of the document; or
when an operation below `/a/{p}` (`/a/{p}/b/{q}`) answers a property named `p`. The property is
looked for through object wrappers and arrays' items at any depth, shallowest first (ReadMe's API
answers `{"data": {"section": ...}}`, whose `section` enum has `guide` where `{section}` takes
`guides`).
"""

from __future__ import annotations

from collections import deque
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
WRAPPING = frozenset({"$ref", "properties", "items"})  # a schema that may hold properties


def implied(prop: Mapping[str, Any], keyword: str, bound: Any) -> bool:
    """`prop` already keeps within the parameter's `keyword: bound`."""
    mine = prop.get(keyword)
    if keyword == "enum" and isinstance(mine, list) and isinstance(bound, list):
        return all(value in bound for value in mine)
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
    route: Pointer = ()  # the object holding the property, from the answer's root ("properties", "data")

    def label(self) -> str:
        """`data.section`, `[].id`: where in the answer the property is."""
        parts, route = [], list(self.route)
        while route:
            keyword = route.pop(0)
            parts.append(str(route.pop(0)) if keyword == "properties" and route else "[]")
        return ".".join([*parts, self.property]).replace(".[]", "[]")

    def problem(self) -> str:
        bounds = ", ".join(f"{k}: {v}" for k, v in self.missing.items())
        return (
            f"{self.label()} ({self.operation}'s answer) is not held to {bounds}, which path "
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


def _answer_properties(
    document: Mapping[str, Any], operation: Mapping[str, Any], at: Pointer
) -> Iterator[tuple[Pointer, Node]]:
    """The `properties` of each object schema in the operation's 2xx JSON answers, through
    properties and arrays' items at any depth, shallowest first: (the route to it from the answer's
    root, in schema keywords, and its properties). A schema met again is not walked again."""
    queue: deque[tuple[Pointer, Node]] = deque()
    for code, response in (operation.get("responses") or {}).items():
        if not str(code).startswith("2"):
            continue
        answer = deref(document, Node((*at, "responses", code), response))
        content = answer.value.get("content") if isinstance(answer.value, Mapping) else None
        for media, holder in (content if isinstance(content, Mapping) else {}).items():
            media_at = deref(document, Node((*answer.pointer, "content", media), holder))
            if isinstance(media_at.value, Mapping) and "json" in str(media):
                schema = Node((*media_at.pointer, "schema"), media_at.value.get("schema"))
                queue.append(((), deref(document, schema)))
    seen: set[Pointer] = set()
    while queue:
        route, node = queue.popleft()
        if not isinstance(node.value, Mapping) or node.pointer in seen:
            continue
        seen.add(node.pointer)
        properties = node.value.get("properties")
        if isinstance(properties, Mapping):
            yield route, Node((*node.pointer, "properties"), properties)
            for name, held in properties.items():
                if isinstance(held, Mapping) and not WRAPPING.isdisjoint(held):  # else a leaf
                    inner = deref(document, Node((*node.pointer, "properties", name), held))
                    queue.append(((*route, "properties", name), inner))
        if isinstance(node.value.get("items"), Mapping):
            inner = deref(document, Node((*node.pointer, "items"), node.value["items"]))
            queue.append(((*route, "items"), inner))


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


def _ancestors(path: str, paths: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(template, parameter) for each path of the document above `path` ending in a parameter
    (`/a/{p}` above `/a/{p}/b/{q}`): what `path`'s answer names by that parameter's name is it."""
    segments = path.split("/")
    for end in range(2, len(segments)):
        template = "/".join(segments[:end])
        name = _last_parameter(template)
        if name is not None and template in paths:
            yield template, name


def _wanted(path: str, items: Mapping[str, list[str]], paths: Mapping[str, Any]) -> list[Any]:
    """(template, parameter, property names that feed it) for an operation on `path`."""
    last = _last_parameter(path)  # answers the item itself, else its collection
    own = [path] if last is not None else items.get(path.rstrip("/"), [])
    found = [(t, str(_last_parameter(t)), (str(_last_parameter(t)), "id")) for t in own]
    return found + [(t, name, (name,)) for t, name in _ancestors(path, paths)]


def _levels(cache: list[tuple[Pointer, Node]], walk: Iterator[tuple[Pointer, Node]]) -> Any:
    """`walk`'s levels, walked only as far as asked and kept in `cache` for the next asker."""
    index = 0
    while True:
        if index == len(cache):
            step = next(walk, None)
            if step is None:
                return
            cache.append(step)
        yield cache[index]
        index += 1


def feeds(document: Mapping[str, Any]) -> list[Feed]:
    """Every property the document's answers hand to a path parameter that takes fewer values."""
    paths = document.get("paths") or {}
    items = _item_templates(paths)
    found: dict[tuple[str, Pointer, str], Feed] = {}
    for method, path, operation in operations(document):
        key = str(operation.get("operationId") or f"{method} {path}")
        wanted = _wanted(path, items, paths)
        walk = _answer_properties(document, operation, ("paths", path, method))
        cache: list[tuple[Pointer, Node]] = []
        for template, name, names in wanted:
            for route, properties in _levels(cache, walk):
                # the parameter's own name, else `id`: the first the answer has, shallowest
                held = [n for n in names if isinstance(properties.value.get(n), Mapping)]
                if not held:
                    continue
                prop = deref(
                    document, Node((*properties.pointer, held[0]), properties.value[held[0]])
                )
                schemas = _parameter_schemas(document, template, name)
                missing = _unmet(prop.value, schemas) if isinstance(prop.value, Mapping) else {}
                if missing:
                    feed = Feed(key, held[0], prop.pointer, name, template, missing, route)
                    found.setdefault((key, route, held[0]), feed)
                break
    return list(found.values())


def narrowing(found: list[Feed]) -> dict[str, dict[str, Any]]:
    """operation key -> the schema its answers are also generated against: each fed property
    within what its parameters take (the property's own schema still holds)."""
    made: dict[str, dict[str, Any]] = {}
    for feed in found:
        holder = made.setdefault(feed.operation, {})
        for part in feed.route:  # the wrappers around it, as the answer's schema nests them
            holder = holder.setdefault(str(part), {})
        kept = holder.setdefault("properties", {}).setdefault(feed.property, {})
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
