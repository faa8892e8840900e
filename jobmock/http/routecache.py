"""connexion's routing, with each (method, path)'s route remembered: clients poll the same paths.

connexion's RoutingMiddleware finds a request's operation with a starlette Router: one Mount per
API, then the API's Routes, a regex each, and a child scope built at each level. The operation a
path reaches, its path parameters and its base path depend only on (method, path, root path), so
`CachedRouting` keeps what the operation was called with the first time and hands the next
request for that path straight to it. Only requests that reached an operation are remembered (a
404 or 405 goes through the Router each time); at most `SIZE` paths are kept (then forgotten all
at once); an API added later empties the table. A path with an encoded slash is routed on its
segments (`jobmock.http.segments`), through the Routers every time.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar
from dataclasses import dataclass

from connexion.middleware.routing import RoutingOperation
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from jobmock.http.routing import ConcreteFirstRouting
from jobmock.http.segments import decoded_params, routing_path
from jobmock.internals.connexion import set_routing_scope

SIZE = 4096  # paths remembered; a poller has a few, a crawler of random ids fills it and restarts

Key = tuple[str, str, str]  # method, path, root path
ROOTS = ("root_path", "route_root_path", "app_root_path")  # what a Mount sets; the API's base
KEPT_ESCAPES = "jobmock.kept_escapes"  # a routing scope whose path keeps `%2F`: decode the params
_missed: ContextVar[Key | None] = ContextVar("jobmock_route_missed", default=None)


@dataclass(frozen=True)
class Found:
    operation: RoutingOperation
    path_params: dict[str, t.Any]
    roots: dict[str, str]  # the root paths the Routers gave the operation's scope (the API's base)


class Remembering:
    """Stands in for a RoutingOperation in its Route: notes what it was called with."""

    def __init__(self, operation: RoutingOperation, table: dict[Key, Found]) -> None:
        self.operation = operation
        self.table = table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if KEPT_ESCAPES in scope:
            scope["path_params"] = decoded_params(scope.get("path_params", {}))
        key = _missed.get()
        if key is not None:
            if len(self.table) >= SIZE:
                self.table.clear()
            params = dict(scope.get("path_params", {}))
            roots = {name: scope[name] for name in ROOTS if name in scope}
            self.table[key] = Found(self.operation, params, roots)
        await self.operation(scope, receive, send)


class CachedRouting(ConcreteFirstRouting):
    """connexion's RoutingMiddleware, concrete paths first (`jobmock.http.routing`); a path that
    reached an operation goes there directly next time, with the scope the Routers gave it."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.table: dict[Key, Found] = {}

    def add_api(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().add_api(*args, **kwargs)
        self.table.clear()
        for mount in self.router.routes:
            if isinstance(mount, Mount):
                for route in getattr(mount.app, "routes", ()):
                    if isinstance(route, Route) and isinstance(route.app, RoutingOperation):
                        route.app = Remembering(route.app, self.table)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        raw = scope.get("raw_path")
        kept = routing_path(scope) if raw and b"%" in raw else None  # no escape: no call
        if kept is not None:  # never remembered: its path is not the key of its route
            set_routing_scope(dict(scope))  # what the operation passes on: the path as sent
            await self.router({**scope, "path": kept, KEPT_ESCAPES: True}, receive, send)
            return
        key = (scope["method"], scope["path"], scope.get("root_path", ""))
        found = self.table.get(key)
        if found is None:
            token = _missed.set(key)
            try:
                await super().__call__(scope, receive, send)
            finally:
                _missed.reset(token)
            return
        set_routing_scope(dict(scope))  # what connexion's RoutingOperation reads
        routed = {**scope, **found.roots, "path_params": dict(found.path_params)}
        await found.operation(routed, receive, send)
