"""``kill -9`` of a server while clients create jobs (SQLite): nothing answered 201 is lost, and the
restarted server continues every lifecycle from the stored clock."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from pathlib import Path

import pytest

from tests.servers import JobmockServer, serving
from tests.store.connections import Connection

pytestmark = pytest.mark.servers

JOBS = "/_mock/apis/matcher/jobs"
CLIENTS = 4


def create_until_refused(server: JobmockServer, created: list[str], stop: threading.Event) -> None:
    """Create jobs over one connection until the server is gone; record every id answered 201."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        connection = Connection(server, timeout=5.0)
        try:
            while not stop.is_set():
                status, body = connection.post(JOBS, {"scenario": "completes"})
                assert status == 201, body
                created.append(body["id"])
        finally:
            connection.close()


def test_kill_9_while_creating_loses_no_created_job(tmp_path: Path) -> None:
    args = ["--api", "matcher", "--clock", "manual", "--state-dir", str(tmp_path / "state")]
    server = JobmockServer(tmp_path, args, "crashing").start()
    stop = threading.Event()
    created: list[str] = []
    clients = [
        threading.Thread(target=create_until_refused, args=(server, created, stop), daemon=True)
        for _ in range(CLIENTS)
    ]
    try:
        first = Connection(server)
        assert first.post("/_mock/clock", {"advance_seconds": 2})[0] == 200
        clock = first.get("/_mock/clock")
        first.close()
        for client in clients:
            client.start()
        deadline = time.monotonic() + 20
        while len(created) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(created) >= 60, "the server created too few jobs to crash in the middle"
        server.kill9()  # while the clients are still sending
    finally:
        stop.set()
        server.stop()
        for client in clients:
            client.join(10)
    answered = list(created)

    with serving(tmp_path, ["--api", "matcher", "--state-dir", str(tmp_path / "state")]) as again:
        after = Connection(again)
        try:
            assert after.get("/_mock/clock") == clock  # manual mock time, where it stopped
            listed = [job["id"] for job in after.get(JOBS)]
            assert set(answered) <= set(listed), "jobs answered 201 are missing"
            assert len(listed) == len(set(listed))  # and nothing was seeded twice
            job = after.get(f"{JOBS}/{answered[0]}")
            assert job["status"] == "QUEUED"
            assert after.post("/_mock/clock", {"advance_seconds": 5})[0] == 200
            moved = after.get(job["status_path"], headers=job["headers"])
            assert moved["status"] == "PROCESSING"  # the lifecycle goes on from the stored clock
        finally:
            after.close()
