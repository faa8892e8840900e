"""The ceiling: a bare Starlette app on uvicorn answering one route with a fixed body.

    python bench/bare_starlette.py PORT ROUTE_TEMPLATE BODY_FILE [ROUTE_TEMPLATE BODY_FILE ...]

Same server and settings as `jobmock serve` (uvicorn.run, access log off); no auth, no validation,
no engine: what any app on this stack can at best do for that route.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def endpoint(body: bytes):  # type: ignore[no-untyped-def]
    async def answer(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return answer


def main() -> None:
    port, pairs = int(sys.argv[1]), sys.argv[2:]
    routes = [
        Route(template, endpoint(Path(body_file).read_bytes()), methods=["GET"])
        for template, body_file in zip(pairs[::2], pairs[1::2], strict=True)
    ]
    uvicorn.run(Starlette(routes=routes), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
