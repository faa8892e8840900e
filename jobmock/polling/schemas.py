"""Where things are in a user's document: an operation's success answer, the schema at a JSON
pointer into its body, and every property a body may have (for filling it by name)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jobmock.documents.pointers import Node, Pointer, deref

BRANCHES = ("allOf", "anyOf", "oneOf")
MAX_DEPTH = 4  # properties nested deeper are left to the generator


def _resolved(document: Mapping[str, Any], value: Any) -> Any:
    return deref(document, Node((), value)).value


def success_response(
    document: Mapping[str, Any], path: str, method: str
) -> Mapping[str, Any] | None:
    """The response object of the operation's lowest declared 2xx (`2XX`, `default` after)."""
    responses = (document.get("paths", {}).get(path, {}).get(method) or {}).get("responses") or {}
    codes = sorted(k for k in responses if str(k).isdigit() and 200 <= int(k) < 300)
    for key in [*codes, "2XX", "default"]:
        if key in responses:
            found = _resolved(document, responses[key])
            return found if isinstance(found, Mapping) else None
    return None


def success_code(document: Mapping[str, Any], path: str, method: str) -> int:
    responses = (document.get("paths", {}).get(path, {}).get(method) or {}).get("responses") or {}
    codes = sorted(int(k) for k in responses if str(k).isdigit() and 200 <= int(k) < 300)
    return codes[0] if codes else 200


def json_schema(document: Mapping[str, Any], response: Mapping[str, Any] | None) -> Any:
    """The schema of the response's JSON content (`application/json` or `+json`), or None."""
    for media, spec in ((response or {}).get("content") or {}).items():
        base = media.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            spec = _resolved(document, spec)
            return _resolved(document, spec.get("schema")) if isinstance(spec, Mapping) else None
    return None


def properties_of(document: Mapping[str, Any], schema: Any) -> dict[str, Any]:
    """The properties an object of `schema` may have, `$ref`s followed and branches merged."""
    schema = _resolved(document, schema)
    if not isinstance(schema, Mapping):
        return {}
    found: dict[str, Any] = {}
    for name, sub in (schema.get("properties") or {}).items():
        found.setdefault(str(name), _resolved(document, sub))
    for keyword in BRANCHES:
        for branch in schema.get(keyword) or ():
            for name, sub in properties_of(document, branch).items():
                found.setdefault(name, sub)
    return found


def required_of(document: Mapping[str, Any], schema: Any) -> set[str]:
    schema = _resolved(document, schema)
    if not isinstance(schema, Mapping):
        return set()
    required = {str(n) for n in schema.get("required") or ()}
    for branch in schema.get("allOf") or ():
        required |= required_of(document, branch)
    return required


def property_schema(document: Mapping[str, Any], schema: Any, pointer: Pointer) -> Any:
    """The schema at `pointer` into a body of `schema` (object properties only), or None."""
    current = _resolved(document, schema)
    if current is None:
        return None
    for part in pointer:
        current = properties_of(document, current).get(str(part))
        if current is None:
            return None
    return current if isinstance(current, Mapping) else {}


def walk(
    document: Mapping[str, Any], schema: Any, at: Pointer = (), depth: int = 0
) -> Iterator[tuple[Pointer, Mapping[str, Any]]]:
    """(pointer, schema) of every property a body of `schema` may have, outermost first."""
    if depth >= MAX_DEPTH:
        return
    children = properties_of(document, schema)
    for name, sub in children.items():
        if isinstance(sub, Mapping):
            yield (*at, name), sub
    for name, sub in children.items():
        if isinstance(sub, Mapping):
            yield from walk(document, sub, (*at, name), depth + 1)
