"""What keeps a mock on a developer's laptop from being driven by a web page elsewhere.

    HostGuard         a request naming a host that is not this server is refused (421): a page on
                      another site that rebinds its own name to 127.0.0.1 reaches the mock with
                      its own name in `Host`, never with an IP address or `localhost`
    CrossSiteWrites   a browser's write to the control API (`/_mock`) from a page whose origin
                      CORS does not allow is refused (403): a form post needs no preflight

Both answer RFC 9457 problem+json, as the control API does: they act before any API is chosen.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable
from http import HTTPStatus

from starlette.types import ASGIApp, Receive, Scope, Send

from jobmock.frontend.cors import LOCAL_ORIGINS

LOCAL_NAMES = ("localhost", "*.localhost")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def problem_json(status: int, detail: str) -> bytes:
    """An RFC 9457 body, as the control API writes them (jobmock.http.envelopes.ProblemJson)."""
    phrase = HTTPStatus(status).phrase
    return json.dumps(
        {
            "type": f"https://jobmock.dev/problems/{phrase.lower().replace(' ', '-')}",
            "title": phrase,
            "status": status,
            "detail": detail,
        }
    ).encode()


async def answer_problem(send: Send, status: int, detail: str) -> None:
    body = problem_json(status, detail)
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def host_name(host: str) -> str:
    """`Host` without its port (`[::1]:8000` -> `::1`)."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostGuard:
    """Refuses requests whose `Host` is a name other than `localhost` and the allowed ones;
    any IP address is this server's own (only a name can be rebound)."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        patterns = [*LOCAL_NAMES, *allowed]
        self.any = "*" in patterns
        self.names = frozenset(p.lower() for p in patterns if not p.startswith("*."))
        self.suffixes = tuple(p[1:].lower() for p in patterns if p.startswith("*."))
        self.verdicts: dict[str | None, bool] = {}  # clients send the same Host every time

    def allows(self, host: str | None) -> bool:
        verdict = self.verdicts.get(host)
        if verdict is None:
            if len(self.verdicts) >= 256:
                self.verdicts.clear()
            verdict = self.verdicts[host] = self.judge(host)
        return verdict

    def judge(self, host: str | None) -> bool:
        if self.any:
            return True
        if host is None:  # HTTP/1.0 without Host: no name to rebind
            return True
        name = host_name(host.strip()).lower().rstrip(".")
        return is_ip(name) or name in self.names or name.endswith(self.suffixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allows(header(scope, b"host")):
            await answer_problem(
                send,
                421,
                f"this server does not answer for host {header(scope, b'host')!r}"
                " (jobmock serve --allowed-host NAME allows it)",
            )
            return
        await self.app(scope, receive, send)


class CrossSiteWrites:
    """Refuses a browser's write to the control API from an origin CORS does not allow."""

    def __init__(self, app: ASGIApp, origins: Iterable[str], prefix: str = "/_mock") -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.local = re.compile(LOCAL_ORIGINS)
        self.prefix = prefix

    def allows(self, origin: str | None, fetch_site: str | None) -> bool:
        if origin is None or origin == "null":  # not a browser (curl, a test), or a file: page
            return fetch_site != "cross-site"
        return "*" in self.origins or origin in self.origins or bool(self.local.fullmatch(origin))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in WRITES
            and scope["path"].startswith(self.prefix)
            and not self.allows(header(scope, b"origin"), header(scope, b"sec-fetch-site"))
        ):
            await answer_problem(
                send,
                403,
                f"a page on {header(scope, b'origin') or 'another site'} may not change the mock"
                " (jobmock serve --cors-origin ORIGIN allows it)",
            )
            return
        await self.app(scope, receive, send)
