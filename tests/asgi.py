"""One HTTP request to an ASGI app with nothing in between, scoped as uvicorn scopes it: `path`
percent-decoded once and `raw_path` as sent. (Starlette's TestClient and httpx's ASGITransport
decode `path` twice, `%252F` into `/`: not what a server hands an app.)"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote


def http_scope(
    raw_path: str, headers: Iterable[tuple[str, str]] = (), method: str = "GET"
) -> dict[str, Any]:
    path, _, query = raw_path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("ascii"),
        "root_path": "",
        "query_string": query.encode("ascii"),
        "headers": [(b"host", b"localhost")]
        + [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def answer(app: Any, scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The app's status, headers and body for `scope` (a request without a body)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], list(start.get("headers", ())), body
