"""Microseconds per request of the ASGI app alone (no socket, no HTTP parsing), layer by layer.

    python bench/inprocess.py PATH_JSON_SPEC   # prints one JSON object

The request (path + headers) comes from a JSON file `{"path": ..., "headers": {...}, "api": ...}`.
Each variant is a fresh `create_app(Config(...))`; connexion middlewares are taken out by replacing
`jobmock.app.middlewares` in this process only (jobmock's code is not changed). Variants that take
out a layer the handler needs (routing, security, context) cannot answer and are not tried.
Each variant: a warm-up, then the best of REPEATS timed loops of N sequential requests, timed in CPU
seconds of this process (time.process_time), so that other work on the machine does not count.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

N = 400
WARMUP = 100
REPEATS = 5


def scope_for(path: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }


async def one(app: Any, scope: dict[str, Any]) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(scope), receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def timed(app: Any, scope: dict[str, Any]) -> dict[str, Any]:
    status, body = await one(app, scope)
    if status != 200:
        return {"status": status, "error": body.decode(errors="replace")[:300]}
    for _ in range(WARMUP):
        await one(app, scope)
    runs = []
    for _ in range(REPEATS):
        started = time.process_time()
        for _ in range(N):
            await one(app, scope)
        runs.append((time.process_time() - started) / N * 1e6)
    return {"status": status, "us_per_request": min(runs), "us_median_of_runs": statistics.median(runs)}


def jobmock_app(
    api: str, *, validate_responses: bool = False, drop: tuple[str, ...] = (), store: str | None = None
) -> Any:
    import jobmock.app as jobmock_app_module
    from jobmock.config import Config

    original = jobmock_app_module.middlewares

    def middlewares(config: Config) -> list[Any]:
        return [m for m in original(config) if m.__name__ not in drop]

    jobmock_app_module.middlewares = middlewares  # type: ignore[assignment]
    try:
        config = Config(apis=(api,), speed=0.01, validate_responses=validate_responses)
        return jobmock_app_module.create_app(config.replace(store=store) if store else config)
    finally:
        jobmock_app_module.middlewares = original  # type: ignore[assignment]


def starlette_app(template: str, body: bytes) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Any) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(template, answer, methods=["GET"])])


async def engine_only(api: str, path: str) -> dict[str, Any]:
    """What our handler costs without HTTP: Mock.view + handlers.<api>.render + json.dumps."""
    app = jobmock_app(api)
    mock = app.mock
    await mock.start()
    runtime = mock.runtime(api)
    jobs = await mock.store.list(api)
    job = next(j for j in jobs if path.endswith(j.id))

    async def call() -> None:
        view = await mock.view(api, job.id, job.tenant, poll=True)
        json.dumps(runtime.render_body(view))

    await call()
    for _ in range(WARMUP):
        await call()
    runs = []
    for _ in range(REPEATS):
        started = time.process_time()
        for _ in range(N):
            await call()
        runs.append((time.process_time() - started) / N * 1e6)
    return {"status": 200, "us_per_request": min(runs), "us_median_of_runs": statistics.median(runs)}


VARIANTS: list[tuple[str, str, Callable[..., Any] | None]] = [
    ("jobmock", "jobmock (auth + request validation; memory store)", None),
    ("sqlite-store", "... with `jobmock serve`'s default store (a SQLite file) instead", None),
    ("jobmock+rv", "... + --validate-responses", None),
    ("-SwaggerUIMiddleware", "without connexion's SwaggerUIMiddleware", None),
    ("-RequestValidationMiddleware", "without request validation", None),
    ("-ServerErrorMiddleware", "without connexion's ServerErrorMiddleware", None),
    ("-ExceptionMiddleware", "without connexion's ExceptionMiddleware (error envelopes would break)", None),
    ("-LifespanMiddleware", "without connexion's LifespanMiddleware", None),
    ("-all-optional", "without SwaggerUI, RequestValidation, ServerError and Lifespan middlewares", None),
    ("engine-only", "Mock.view + render + json.dumps (memory store), no HTTP layer at all", None),
    ("starlette", "bare Starlette route, fixed body", None),
]


async def main_async(request: dict[str, Any]) -> dict[str, Any]:
    scope = scope_for(request["path"], request["headers"])
    optional = ("SwaggerUIMiddleware", "RequestValidationMiddleware", "ServerErrorMiddleware", "LifespanMiddleware")
    results: dict[str, Any] = {}
    for key, label, _ in VARIANTS:
        try:
            result = await variant(key, request, scope, optional)
        except Exception as exc:  # a layer this tree's app cannot do without
            result = {"status": None, "error": f"{type(exc).__name__}: {exc}"[:300]}
        if result is not None:
            results[key] = {"label": label, **result}
    return {"n": N, "repeats": REPEATS, "variants": results}


async def variant(
    key: str, request: dict[str, Any], scope: dict[str, Any], optional: tuple[str, ...]
) -> dict[str, Any] | None:
    """One variant's timing; None if this tree has nothing to compare (e.g. no SQLite store)."""
    api, path = request["api"], request["path"]
    if key == "engine-only":
        return await engine_only(api, path)
    if key == "starlette":
        return await timed(starlette_app(request["template"], request["body"].encode()), scope)
    if key == "sqlite-store":
        try:
            from jobmock.store_sqlite import state_store_url
        except ImportError:
            return None
        url = state_store_url(Path(tempfile.mkdtemp(prefix="jobmock-inprocess-")))
        return await timed(jobmock_app(api, store=url), scope)
    drop: tuple[str, ...] = ()
    if key.startswith("-all"):
        drop = optional
    elif key.startswith("-"):
        drop = (key[1:],)
    return await timed(jobmock_app(api, validate_responses=key == "jobmock+rv", drop=drop), scope)


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(asyncio.run(main_async(request))))


if __name__ == "__main__":
    main()
