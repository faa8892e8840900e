"""The HTTP bounds uvicorn leaves out (jobmock.serving.protocol): a head's size, its header count,
the time it and a body may take. Each refusal leaves the server answering other clients."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from jobmock.limits import Limits
from jobmock.serving.workers import http_options
from tests.servers import LOOPBACK, free_port

LIMITS = Limits(max_header_bytes=4096, max_headers=20, header_timeout_s=0.5, body_timeout_s=0.5)


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers 200 with the length of the body it read."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": 200, "headers": [length]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    port = free_port()
    config = uvicorn.Config(
        echo, host=LOOPBACK, port=port, log_level="error", **http_options(LIMITS)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield LOOPBACK, port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def exchange(address: tuple[str, int], data: bytes, *, wait: float = 10.0) -> bytes:
    """Send `data`, then read until the server closes (or `wait` passes)."""
    with socket.create_connection(address, timeout=wait) as connection:
        with contextlib.suppress(OSError):  # the server may close before all is sent
            connection.sendall(data)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def status_and_body(answer: bytes) -> tuple[int, dict[str, Any] | str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"application/problem+json" in head:
        return status, json.loads(body)
    return status, body.decode()


def request(headers: str = "", body: bytes = b"") -> bytes:
    return f"POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n{headers}\r\n".encode() + body


def test_a_small_request_is_served(address: tuple[str, int]) -> None:
    answer = exchange(address, request("Content-Length: 3\r\n", b"abc"))
    assert status_and_body(answer) == (200, "3")


def test_a_head_over_the_size_limit_is_431_and_not_read_whole(address: tuple[str, int]) -> None:
    answer = exchange(address, request(f"X-Big: {'a' * 2_000_000}\r\n"))
    assert status_and_body(answer) == (
        431,
        {
            "type": "https://jobmock.dev/problems/request-header-fields-too-large",
            "title": "Request Header Fields Too Large",
            "status": 431,
            "detail": "the request head is over 4096 bytes",
        },
    )
    assert status_and_body(exchange(address, request()))[0] == 200  # still serving


def test_a_header_that_never_ends_is_431_while_it_streams(address: tuple[str, int]) -> None:
    # httptools holds a header line until it ends: the bytes are counted as they arrive
    answer = b""
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ")
        connection.settimeout(0.05)
        for _ in range(2000):  # up to 128 MB, stopping at the answer
            with contextlib.suppress(OSError):
                connection.sendall(b"a" * 65536)
            try:
                answer += connection.recv(65536)
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                break
            if b"\r\n\r\n" in answer:
                break
    status, body = status_and_body(answer)
    assert status == 431
    assert isinstance(body, dict) and body["detail"] == "the request head is over 4096 bytes"


def test_too_many_header_lines_is_431(address: tuple[str, int]) -> None:
    lines = "".join(f"X-{n}: 1\r\n" for n in range(25))
    status, body = status_and_body(exchange(address, request(lines)))
    assert status == 431
    assert isinstance(body, dict) and body["detail"] == "more than 20 header lines"


def test_a_head_that_stops_arriving_is_408_while_others_are_served(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address, timeout=10) as slow:
        slow.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ")  # and nothing more
        assert status_and_body(exchange(address, request()))[0] == 200  # meanwhile
        answer = slow.recv(65536)
    status, body = status_and_body(answer)
    assert status == 408
    assert isinstance(body, dict)
    assert body["detail"] == "the request head did not arrive within the time allowed"


def test_a_connection_that_sends_nothing_is_closed(address: tuple[str, int]) -> None:
    with socket.create_connection(address, timeout=10) as idle:
        assert status_and_body(idle.recv(65536))[0] == 408


def test_a_body_that_stops_arriving_ends_the_request(address: tuple[str, int]) -> None:
    answer = exchange(address, request("Content-Length: 10\r\n", b"abc"))
    status, body = status_and_body(answer)
    assert status == 408
    assert isinstance(body, dict)
    assert body["detail"] == "the request body did not arrive within the time allowed"


def test_a_keep_alive_connection_is_timed_afresh_for_each_request(
    address: tuple[str, int],
) -> None:
    """The head's deadline moves with each request (one timer per connection, re-set lazily): a
    client that keeps polling is served, and a later head that stops arriving is still a 408."""
    keep_alive = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
    with socket.create_connection(address, timeout=10) as client:
        for _ in range(4):  # together longer than one head timeout (0.5 s)
            client.sendall(keep_alive)
            assert status_and_body(client.recv(65536)) == (200, "0")
            time.sleep(0.2)
        client.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ")  # and nothing more
        status, body = status_and_body(client.recv(65536))
    assert status == 408
    assert isinstance(body, dict)
    assert body["detail"] == "the request head did not arrive within the time allowed"
