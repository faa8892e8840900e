"""What `/openapi.json` serves: the document as written, the mock first in its `servers`, and
without the header parameters OpenAPI says to ignore.

OpenAPI 3.0.3 and 3.1.0, Parameter Object, `name`: "If `in` is `"header"` and the `name` field
is `"Accept"`, `"Content-Type"` or `"Authorization"`, the parameter definition SHALL be ignored."
The server ignores them (`jobmock.http.openapi31`), and the served document leaves them out, so a
client generated from it and a checker run against it send those headers as the document's
responses, request bodies and security schemes say, not from a definition with no effect
(schemathesis sent DigitalOcean's `Accept: application/yaml`, which no response of
`POST /v2/apps` declares, and counted the 406 as a valid request refused). Built once, at start.
"""

from __future__ import annotations

import typing as t

from jobmock.documents.pointers import Node, deref
from jobmock.documents.routes import METHODS

IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def ignored_header(parameter: t.Any) -> bool:
    """A (resolved) header parameter named Accept, Content-Type or Authorization."""
    return (
        isinstance(parameter, dict)
        and parameter.get("in") == "header"
        and str(parameter.get("name", "")).lower() in IGNORED_HEADERS
    )


class ServedDocument:
    """Every operation is served at its path under the API's prefix, whatever its `servers` say
    (as Prism, which ignores a server's path): the mock is the first server of the document and of
    each path item's or operation's own `servers` (OpenAPI 3.0.3, Operation Object: "An
    alternative server array to service this operation"), so a client that takes the first one
    (schemathesis, Swagger UI) calls the mock, not `https://httpbin.com/anything/demo`."""

    def __init__(self, raw: dict[str, t.Any], base_path: str) -> None:
        mock = {"url": base_path or "/", "description": "jobmock"}
        paths = raw.get("paths")
        self.spec = {**raw, "servers": [mock, *raw.get("servers", ())]}
        if isinstance(paths, dict) and any(_own_servers(item) for item in paths.values()):
            paths = self.spec["paths"] = {p: _mock_first(item, mock) for p, item in paths.items()}
        if isinstance(paths, dict) and any(_ignored(raw, item) for item in paths.values()):
            self.spec["paths"] = {p: _without_ignored(raw, item) for p, item in paths.items()}


def _own_servers(item: t.Any) -> bool:
    """A path item, or one of its operations, names servers of its own."""
    if not isinstance(item, dict):
        return False
    holders = [item, *(item.get(method) for method in METHODS)]
    return any(isinstance(h, dict) and h.get("servers") for h in holders)


def _mock_first(item: t.Any, mock: dict[str, str]) -> t.Any:
    if not _own_servers(item):
        return item
    copied = _with_mock(item, mock)
    for method in METHODS:
        if isinstance(copied.get(method), dict):
            copied[method] = _with_mock(copied[method], mock)
    return copied


def _with_mock(holder: dict[str, t.Any], mock: dict[str, str]) -> dict[str, t.Any]:
    servers = holder.get("servers")
    if not (isinstance(servers, list) and servers):  # none, or `[]`: the document's apply
        return holder
    return {**holder, "servers": [mock, *servers]}


def _holders(item: t.Any) -> list[dict[str, t.Any]]:
    """A path item and its operations: what holds `parameters`."""
    if not isinstance(item, dict):
        return []
    found = [item.get(method) for method in METHODS]
    return [item, *(holder for holder in found if isinstance(holder, dict))]


def _ignored(raw: dict[str, t.Any], item: t.Any) -> bool:
    return any(
        ignored_header(deref(raw, Node((), parameter)).value)
        for holder in _holders(item)
        for parameter in holder.get("parameters") or ()
    )


def _without_parameters(raw: dict[str, t.Any], holder: dict[str, t.Any]) -> dict[str, t.Any]:
    parameters = holder.get("parameters")
    if not isinstance(parameters, list):
        return holder
    kept = [p for p in parameters if not ignored_header(deref(raw, Node((), p)).value)]
    return holder if len(kept) == len(parameters) else {**holder, "parameters": kept}


def _without_ignored(raw: dict[str, t.Any], item: t.Any) -> t.Any:
    if not _ignored(raw, item):
        return item
    copied = dict(_without_parameters(raw, item))  # the raw document is left as written
    for method in METHODS:
        if isinstance(copied.get(method), dict):
            copied[method] = _without_parameters(raw, copied[method])
    return copied
