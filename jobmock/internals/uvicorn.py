"""uvicorn's undocumented names, reached from here only (uvicorn is bounded `<0.56` in pyproject).

uvicorn documents its server and config, not its HTTP protocol's request cycle. jobmock relies on:
- `RequestResponseCycle`: the class `HttpToolsProtocol.on_headers_complete` makes each request's
  cycle of, before that cycle's ASGI task first runs; its `transport` and `response_started`
  attributes, and `send(message)` writing the answer through `self.transport`.

`tests/internals/test_private_names.py` checks each one on a real protocol instance.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import RequestResponseCycle


class _Gathered:
    """A transport stand-in that keeps what is written until `flush` (other calls go through)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def flush(self) -> None:
        if self.parts:
            data, self.parts = b"".join(self.parts), []
            self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class OneWriteCycle(RequestResponseCycle):  # type: ignore[misc]
    """uvicorn's request cycle, writing an answer's head with its first body part: one socket
    write (one syscall) per plain answer instead of two."""

    held: Any = None  # the http.response.start message, until the body's first part

    async def send(self, message: Any) -> None:
        starting = message["type"] == "http.response.start" and not self.response_started
        if starting and self.held is None:
            self.held = message
            return
        if self.held is None:
            await super().send(message)
            return
        start, self.held = self.held, None
        transport = self.transport
        gathered = _Gathered(transport)
        self.transport = gathered  # type: ignore[assignment]  # writes kept, the rest goes through
        try:
            await super().send(start)
            await super().send(message)
        finally:
            self.transport = transport
            gathered.flush()


def write_in_one(cycle: Any) -> None:
    """Make a request cycle uvicorn just built a `OneWriteCycle` (its ASGI task has not run yet);
    any other cycle class (a future uvicorn's, a subclass) is left as it is."""
    if cycle is not None and type(cycle) is RequestResponseCycle:
        cycle.__class__ = OneWriteCycle
