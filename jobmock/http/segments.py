"""The path the routers match: an encoded slash (`%2F`) is data inside its segment, not a separator.

ASGI servers hand `scope["path"]` percent-decoded, so `/repositories/a%2Fb` reached
`/repositories/{username}/{slug}` as (a, b). OpenAPI 3.1, Parameter Object: path parameter values
"MUST NOT contain any unescaped 'generic syntax' characters described by RFC3986: forward slashes
(/), ..." — escaped, a slash is a value's own: that request is `/repositories/{username}` with
username `a/b`. Only a request whose raw path holds `%2F` or `%25` is routed on another path: the
decoded path with those two escapes kept, each path parameter then decoded alone.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import unquote

from starlette.types import Scope

KEPT = re.compile(rb"%2[fF5]")  # the escapes a router must not decode: `/`, and `%` that spells it
KEPT_TEXT = re.compile(r"%2[F5]")
DECODED = {"%2F": "/", "%25": "%"}


def routing_path(scope: Scope) -> str | None:
    """The path to route `scope` on when it differs from `scope["path"]` (an escaped `/` or `%`
    in it), else None."""
    raw = scope.get("raw_path")
    if not raw or b"%" not in raw or not KEPT.search(raw):
        return None
    raw = raw.split(b"?", 1)[0]  # httpx's ASGI transport leaves the query on it
    text = raw.decode("latin-1")  # ASCII on the wire; latin-1 never fails
    parts = re.split(r"(%2[fF5])", text)
    kept = "".join(
        part.upper() if index % 2 else unquote(part, errors="replace")
        for index, part in enumerate(parts)
    )
    if KEPT_TEXT.sub(lambda m: DECODED[m.group()], kept) != scope["path"]:
        return None  # a server that decoded otherwise: its own path stands
    return kept


def decoded_params(params: dict[str, t.Any]) -> dict[str, t.Any]:
    """Path parameters matched on a `routing_path`: their kept escapes decoded."""
    return {
        name: KEPT_TEXT.sub(lambda m: DECODED[m.group()], value)
        if isinstance(value, str)
        else value
        for name, value in params.items()
    }
