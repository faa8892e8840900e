"""A synchronous httpx transport into an ASGI app, with no socket: the app runs on an event loop
in a thread of its own (an anyio blocking portal), which also runs the app's lifespan.

httpx's own `ASGITransport` is async only; this one hands each request to it on the portal's loop.
(Starlette's `TestClient` does the same, but is an `httpx2.Client` where httpx2 is installed.)
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.from_thread
import httpx


class PortalTransport(httpx.BaseTransport):
    """`httpx.Client(transport=PortalTransport(app, portal))`: requests answered by `app`."""

    def __init__(self, app: Any, portal: anyio.from_thread.BlockingPortal) -> None:
        self.asgi = httpx.ASGITransport(app=app)
        self.portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a sync body (a generator, say) becomes bytes the async side can read

        async def answer() -> httpx.Response:
            response = await self.asgi.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=httpx.ByteStream(body),
                extensions=response.extensions,
            )

        return self.portal.call(answer)


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The app's ASGI lifespan: startup on entering, shutdown on leaving."""
    to_app, app_receives = anyio.create_memory_object_stream[dict[str, Any]](math.inf)
    app_sends, from_app = anyio.create_memory_object_stream[dict[str, Any]](math.inf)
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}

    async def expect(event: str) -> None:
        message = await from_app.receive()
        if message["type"] != f"lifespan.{event}.complete":
            raise RuntimeError(f"the app's lifespan {event} failed: {message.get('message', '')}")

    async with to_app, app_receives, app_sends, from_app, anyio.create_task_group() as tasks:
        tasks.start_soon(app, scope, app_receives.receive, app_sends.send)
        await to_app.send({"type": "lifespan.startup"})
        await expect("startup")
        try:
            yield
        finally:
            await to_app.send({"type": "lifespan.shutdown"})
            await expect("shutdown")


@contextlib.contextmanager
def asgi_client(app: Any, base_url: str) -> Iterator[httpx.Client]:
    """An `httpx.Client` into `app`, its lifespan started, until the block ends."""
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(lifespan(app)),
        httpx.Client(transport=PortalTransport(app, portal), base_url=base_url) as client,
    ):
        yield client
