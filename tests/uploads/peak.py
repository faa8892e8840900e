"""One upload to an in-process app, its answer and the process's peak RSS, as JSON on stdout.

Run as `python -m tests.uploads.peak '<request as JSON>'` in a subprocess (tests/uploads/test_bombs.py),
so each measurement has a process of its own: ru_maxrss is a process's high-water mark.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

CAP = 2 * 1024**3  # address space: a regression fails with MemoryError, never takes the machine


def measure(request: dict[str, Any]) -> dict[str, Any]:
    from starlette.testclient import TestClient

    from jobmock.config import Config
    from jobmock.serving.app import create_app

    api = request["api"]
    with TestClient(create_app(Config(apis=(api,), clock="manual"))) as client:
        tenants = client.get(f"/_mock/apis/{api}/tenants").json()
        tenant = request.get("tenant", "acme")
        headers = {**next(t["headers"] for t in tenants if t["name"] == tenant)}
        headers.update(request.get("headers", {}))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if "body" in request:  # a raw body, sent as it is
            with open(request["body"], "rb") as body:
                response = client.post(request["path"], headers=headers, content=body.read())
        else:
            with open(request["file"], "rb") as file:
                part = (request["name"], file, request.get("type", "application/octet-stream"))
                response = client.post(
                    request["path"], headers=headers, files={"file": part}, data=request.get("data")
                )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "status": response.status_code,
        "body": response.json() if response.content else None,
        "baseline_mb": before // 1024,
        "peak_mb": peak // 1024,
    }


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))
    print(json.dumps(measure(json.loads(sys.argv[1]))))
