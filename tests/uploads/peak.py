"""One upload to an in-process app, its answer and the process's peak RSS, as JSON on stdout.

Run as `python -m tests.uploads.peak '<request as JSON>'` in a subprocess (tests/uploads/test_bombs.py),
so each measurement has a process of its own: its high-water mark is this upload's.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

CAP = 2 * 1024**3  # address space: a regression fails with MemoryError, never takes the machine


def peak_kb() -> int:
    """This process's peak RSS. Linux keeps ru_maxrss across fork and exec (a child of a big
    pytest starts at the parent's size), so VmHWM, which a new program starts afresh, comes first."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
        before = peak_kb()
        if "body" in request:  # a raw body, sent as it is
            with open(request["body"], "rb") as body:
                response = client.post(request["path"], headers=headers, content=body.read())
        else:
            with open(request["file"], "rb") as file:
                part = (request["name"], file, request.get("type", "application/octet-stream"))
                response = client.post(
                    request["path"], headers=headers, files={"file": part}, data=request.get("data")
                )
        peak = peak_kb()
    return {
        "status": response.status_code,
        "body": response.json() if response.content else None,
        "baseline_mb": before // 1024,
        "peak_mb": peak // 1024,
    }


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))
    print(json.dumps(measure(json.loads(sys.argv[1]))))
