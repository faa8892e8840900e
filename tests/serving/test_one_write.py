"""An answer's head leaves with its body's first part (jobmock.internals.uvicorn.OneWriteCycle): one
socket write per plain answer, what uvicorn does in two."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.flow_control import FlowControl

from jobmock.internals.uvicorn import OneWriteCycle


class Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed_after: int | None = None

    def write(self, data: bytes) -> None:
        assert self.closed_after is None, "written after close"
        self.writes.append(data)

    def close(self) -> None:
        self.closed_after = len(self.writes)

    def is_closing(self) -> bool:
        return self.closed_after is not None

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def cycle(transport: Transport, keep_alive: bool = True) -> OneWriteCycle:
    scope: Any = {"type": "http", "method": "GET", "path": "/", "http_version": "1.1"}
    return OneWriteCycle(
        scope=scope,
        transport=transport,  # type: ignore[arg-type]
        flow=FlowControl(transport),  # type: ignore[arg-type]
        logger=logging.getLogger("test"),
        access_logger=logging.getLogger("test.access"),
        access_log=False,
        default_headers=[],
        message_event=asyncio.Event(),
        expect_100_continue=False,
        keep_alive=keep_alive,
        on_response=lambda: None,
    )


START = {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}


def test_a_plain_answer_is_one_write() -> None:
    async def run() -> Transport:
        transport = Transport()
        answer = cycle(transport)
        await answer.send(START)
        assert transport.writes == []  # held for the body
        await answer.send({"type": "http.response.body", "body": b"ok"})
        assert answer.response_complete
        return transport

    writes = asyncio.run(run()).writes
    assert len(writes) == 1
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert writes[0].endswith(b"content-length: 2\r\n\r\nok")


def test_a_streamed_answer_sends_its_head_with_the_first_part_and_the_rest_as_it_comes() -> None:
    start = {"type": "http.response.start", "status": 200, "headers": []}  # chunked

    async def run() -> Transport:
        transport = Transport()
        answer = cycle(transport)
        await answer.send(start)
        await answer.send({"type": "http.response.body", "body": b"a", "more_body": True})
        assert len(transport.writes) == 1  # the client sees the head and "a" now
        await answer.send({"type": "http.response.body", "body": b"b"})
        return transport

    writes = asyncio.run(run()).writes
    assert len(writes) == 2
    assert writes[0].endswith(b"transfer-encoding: chunked\r\n\r\n1\r\na\r\n")
    assert writes[1] == b"1\r\nb\r\n0\r\n\r\n"


def test_a_closing_connection_is_closed_after_the_answer_is_written() -> None:
    async def run() -> Transport:
        transport = Transport()
        answer = cycle(transport, keep_alive=False)
        await answer.send(START)
        await answer.send({"type": "http.response.body", "body": b"ok"})
        return transport

    transport = asyncio.run(run())
    assert len(transport.writes) == 1 and transport.writes[0].endswith(b"ok")
    assert transport.closed_after == 1
