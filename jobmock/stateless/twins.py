"""`oneOf` branches no value tells apart, read as their author meant: the first branch.

A `oneOf` takes a value that fits exactly one of its branches. When every branch has an identical
twin (the same schema but for annotations), a value fits both twins or neither: no value
satisfies it, and no answer can follow the document. ReadMe's legacy API declares its 401 so
(`authUnauthorized`: a oneOf of `error_APIKEY_EMPTY` and `error_APIKEY_NOTFOUND`, which differ in
their `default` only). jobmock answers the first branch's value, in the declared media type (a
client expects that media type, and the value fits every branch), and names these schemas in one
warning at start; a checker given the document still finds the value refused by the `oneOf`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobmock.documents.yamlsource import SourceMap
from jobmock.stateless.contradictions import paths_where
from jobmock.stateless.documents import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE, schemas
from jobmock.stateless.start_warnings import warn_places

ANNOTATIONS = frozenset(
    {"title", "description", "default", "example", "examples", "deprecated", "$comment"}
)
COMPONENT = "#/components/schemas/"


def validated(schema: Any, named: Mapping[str, Any], *, follow: bool = True) -> Any:
    """`schema` as a validator reads it: annotations left out, nested schemas alike, and when
    `follow`, its own `$ref` to a component (with annotations beside it only) followed (nested
    refs are compared as written: a component may refer to itself)."""
    for _ in range(len(named) + 1 if follow else 0):  # a ref to a ref...: at most every component
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith(COMPONENT):
            break
        if any(key not in ANNOTATIONS for key in schema if key != "$ref"):
            break
        target = named.get(ref.removeprefix(COMPONENT))
        if target is None:
            break
        schema = target
    if not isinstance(schema, Mapping):
        return schema
    found: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key in SCHEMA_ONE:
            found[key] = validated(value, named, follow=False)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            found[key] = [validated(item, named, follow=False) for item in value]
        elif key in SCHEMA_MAPS and isinstance(value, Mapping):
            found[key] = {
                name: validated(item, named, follow=False) for name, item in value.items()
            }
        else:
            found[key] = value
    return found


def twin_branches(schema: Any, named: Mapping[str, Any]) -> bool:
    """A `oneOf` whose every branch has an identical twin among the others: no value fits it."""
    branches = schema.get("oneOf") if isinstance(schema, Mapping) else None
    if not isinstance(branches, list) or len(branches) < 2:
        return False
    forms = [validated(branch, named) for branch in branches]
    return all(sum(form == other for other in forms) >= 2 for form in forms)


def warn_twin_branches(document: Mapping[str, Any], source: SourceMap) -> None:
    """One warning naming the first of the document's oneOf schemas with identical branches."""
    named = (document.get("components") or {}).get("schemas") or {}
    count = sum(1 for schema in schemas(dict(document)) if twin_branches(schema, named))
    warn_places(
        "jobmock: no value satisfies %d oneOf schema(s) (identical branches: a value fits both"
        " twins or neither, and oneOf takes exactly one); answering the first branch's value",
        count,
        (
            ((*path, "oneOf"), "oneOf (identical branches)")
            for path in paths_where(document, lambda node: twin_branches(node, named))
        ),
        source,
    )
