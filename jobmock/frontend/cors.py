"""CORS, so a frontend on any dev origin (`http://localhost:5173`...) can call every API directly.

Starlette's CORSMiddleware sits first in connexion's stack (before the exception layer), so it
answers every preflight itself, before security could refuse the credential-less OPTIONS request,
and adds its headers to error answers too. Any origin is allowed unless `--cors-origin` lists some;
any request header the browser asks to send is allowed (the preflight echoes them), so each API's
auth headers work as they are; the response headers a client reads are exposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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


def cors_options(origins: Iterable[str], declared_headers: Iterable[str] = ()) -> dict[str, Any]:
    """Keyword arguments for Starlette's CORSMiddleware.

    `origins`: the allowed origins (empty: any). Credentials are allowed; with any origin, Starlette
    then echoes the caller's origin instead of `*` when a request carries cookies.
    """
    allowed = list(origins) or ["*"]
    exposed: dict[str, str] = {}  # lower-case name -> name, first spelling kept
    for name in [*EXPOSED_HEADERS, *sorted(declared_headers)]:
        exposed.setdefault(name.lower(), name)
    return {
        "allow_origins": allowed,
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
