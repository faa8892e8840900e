"""Every problem of a request, not only the first: what FastAPI's 422 lists.

A FastAPI app checks the path, query, header and cookie parameters, then the body, and reports
every problem it finds; pydantic checks a model's fields in the order they are declared, and list
items by index, one problem per location. `jobmock.http.openapi31` raises the problem it always did
(the first parameter, else the body's most relevant error: what the envelopes that report one
problem render) carrying the others in `problems` (`jobmock.errors.carrying`). Nothing here runs
for a request that is valid.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable

import jsonschema
from jsonschema.exceptions import ValidationError

from jobmock.errors import InvalidBody
from jobmock.http.envelopes import REQUIRED

DEFERRED = "jobmock.parameter_problems"  # scope key: parameter problems the body validator reports


def body_error(error: ValidationError) -> InvalidBody:
    path = tuple(error.absolute_path)
    where = "/".join(str(p) for p in path)
    reason = f"{error.message} (at /{where})" if where else error.message
    return InvalidBody(
        reason,
        path=path,
        keyword=str(error.validator),
        value=error.instance,
        expected=error.validator_value,
    )


def location(error: ValidationError) -> tuple[t.Any, ...]:
    """Where pydantic reports `error`: a missing property is reported at its own name."""
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = REQUIRED.match(error.message)
        return (*path, missing.group(1) if missing else error.message)
    return path


def _pointer(root: t.Any, ref: str) -> t.Any:
    node = root
    for part in ref.lstrip("#/").split("/") if ref != "#" else ():
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def schema_position(root: dict[str, t.Any], error: ValidationError) -> tuple[int, ...]:
    """The order pydantic checks `error`'s location in: declared properties in order (extra ones
    after them), list items by index. Follows the error's schema path through `root`."""
    steps = list(error.absolute_schema_path)
    path = list(error.absolute_path)
    node: t.Any = root
    key: list[int] = []
    depth, i = 0, 0
    while i < len(steps) and isinstance(node, dict):
        step, last = steps[i], i == len(steps) - 1
        properties = node.get("properties") or {}
        if step == "$ref" and str(node.get("$ref", "")).startswith("#"):
            node, i = _pointer(root, node["$ref"]), i + 1
        elif step == "properties" and i + 1 < len(steps):
            name = steps[i + 1]
            key.append(list(properties).index(name) if name in properties else len(properties))
            node, depth, i = properties.get(name), depth + 1, i + 2
        elif step == "items" and not last:
            index = path[depth] if depth < len(path) else 0
            key.append(index if isinstance(index, int) else 0)
            node, depth, i = node["items"], depth + 1, i + 1
        elif step in ("prefixItems", "anyOf", "oneOf", "allOf") and i + 1 < len(steps):
            if step == "prefixItems":
                key.append(int(steps[i + 1]))
                depth += 1
            node, i = node[step][steps[i + 1]], i + 2
        elif step == "required":
            name = location(error)[-1]
            key.append(list(properties).index(name) if name in properties else len(properties))
            break
        elif step == "additionalProperties":
            key.append(len(properties))
            break
        else:
            break
    return tuple(key)


def body_problems(root: dict[str, t.Any], errors: Iterable[ValidationError]) -> InvalidBody:
    """The body's most relevant error (as before), carrying one problem per location, in the
    order pydantic checks them."""
    found = list(errors)
    by_location: dict[tuple[t.Any, ...], list[ValidationError]] = {}
    for error in found:
        by_location.setdefault(location(error), []).append(error)
    ordered = sorted(
        (jsonschema.exceptions.best_match(group) for group in by_location.values()),
        key=lambda error: schema_position(root, error),
    )
    first = body_error(jsonschema.exceptions.best_match(found))
    first.problems = [body_error(error) for error in ordered]
    return first
