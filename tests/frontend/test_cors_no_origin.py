"""jobmock's CORS layer answers a request without `Origin` exactly as Starlette's CORSMiddleware
does (jobmock.frontend.cors.CORSMiddleware only skips Starlette's per-request header objects)."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from jobmock.frontend.cors import CORSMiddleware, cors_options

NAMES = st.sampled_from([b"content-type", b"vary", b"Vary", b"x-request-id", b"content-length"])
VALUES = st.sampled_from([b"application/json", b"Accept", b"Accept-Encoding", b"1", b"Prefer"])
HEADERS = st.lists(st.tuples(NAMES, VALUES), max_size=6)
REQUEST_HEADERS = st.lists(
    st.sampled_from(
        [(b"host", b"localhost"), (b"authorization", b"Bearer x"), (b"accept", b"*/*")]
    ),
    max_size=3,
)


def answer_of(
    middleware: type[Any], request_headers: list[Any], response_headers: list[Any]
) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": list(response_headers)}
        )
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": list(request_headers)}
    asyncio.run(middleware(app, **cors_options(()))(scope, receive, send))
    return sent


@given(REQUEST_HEADERS, HEADERS)
def test_an_answer_without_origin_is_starlettes(request_headers: Any, headers: Any) -> None:
    ours = answer_of(CORSMiddleware, request_headers, headers)
    theirs = answer_of(StarletteCORS, request_headers, headers)
    assert ours == theirs


def test_vary_origin_is_added_once() -> None:
    start = answer_of(CORSMiddleware, [], [(b"content-type", b"application/json")])[0]
    assert [value for key, value in start["headers"] if key == b"vary"] == [b"Origin"]
