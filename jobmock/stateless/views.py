"""The response view of a document: what a server may answer, as answers are generated from it.

writeOnly properties are left out, OpenAPI's int32/int64 formats become bounds, and a
discriminator's branches are pinned to their mapping value; in the closed view (what a client
expects) objects are closed too. `response_schema` makes it for one schema (and the components it
reaches) as an operation is first answered, `response_view` for a whole document; `standalone`
carries the components a schema reaches beside it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from jobmock.documents.pointers import Pointer, decode_pointer
from jobmock.http.discriminators import (
    COMPONENT,
    branch_values,
    discriminator_of,
    parent_discriminator,
)
from jobmock.stateless.documents import nested, schemas
from jobmock.stateless.twins import twin_branches

INTEGER_FORMATS = {"int32": 32, "int64": 64}


def response_view(document: Mapping[str, Any], *, closed: bool = True) -> dict[str, Any]:
    """A copy of `document` whose schemas describe what a server may answer (see the module doc),
    and, when `closed`, the part of it a client expects: objects are closed
    (`unevaluatedProperties: false`) unless they say otherwise or are an `allOf` branch, whose
    siblings add properties."""
    view = copy.deepcopy(dict(document))
    named = (view.get("components") or {}).get("schemas") or {}
    _make_response_view(lambda: list(schemas(view)), named, closed=closed)
    return view


def response_schema(schema: Any, document: Mapping[str, Any], *, closed: bool = True) -> Any:
    """`standalone(schema, document)` as `response_view` makes it, built for this schema alone: a
    copy of the few components it reaches, not of the whole document (GitHub's is 12 MB). An
    object is closed (when `closed`) unless it is an `allOf` branch among the schemas it reaches.

    Closing objects is not always a narrowing: under `oneOf` (or `not`) a value that fits one
    closed branch may fit several open ones, so a value generated from the closed view is
    answered only if the open view (`closed=False`, what the document says) accepts it too."""
    return _response_schema(schema, document, closed=closed)[0]


def closed_response_schema(schema: Any, document: Mapping[str, Any]) -> tuple[Any, bool]:
    """`response_schema(schema, document)` and whether closing changed it: False when it is the
    same as the open view, so a value generated from it needs no check against that."""
    return _response_schema(schema, document, closed=True)


def _response_schema(schema: Any, document: Mapping[str, Any], *, closed: bool) -> tuple[Any, bool]:
    found = copy.deepcopy(standalone(schema, document))
    if not isinstance(found, dict):
        return found, False
    named = (found.get("components") or {}).get("schemas") or {}
    closes = _make_response_view(
        lambda: list(nested([found, *named.values()])), named, closed=closed
    )
    return found, closes


def _make_response_view(
    found_schemas: Callable[[], list[dict[str, Any]]], named: Mapping[str, Any], *, closed: bool
) -> bool:
    """Make the schemas `found_schemas` finds (in a copy) a response view; `named`: the
    components' schemas their `#/components/schemas/...` refs name. Whether it closed an object
    (the open view differs only there)."""
    found = found_schemas()
    for schema in found:
        bits = INTEGER_FORMATS.get(str(schema.get("format")))
        if bits is not None:  # OpenAPI's int32/int64 are bounds JSON Schema does not know
            schema.setdefault("minimum", -(2 ** (bits - 1)))
            schema.setdefault("maximum", 2 ** (bits - 1) - 1)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            hidden = [
                n for n, p in properties.items() if isinstance(p, dict) and p.get("writeOnly")
            ]
            for name in hidden:
                properties[name] = False
            if hidden and isinstance(schema.get("required"), list):
                schema["required"] = [n for n in schema["required"] if n not in hidden]
        discriminator = discriminator_of(schema, named)  # its own, or its branches' parent's
        if discriminator is not None:
            _pin_branches(schema, discriminator, named)
    _pin_children(found_schemas(), named)  # the pinned branches too
    for schema in found:  # once every twin is made alike above
        if twin_branches(schema, named):  # no value fits: its first branch's (stateless.twins)
            schema["oneOf"] = schema["oneOf"][:1]
    if not closed:
        return False
    found = found_schemas()  # the pinned branches too
    branches: set[int] = set()
    for schema in found:
        for branch in schema.get("allOf") or ():
            branches.add(id(branch))
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                branches.add(id(named.get(ref.rsplit("/", 1)[-1])))
    open_keywords = ("additionalProperties", "unevaluatedProperties", "patternProperties")
    closes = False
    for schema in found:
        shaped = "properties" in schema or "allOf" in schema
        if shaped and id(schema) not in branches and not any(k in schema for k in open_keywords):
            schema["unevaluatedProperties"] = False
            closes = True
    return closes


def _pin_branches(
    schema: dict[str, Any], discriminator: Mapping[str, Any], named: Mapping[str, Any]
) -> None:
    """Each `$ref` branch requires the first discriminator value that names it, as a request is
    read (`jobmock.http.discriminators`): a `mapping` key for it, whether the mapping gives a
    reference or a schema name (3.0.3: "mappings between payload values and schema names or
    references"), else its component's name."""
    prop = discriminator["propertyName"]
    values = branch_values(schema, named, discriminator)
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        for index, branch in enumerate(branches):
            names = values.get((keyword, index))
            if not names or not isinstance(branch, dict) or "$ref" not in branch:
                continue
            branches[index] = {
                "allOf": [branch],
                "properties": {prop: {"const": names[0]}},
                "required": [prop],
            }


def _pin_children(found: list[dict[str, Any]], named: Mapping[str, Any]) -> None:
    """A schema that inherits a discriminator (`allOf` a parent holding one), used as a value and
    not as a parent, requires the value that names it (3.1.0's example: "`{"petType": "dog",
    "bark": "soft"}` will map to `Dog` because of the definition in the `mapping` element")."""
    parents = {id(item) for schema in found for item in schema.get("allOf") or ()}
    for schema in found:
        ref = schema.get("$ref")
        if id(schema) in parents or not isinstance(ref, str) or "properties" in schema:
            continue
        target = named.get(ref[len(COMPONENT) :]) if ref.startswith(COMPONENT) else None
        discriminator = parent_discriminator(target, named) if isinstance(target, dict) else None
        if discriminator is None:
            continue
        alone = {"oneOf": [{"$ref": ref}]}
        values = branch_values(alone, named, discriminator).get(("oneOf", 0))
        if values:
            prop = discriminator["propertyName"]
            schema["properties"] = {prop: {"const": values[0]}}
            schema["required"] = [prop]


def standalone(schema: Any, document: Mapping[str, Any]) -> Any:
    """`schema` with the document's components it reaches beside it, so its `#/components/...`
    refs resolve. Only those: generators serialize a schema whole (GitHub's description carries
    8 MB of components; each of its 1,223 operations reaches a few)."""
    if not isinstance(schema, Mapping) or not ("components" in document or "paths" in document):
        return schema
    components: dict[str, dict[str, Any]] = {}
    carried: dict[str, Any] = {}  # schemas under `paths`/`webhooks` a ref names, at their pointer
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            pointer = decode_pointer(ref[1:]) if isinstance(ref, str) and ref[:1] == "#" else None
            if pointer and len(pointer) >= 3 and pointer[0] == "components":
                kind, name = str(pointer[1]), str(pointer[2])  # the whole component it is in
                found = ((document.get("components") or {}).get(kind) or {}).get(name)
                if found is not None and name not in components.setdefault(kind, {}):
                    components[kind][name] = found
                    pending.append(found)
            elif pointer and pointer[0] in ("paths", "webhooks"):
                found = _carry(document, pointer, carried)
                if found is not None:
                    pending.append(found)
            pending.extend(value for key, value in node.items() if key != "$ref")
        elif isinstance(node, list):
            pending.extend(node)
    if not components and not carried:
        return schema
    return {**schema, **carried, **({"components": components} if components else {})}


def _carry(document: Mapping[str, Any], pointer: Pointer, into: dict[str, Any]) -> Any:
    """Put what `pointer` names in `document` at the same pointer in `into` (the parts of
    `paths` a ref reaches, so the ref resolves there); what it found, None when already carried
    or not found."""
    node: Any = document
    holder: Any = into
    for index, key in enumerate(pointer):
        part = str(key)
        last = index == len(pointer) - 1
        if isinstance(node, Mapping) and part in node:
            node = node[part]
            if part in holder and last:
                return None
            holder = holder.setdefault(
                part, node if last else ([] if isinstance(node, list) else {})
            )
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            holder.extend({} for _ in range(int(part) + 1 - len(holder)))
            if last:
                holder[int(part)] = node
            elif not holder[int(part)]:
                holder[int(part)] = [] if isinstance(node, list) else {}
            holder = holder[int(part)]
        else:
            return None
    return node
