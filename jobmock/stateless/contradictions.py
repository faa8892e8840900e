"""Where a document contradicts itself, jobmock's reading of it, named in one warning at start.

`nullable: true` beside an `enum` without `null` (OpenAPI 3.0): the flag says null is meant, yet
OpenAPI 3.0.3 says other keywords "retain their defined behavior, and therefore may disallow the
use of null", so the enum refuses it. GitHub's description has them (`state_reason` of
`PATCH /repos/{owner}/{repo}/issues/{issue_number}`, whose real API takes `null`). jobmock reads
the flag (`jobmock.stateless.documents.upgrade` adds `null` to the enum): a request with null is
accepted and an answer may hold it. A checker strict to 3.0.3 (schemathesis' negative data)
expects null refused there and reports it accepted (`negative_data_rejection`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jobmock.documents.yamlsource import SourceMap
from jobmock.stateless.start_warnings import warn_places


def nullable_enum(node: Any) -> bool:
    """A 3.0 schema whose `nullable: true` its `enum` contradicts (no null in it)."""
    return (
        isinstance(node, dict)
        and node.get("nullable") is True
        and isinstance(node.get("type"), str)
        and isinstance(node.get("enum"), list)
        and None not in node["enum"]
    )


def paths_where(
    node: Any, wanted: Callable[[Any], bool], at: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """The path of each node under `node` that is `wanted`, in document order."""
    if wanted(node):
        yield at
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict | list):
                yield from paths_where(value, wanted, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict | list):
                yield from paths_where(value, wanted, (*at, index))


def nullable_enums(node: Any) -> Iterator[tuple[Any, ...]]:
    """The path of each `nullable_enum` schema under `node`, in document order."""
    return paths_where(node, nullable_enum)


def warn_nullable_enums(document: dict[str, Any], source: SourceMap, count: int) -> None:
    """One warning naming the first of the `count` schemas `upgrade` added null to."""
    warn_places(
        "jobmock: %d schema(s) contradict themselves: `nullable: true` with an `enum` that has no "
        "null (OpenAPI 3.0.3: the enum refuses null). jobmock takes null there; a checker strict "
        "to 3.0.3 (schemathesis' negative_data_rejection) reports null accepted",
        count,
        (
            ((*path, "enum"), "nullable: true, yet its enum has no null")
            for path in nullable_enums(document)
        ),
        source,
    )
