"""uvicorn's HTTP protocol (httptools), with the bounds uvicorn leaves out: a request's head has a
size, a header count and a time to arrive; a body must keep coming.

Without them one client could send a 250 MB header (read whole) or hold thousands of connections
open with half a request line. Refusals happen before the app sees the request, so they cannot be
in an API's envelope: they are RFC 9457 problem+json (431), or the connection is closed (a head or
body that stopped arriving: 408 where nothing of the answer was sent yet).

An answer's head is written with its body's first part (`jobmock.internals.uvicorn.OneWriteCycle`):
one socket write per plain answer, where uvicorn makes two (each a syscall and a wake-up of the
client).
"""

from __future__ import annotations

import asyncio
import os
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from jobmock.frontend.guards import problem_json
from jobmock.internals.uvicorn import write_in_one
from jobmock.limits import Limits


def _configured_limits() -> Limits:
    """The limits of the Config this process serves (a worker reads it from $JOBMOCK_CONFIG)."""
    from jobmock.config import CONFIG_ENV, Config

    text = os.environ.get(CONFIG_ENV)
    return Config.from_json(text).limits if text else Limits()


def problem(status: int, detail: str) -> bytes:
    """A whole HTTP/1.1 answer: problem+json, `Connection: close`."""
    phrase = HTTPStatus(status).phrase
    body = problem_json(status, detail)
    head = (
        f"HTTP/1.1 {status} {phrase}\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):  # type: ignore[misc]
    """HttpToolsProtocol that counts what a request's head costs and times how long it takes."""

    limits: Limits | None = None  # set by `jobmock serve`; else read from the environment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedHttpToolsProtocol.limits is None:
            GuardedHttpToolsProtocol.limits = _configured_limits()
        self.bounds: Limits = GuardedHttpToolsProtocol.limits
        self.head_bytes = 0
        self.raw_head_bytes = 0  # as received: a header line still arriving is counted too
        self.header_count = 0
        self.in_head = True
        self.answered = False  # a refusal was written: what the parser says next is moot
        self.timer: asyncio.TimerHandle | None = None
        self.timer_at = 0.0  # when the pending timer fires
        self.deadline: float | None = None  # when what is awaited (`expired`) is overdue
        self.expired = ""

    # timers -------------------------------------------------------------------------------------
    # One deadline per connection, checked by a timer that is re-set only when it fires early: a
    # keep-alive client's every request moves the deadline without making and cancelling a timer.
    def arm(self, seconds: float, expired: str) -> None:
        self.deadline = self.loop.time() + seconds
        self.expired = expired
        if self.timer is not None and self.timer_at <= self.deadline:
            return  # the pending check will find the new deadline
        if self.timer is not None:
            self.timer.cancel()
        self.timer_at = self.deadline
        self.timer = self.loop.call_at(self.deadline, self.check_deadline)

    def disarm(self) -> None:
        self.deadline = None

    def check_deadline(self) -> None:
        self.timer = None
        if self.deadline is None:
            return
        if self.loop.time() < self.deadline:  # moved since this check was set
            self.timer_at = self.deadline
            self.timer = self.loop.call_at(self.deadline, self.check_deadline)
            return
        self.deadline = None
        self.expire(self.expired)

    def expire(self, what: str) -> None:
        if self.transport.is_closing():
            return
        if self.in_head or self.cycle is None or not self.cycle.response_started:
            self.refuse(408, f"the {what} did not arrive within the time allowed")
        else:
            self.transport.close()

    def refuse(self, status: int, detail: str) -> None:
        """Answer `status` and close: the request goes no further."""
        self.answered = True
        self.disarm()
        if not self.transport.is_closing():
            self.transport.write(problem(status, detail))
            self.transport.close()

    # connection and parser callbacks --------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm(self.bounds.header_timeout_s, "request head")

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.answered:
            return
        super().data_received(data)
        if self.in_head and not self.answered:  # httptools holds a header until its line ends
            self.raw_head_bytes += len(data)
            if self.raw_head_bytes > self.bounds.max_header_bytes:
                self.refuse(431, f"the request head is over {self.bounds.max_header_bytes} bytes")

    def send_400_response(self, msg: str) -> None:
        if not self.answered:  # a refusal raised inside a parser callback is already answered
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = self.header_count = self.raw_head_bytes = 0
        self.in_head = True
        self.arm(self.bounds.header_timeout_s, "request head")

    def on_url(self, url: bytes) -> None:
        self.count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_count += 1
        self.count(len(name) + len(value) + 4)
        if self.header_count > self.bounds.max_headers:
            self.refuse(431, f"more than {self.bounds.max_headers} header lines")
            raise ValueError("too many headers")  # stops the parser: answered above
        super().on_header(name, value)

    def count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > self.bounds.max_header_bytes:
            self.refuse(431, f"the request head is over {self.bounds.max_header_bytes} bytes")
            raise ValueError("head too large")  # stops the parser: answered above

    def on_headers_complete(self) -> None:
        self.in_head = False
        super().on_headers_complete()
        write_in_one(self.cycle)
        if self.cycle is not None and self.cycle.more_body:
            self.arm(self.bounds.body_timeout_s, "request body")
        else:
            self.disarm()

    def on_body(self, body: bytes) -> None:
        self.arm(self.bounds.body_timeout_s, "request body")
        super().on_body(body)

    def on_message_complete(self) -> None:
        self.disarm()
        super().on_message_complete()
