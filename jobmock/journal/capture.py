"""Copying each request and its answer for the journal, in the layer that wraps every one anyway.

`RecordingServerErrors` is connexion's last resort (`ServerErrorMiddleware`: the 500 for an
exception no other layer rendered), outermost in the stack, which wraps `send` on every request to
know whether an answer started.  With the journal on it takes that layer's place, and its wrapper
of `send` also notes the status, the response's headers and the start of its body: recording adds
no layer to the stack, and a request costs a small object and a few references (bodies are kept as
sent, cut only past the journal's limit).  Masking, problems and formatting wait for the journal's
once-a-second write (`jobmock.journal.recorder`).

A request answered before its body was read (a 401, 404 or 405 refuses it as it arrives) still has
its body recorded: when the answer starts and nothing read the body, the layer reads it, up to the
journal's limit, for at most `UNREAD_BODY_WAIT_S` (a client that declared a body and does not send
it is answered as before, with the body recorded as far as it came).  A request sent with
`Expect: 100-continue` is not read: the client waits to be asked before sending its body, and a
refusal must not ask it to.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import TYPE_CHECKING, Any

from connexion.middleware.server_error import ServerErrorMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobmock.journal.masking import MARGIN

if TYPE_CHECKING:
    from jobmock.journal.recorder import Journal

logger = logging.getLogger("jobmock")

CONTROL_PREFIX = "/_mock"
UNRECORDED = {CONTROL_PREFIX, "/favicon.ico"}  # the browser asks for an icon by itself: not the app
UNREAD_BODY_WAIT_S = 0.25  # the most an answer waits for a body nothing read, to record it
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})


async def _GONE(*_: Any) -> Any:
    raise RuntimeError("the exchange is over")


def recorded(path: str) -> bool:
    """Whether a request to `path` goes in the journal (the control API's own do not: the
    dashboard polls it)."""
    return path not in UNRECORDED and not path.startswith("/_mock/")


def declared_body(scope: Scope) -> bytes | None:
    """The body length a request declares (`chunked` for a chunked one), None without a body or
    when the client waits to be asked for it (`Expect: 100-continue`)."""
    declared = None
    for name, value in scope.get("headers") or ():
        if name in _BODY_HEADERS:
            declared = value if name == b"content-length" else b"chunked"
        elif name == b"expect" and value.lower() == b"100-continue":
            return None
    return None if declared == b"0" else declared


class Exchange:
    """One request and its answer as they stream through: what the journal's entry is built from."""

    __slots__ = (
        "cap",
        "downstream",
        "duration_s",
        "received",
        "request_body",
        "request_bytes",
        "response_body",
        "response_bytes",
        "response_headers",
        "scope",
        "started",
        "status",
        "upstream",
        "wall",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        self.scope = scope
        self.upstream = receive
        self.downstream = send
        self.cap = cap  # bytes kept of each body
        self.wall = time.time()
        self.started = time.perf_counter()
        self.duration_s = 0.0
        self.status = 0  # no answer started yet
        self.response_headers: Any = ()
        self.received = False  # the app asked for the request's body
        self.request_body = b""
        self.request_bytes = 0
        self.response_body = b""
        self.response_bytes = 0

    async def receive(self) -> Message:
        self.received = True
        message = await self.upstream()
        if message["type"] == "http.request":
            self.take(message.get("body", b""))
        return message

    def take(self, chunk: bytes) -> None:
        if chunk:
            if self.request_bytes < self.cap:  # a whole first chunk is kept as is, not copied
                self.request_body += chunk[: self.cap - self.request_bytes]
            self.request_bytes += len(chunk)

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            chunk = message.get("body", b"")
            if chunk:
                if self.response_bytes < self.cap:
                    self.response_body += chunk[: self.cap - self.response_bytes]
                self.response_bytes += len(chunk)
        elif kind == "http.response.start":
            self.status = message["status"]
            self.response_headers = message.get("headers") or ()
            if not self.received and (declared := declared_body(self.scope)) is not None:
                await self.read_unread_body(declared)
        await self.downstream(message)

    async def read_unread_body(self, declared: bytes) -> None:
        """The start of a body the app answered without reading (see the module's docstring)."""
        self.received = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + UNREAD_BODY_WAIT_S
        while self.request_bytes < self.cap and (left := deadline - loop.time()) > 0:
            try:
                message = await asyncio.wait_for(self.upstream(), left)
            except TimeoutError:
                break
            if message["type"] != "http.request":
                break
            self.take(message.get("body", b""))
            if not message.get("more_body", False):
                return
        if declared.isdigit():  # left unread: the declared length says how long it was
            self.request_bytes = max(self.request_bytes, int(declared))


class RecordingServerErrors(ServerErrorMiddleware):
    """connexion's last resort for an unrendered exception, recording each exchange in the journal."""

    def __init__(self, next_app: ASGIApp, journal: Journal) -> None:
        super().__init__(next_app)
        self.journal = journal
        self.cap = journal.body_limit + MARGIN

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not recorded(scope["path"]):
            await super().__call__(scope, receive, send)
            return
        scope.setdefault("extensions", {})  # one dict every later copy of the scope shares
        exchange = Exchange(scope, receive, send, self.cap)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception as exc:
            if not exchange.status:  # as starlette's: the 500, unless an answer started
                response = self.error_response(Request(scope), exc)
                if inspect.isawaitable(response):  # connexion's handler is a coroutine
                    response = await response
                await response(scope, receive, exchange.send)
            raise
        finally:
            exchange.duration_s = time.perf_counter() - exchange.started
            exchange.upstream = exchange.downstream = _GONE  # kept: not the connection with it
            if not exchange.status:
                exchange.status = 500  # the server answers it for an app that did not
            try:
                self.journal.record(exchange)
            except Exception:  # recording must never change the answer
                logger.exception("a request could not be recorded in the journal")
