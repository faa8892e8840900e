"""The served vendor operations as data: what each route declares, and which route a request hit.

Per-request overrides (`jobmock.frontend.overrides`) and faults (`jobmock.frontend.faults`) only ever answer what the
served spec declares for the operation at hand; a :class:`Route` carries exactly that (its
documented response codes) and :class:`RouteTable` finds it from connexion's routing result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.documents.pointers import Node, deref

ROUTING_CONTEXT = "connexion_routing"
"""connexion.middleware.abstract.ROUTING_CONTEXT: where connexion's router leaves the operation in
the ASGI scope's extensions (spelled out so that fixtures and `jobmock validate` need no connexion)."""

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Route:
    """One operation of one served API."""

    api: str
    operation_id: str
    method: str  # upper case
    path: str  # the spec's path template, without the API's prefix
    codes: tuple[str, ...]  # the response keys the spec declares: "200", "404", "5XX", "default"
    parameters: tuple[tuple[str, str], ...] = ()  # (location, name) of declared parameters
    inferred: tuple[str, ...] = ()  # the codes jobmock's overlay adds (`x-jobmock-inferred`)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def inferred_marks(self) -> list[bool]:
        """For each of `codes`: whether jobmock's overlay added it (the vendor does not declare it)."""
        return [code in self.inferred for code in self.codes]

    def declares(self, code: int) -> bool:
        """True if the spec documents `code` for this operation (explicitly or as `4XX`/`5XX`)."""
        return str(code) in self.codes or f"{code // 100}XX" in self.codes

    def declared_codes(self) -> list[int]:
        """The explicit codes, then one representative of each documented range, ascending."""
        found = {int(code) for code in self.codes if code.isdigit()}
        found |= {int(code[0]) * 100 for code in self.codes if code.endswith("XX")}
        return sorted(found)

    def matches(self, selector: str) -> bool:
        """`*`, the operationId, or `METHOD /path/template` (case of the method ignored)."""
        if selector in ("*", self.operation_id):
            return True
        method, _, path = selector.partition(" ")
        return method.upper() == self.method and path.strip() == self.path


def matching_key(path: str) -> tuple[bool, ...]:
    """Sorts paths (stably) in the order a router must try them: "concrete (non-templated) paths
    would be matched before their templated counterparts" (OpenAPI 3.1, Paths Object), segment by
    segment; the document's order otherwise (`/numbers/Local.json` before `/numbers/{Sid}.json`)."""
    return tuple("{" in part for part in path.split("/"))


def more_concrete(template: str, other: str) -> bool:
    """`template` is `other` with one or more of its templated segments concrete
    (`/numbers/Local.json` is more concrete than `/numbers/{Sid}.json`; `/a/{x}/b` and `/a/b/{y}`
    are neither: which one wins is the tool's choice, and the method decides)."""
    mine, theirs = template.split("/"), other.split("/")
    if len(mine) != len(theirs) or template == other:
        return False
    pairs = [("{" in a, "{" in b) for a, b in zip(mine, theirs, strict=True)]
    return all(b or not a for a, b in pairs) and any(b and not a for a, b in pairs)


def matching_order(paths: Iterable[str]) -> list[str]:
    """`paths` in the order a router must try them (see `matching_key`)."""
    return sorted(paths, key=matching_key)


def repeated_names(path: str) -> list[str]:
    """Template names a path uses more than once (`/a/{id}/b/{id}`): no router can give both
    segments to one parameter, so such a path is not routed (a start warning says so)."""
    names = re.findall(r"\{([^{}/]+)\}", path)
    return sorted({name for name in names if names.count(name) > 1})


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(method, path, operation) for every operation of an OpenAPI document."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                yield method, path, operation


def _parameters(document: Mapping[str, Any], *lists: Any) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for parameters in lists:
        for parameter in parameters or ():
            parameter = _deref(document, parameter)
            if "in" in parameter and "name" in parameter:
                found.append((str(parameter["in"]), str(parameter["name"])))
    return tuple(found)


def _deref(document: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    """The object `node`'s `$ref`s lead to; {} when they end at anything but an object."""
    value = deref(document, Node((), node)).value
    return value if isinstance(value, Mapping) else {}


def routes_of(api: str, document: Mapping[str, Any]) -> list[Route]:
    routes = []
    for method, path, operation in operations(document):
        item = document["paths"][path]
        routes.append(
            Route(
                api=api,
                operation_id=str(operation.get("operationId") or f"{method} {path}"),
                method=method.upper(),
                path=path,
                codes=tuple(str(code) for code in (operation.get("responses") or {})),
                parameters=_parameters(
                    document, item.get("parameters"), operation.get("parameters")
                ),
                inferred=tuple(
                    str(code)
                    for code, response in (operation.get("responses") or {}).items()
                    if _deref(document, response).get("x-jobmock-inferred")
                ),
            )
        )
    return routes


def response_headers(document: Mapping[str, Any]) -> set[str]:
    """Every response header the document declares (for CORS's Access-Control-Expose-Headers)."""
    names: set[str] = set()
    for _, _, operation in operations(document):
        for response in (operation.get("responses") or {}).values():
            names.update(_deref(document, response).get("headers") or {})
    return names


class RouteTable:
    """Every served vendor route, and the one a request was routed to."""

    def __init__(self, documents: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        """`documents`: API name -> (mount prefix, served OpenAPI document)."""
        self.prefixes = {prefix: api for api, (prefix, _) in documents.items()}
        self.routes = {api: routes_of(api, document) for api, (_, document) in documents.items()}
        self._by_operation = {
            (route.api, route.operation_id): route
            for routes in self.routes.values()
            for route in routes
        }

    def for_scope(self, scope: Mapping[str, Any]) -> Route | None:
        """The vendor route connexion routed this request to (None: unrouted, or not a vendor API)."""
        routing = (scope.get("extensions") or {}).get(ROUTING_CONTEXT) or {}
        api = self.prefixes.get(routing.get("api_base_path") or "")
        if api is None or routing.get("operation_id") is None:
            return None
        return self._by_operation.get((api, str(routing["operation_id"])))

    def select(self, api: str, selector: str) -> list[Route]:
        """The routes of `api` (`*`: of every API) that `selector` names (see Route.matches)."""
        names: Iterable[str] = self.routes if api == "*" else [api]
        return [r for name in names for r in self.routes.get(name, ()) if r.matches(selector)]
