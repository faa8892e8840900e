"""CORS, so a frontend on any dev origin (`http://localhost:5173`...) can call every API directly.

Starlette's CORSMiddleware sits first in connexion's stack (before the exception layer), so it
answers every preflight itself, before security could refuse the credential-less OPTIONS request,
and adds its headers to error answers too. Local origins (`localhost`, `127.0.0.1`, `[::1]`, any
port) are allowed, and those `--cors-origin` lists (`*`: any origin, said explicitly); any request
header the browser asks to send is allowed (the preflight echoes them), so each API's auth headers
work as they are; the response headers a client reads are exposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.types import Message, Receive, Scope, Send

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "X-Requested-With",
    "X-Request-Id",
    "X-Idempotency-Key",
    "Idempotency-Key",
    "Prefer",
)
"""Headers the APIs read (credentials, idempotency keys, jobmock's `Prefer`); the preflight echoes
whatever the browser asks for, so this list documents rather than limits."""

EXPOSED_HEADERS = (
    "X-Request-Id",
    "X-Idempotency-Replayed",
    "Retry-After",
    "Location",
    "WWW-Authenticate",
    "Preference-Applied",
    "X-Jobmock-Fault",
)
"""Response headers a client reads; every response header a served spec declares is added."""

MAX_AGE = 600  # seconds a browser may cache a preflight answer

LOCAL_ORIGINS = r"https?://(localhost|[a-z0-9-]+\.localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
"""A page served from this machine: the frontend under development (a page elsewhere may not call
a mock on the developer's laptop unless `--cors-origin` names it)."""


def cors_options(origins: Sequence[str], declared_headers: Iterable[str] = ()) -> dict[str, Any]:
    """Keyword arguments for Starlette's CORSMiddleware.

    `origins`: the allowed origins besides local ones (`*`: any). Credentials are allowed; with any
    origin, Starlette then echoes the caller's origin instead of `*` when a request carries cookies.
    """
    allowed = ["*"] if "*" in origins else list(origins)
    exposed: dict[str, str] = {}  # lower-case name -> name, first spelling kept
    for name in [*EXPOSED_HEADERS, *sorted(declared_headers)]:
        exposed.setdefault(name.lower(), name)
    return {
        "allow_origins": allowed,
        "allow_origin_regex": None if allowed == ["*"] else LOCAL_ORIGINS,
        "allow_methods": list(METHODS),
        "allow_headers": ["*"],
        "allow_credentials": True,
        "expose_headers": list(exposed.values()),
        "max_age": MAX_AGE,
    }


def declared_response_headers(documents: Mapping[str, Mapping[str, Any]]) -> set[str]:
    from jobmock.documents.routes import response_headers

    names: set[str] = set()
    for document in documents.values():
        names |= response_headers(document)
    return names


def _has_origin(scope: Scope) -> bool:
    return any(key == b"origin" for key, _ in scope["headers"])


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS, answering a request without `Origin` (no browser: curl, a backend, a
    test) the way Starlette does, `Vary: Origin` added, without its per-request header objects."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_origin(scope):
            await super().__call__(scope, receive, send)
            return

        async def vary_origin(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                if any(key == b"vary" for key, _ in headers):  # merged into one, as Starlette does
                    merged = MutableHeaders(scope=message)
                    merged["Vary"] = ", ".join([*merged.getlist("Vary"), "Origin"])
                else:
                    headers.append((b"vary", b"Origin"))
            await send(message)

        await self.app(scope, receive, vary_origin)
