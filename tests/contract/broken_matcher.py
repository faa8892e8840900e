"""A deliberately broken Matcher for `jobmock contract --url` to find fault with (serve it with
`tests.servers.serve_in_thread`)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from jobmock.documents.specs import load_spec
from jobmock.engine import resources

MATCHER_JOB = "/v1/imports/contexts/{contextId}/jobs/{jobId}"


def broken_matcher() -> Starlette:
    """Serves Matcher's job route as documented, except that it ignores credentials, sends
    `totalRows` as a string (wrong field type) and answers 418 (undeclared) for half the ids."""
    document = load_spec(resources.specs_dir() / "matcher.yaml").document
    served = {
        **document,
        "servers": [{"url": "/matcher"}],
        "paths": {MATCHER_JOB: document["paths"][MATCHER_JOB]},
    }

    async def spec(request: Request) -> JSONResponse:
        return JSONResponse(served)

    async def job(request: Request) -> JSONResponse:
        context, job_id = request.path_params["contextId"], request.path_params["jobId"]
        if job_id[-1:] in "02468ace":
            return JSONResponse({"error": "teapot"}, status_code=418)
        body: dict[str, Any] = {
            "id": job_id,
            "contextId": context,
            "sourceId": "019c96a0-108c-7a74-8e31-3789daffe1ed",
            "status": "PROCESSING",
            "totalRows": "1000",
            "createdAt": "2026-01-15T10:30:00.000Z",
        }
        return JSONResponse(body)

    return Starlette(
        routes=[
            Route("/matcher/openapi.json", spec),
            Route("/matcher" + MATCHER_JOB, job),
        ]
    )
