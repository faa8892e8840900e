"""Routing a request to its operation: a concrete path wins over its templated counterpart.

OpenAPI 3.1, Paths Object: "When matching URLs, concrete (non-templated) paths would be matched
before their templated counterparts." connexion routes with Starlette's router, which takes the
first route whose path *and* method match, so `DELETE /numbers/Local.json` reached the DELETE of
`/numbers/{Sid}.json` although `/numbers/Local.json` (tried first) matched the path: Twilio's
API v2010 has both, and Local.json declares no DELETE. Here a path matched by a more concrete
template decides: its methods are the only ones, anything else is its 405.
"""

from __future__ import annotations

import typing as t

from connexion.middleware.routing import RoutingAPI, RoutingMiddleware
from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import Receive, Scope, Send

from jobmock.documents.routes import more_concrete


def _template(route: BaseRoute) -> str:
    return str(getattr(route, "path", ""))


class ConcreteFirstRouter(Router):
    """Starlette's router, but a route matching the path only (another method) wins over a later
    full match whose template is less concrete: the request gets the concrete path's 405."""

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                if partial is not None and more_concrete(_template(partial[0]), _template(route)):
                    route, child_scope = partial  # the concrete path's: its 405
                scope.setdefault("router", self)
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        await super().app(scope, receive, send)  # no full match: Starlette's own 405 or default


class ConcreteFirstRoutingAPI(RoutingAPI):
    def __init__(self, *args: t.Any, redirect_slashes: bool = True, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)  # adds every operation to a Starlette router
        built: Router = self.router
        self.router: Router = ConcreteFirstRouter(
            routes=built.routes, default=built.default, redirect_slashes=redirect_slashes
        )


class ConcreteFirstRouting(RoutingMiddleware):
    """connexion's routing middleware with `ConcreteFirstRouter` for each API (connexion's
    `add_api`, whose API class is not an option)."""

    def add_api(
        self,
        specification: t.Any,
        base_path: str | None = None,
        arguments: dict[str, t.Any] | None = None,
        **kwargs: t.Any,
    ) -> None:
        api = ConcreteFirstRoutingAPI(
            specification, base_path=base_path, arguments=arguments, next_app=self.app, **kwargs
        )
        # as connexion: an API mounted at the same base path is tried when the first has no route
        for route in self.router.routes:
            if isinstance(route, Mount) and route.path == api.base_path:
                route.app.default = api.router  # type: ignore[attr-defined]
        self.router.mount(api.base_path, app=api.router)
