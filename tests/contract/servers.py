"""Real servers on 127.0.0.1 for `jobmock contract --url`: a `jobmock serve` subprocess, and a
deliberately broken Matcher in a uvicorn thread. Both on free ports, both always stopped."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from jobmock import resources
from jobmock.specs import load_spec

ROOT = Path(__file__).resolve().parents[2]
MATCHER_JOB = "/v1/imports/contexts/{contextId}/jobs/{jobId}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not come up in {timeout:.0f}s")


@contextlib.contextmanager
def jobmock_serve(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m jobmock serve` on a free port; yields its base URL; always stops it."""
    port = free_port()
    command = [sys.executable, "-m", "jobmock", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(url + "/_mock/apis")
        except TimeoutError:
            process.kill()
            _, stderr = process.communicate(timeout=10)
            raise RuntimeError(f"jobmock serve did not start: {stderr.decode()[-2000:]}") from None
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


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


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """An ASGI app under uvicorn on a free port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/matcher/openapi.json")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
