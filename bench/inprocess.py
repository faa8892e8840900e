"""Microseconds per request of the ASGI app alone (no socket, no HTTP parsing), layer by layer.

    python bench/inprocess.py PATH_JSON_SPEC   # prints one JSON object

The request (path + headers) comes from a JSON file `{"path": ..., "headers": {...}, "api": ...}`.
Each variant is a fresh `create_app(Config(...))`; connexion middlewares are taken out by replacing
`jobmock.http.stack.middlewares` in this process only (jobmock's code is not changed). Variants that take
out a layer the handler needs (routing, security, context) cannot answer and are not tried.
All variants are built first, then timed in REPEATS interleaved rounds (each round: N sequential
requests per variant, in CPU seconds of this process, time.process_time); each variant keeps its
best round, so work elsewhere on the machine hits every variant alike and counts least.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

N = 300
WARMUP = 100
REPEATS = 7


def scope_for(path: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
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


def jobmock_app(
    api: str,
    *,
    validate_responses: bool = False,
    drop: tuple[str, ...] = (),
    store: str | None = None,
) -> Any:
    import jobmock.http.stack as stack_module
    import jobmock.serving.app as jobmock_app_module
    from jobmock.config import Config

    original = stack_module.middlewares

    def middlewares(config: Config, layers: Any = None) -> list[Any]:
        return [m for m in original(config, layers) if layer_name(m) not in drop]

    stack_module.middlewares = middlewares  # type: ignore[assignment]
    try:
        config = Config(apis=(api,), speed=0.01, validate_responses=validate_responses)
        return jobmock_app_module.create_app(config.replace(store=store) if store else config)
    finally:
        stack_module.middlewares = original  # type: ignore[assignment]


def layer_name(middleware: Any) -> str:
    """A middleware's class name (jobmock's own layers are partials of their class)."""
    name: str = getattr(middleware, "func", middleware).__name__
    return name


def starlette_app(template: str, body: bytes) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Any) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(template, answer, methods=["GET"])])


Call = Callable[[], Awaitable[Any]]


async def http_call(app: Any, scope: dict[str, Any]) -> tuple[Call | None, dict[str, Any]]:
    """A zero-argument request on `app`, or None and why it cannot answer 200."""
    status, body = await one(app, scope)
    if status != 200:
        return None, {"status": status, "error": body.decode(errors="replace")[:300]}

    async def call() -> None:
        await one(app, scope)
        await asyncio.sleep(0)  # the event loop turns between requests, as in a server

    return call, {"status": status}


async def engine_call(api: str, path: str) -> tuple[Call | None, dict[str, Any]]:
    """What our handler costs without HTTP: Mock.view + handlers.<api>.render + json.dumps."""
    mock = jobmock_app(api).mock
    await mock.start()
    runtime = mock.runtime(api)
    job = next(j for j in await mock.store.list(api) if path.endswith(j.id))

    async def call() -> None:
        view = await mock.view(api, job.id, job.tenant, poll=True)
        json.dumps(runtime.render_body(view))
        await asyncio.sleep(0)

    return call, {"status": 200}


VARIANTS: list[tuple[str, str]] = [
    ("jobmock", "jobmock (auth + request validation; memory store)"),
    ("sqlite-store", "... with `jobmock serve`'s default store (a SQLite file) instead"),
    ("jobmock+rv", "... + --validate-responses"),
    ("-DocsOnlySwaggerUI", "without connexion's SwaggerUIMiddleware (jobmock's DocsOnlySwaggerUI)"),
    ("-OnceBuiltRequestValidation", "without request validation"),
    ("-ServerErrorMiddleware", "without connexion's ServerErrorMiddleware"),
    (
        "-ExceptionMiddleware",
        "without connexion's ExceptionMiddleware (error envelopes would break)",
    ),
    ("-LifespanMiddleware", "without connexion's LifespanMiddleware"),
    ("-all-optional", "without SwaggerUI, RequestValidation, ServerError and Lifespan middlewares"),
    ("engine-only", "Mock.view + render + json.dumps (memory store), no HTTP layer at all"),
    ("connexion-floor", "connexion's floor: routing and context middlewares only, fixed body"),
    ("starlette", "bare Starlette route, fixed body"),
]


OPTIONAL = (
    "DocsOnlySwaggerUI",
    "OnceBuiltRequestValidation",
    "ServerErrorMiddleware",
    "LifespanMiddleware",
)


async def build(
    key: str, request: dict[str, Any], scope: dict[str, Any]
) -> tuple[Call | None, dict[str, Any]]:
    api, path = request["api"], request["path"]
    if key == "engine-only":
        return await engine_call(api, path)
    if key == "connexion-floor":
        try:
            from bench.connexion_floor import floor_app
        except ImportError:
            return None, {"skipped": "no connexion floor in this tree"}
        return await http_call(floor_app(api, json.loads(request["body"])), scope)
    if key == "starlette":
        return await http_call(starlette_app(request["template"], request["body"].encode()), scope)
    if key == "sqlite-store":
        try:
            from jobmock.store.sqlite import state_store_url
        except ImportError:
            return None, {"skipped": "no SQLite store in this tree"}
        url = state_store_url(Path(tempfile.mkdtemp(prefix="jobmock-inprocess-")))
        return await http_call(jobmock_app(api, store=url), scope)
    drop: tuple[str, ...] = (
        OPTIONAL if key.startswith("-all") else (key[1:],) if key.startswith("-") else ()
    )
    import jobmock.http.stack as stack_module
    from jobmock.config import Config

    present = {layer_name(m) for m in stack_module.middlewares(Config(apis=(api,)))}
    if drop and not set(drop) & present:
        return None, {"skipped": "not in this tree's middleware stack"}
    return await http_call(
        jobmock_app(api, validate_responses=key == "jobmock+rv", drop=drop), scope
    )


async def main_async(request: dict[str, Any]) -> dict[str, Any]:
    scope = scope_for(request["path"], request["headers"])
    calls: dict[str, Call] = {}
    results: dict[str, Any] = {}
    for key, label in VARIANTS:
        try:
            call, info = await build(key, request, scope)
        except Exception as exc:  # a layer this tree's app cannot do without
            call, info = None, {"status": None, "error": f"{type(exc).__name__}: {exc}"[:300]}
        results[key] = {"label": label, **info}
        if call is not None:
            calls[key] = call
    for call in calls.values():
        for _ in range(WARMUP):
            await call()
    rounds: dict[str, list[float]] = {key: [] for key in calls}
    for round_no in range(REPEATS):
        order = list(calls)
        order = order[round_no % len(order) :] + order[: round_no % len(order)]
        for key in order:
            started = time.process_time()
            for _ in range(N):
                await calls[key]()
            rounds[key].append((time.process_time() - started) / N * 1e6)
    for key, runs in rounds.items():
        results[key].update(us_per_request=min(runs), us_median_of_runs=statistics.median(runs))
    return {"n": N, "repeats": REPEATS, "variants": results}


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text())
    print(json.dumps(asyncio.run(main_async(request))))


if __name__ == "__main__":
    main()
