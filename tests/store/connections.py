"""Talking to real ``jobmock serve`` processes: keep-alive connections (one worker answers all of
a connection's requests), which worker answered, and requests raced against each other.

The servers themselves are started by ``tests.servers``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tests.servers import LOOPBACK, JobmockServer


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def answering_pid(local_port: int, pids: set[int]) -> int | None:
    """Which of ``pids`` holds the server end of our TCP connection from ``local_port``.

    Linux only: /proc/net/tcp maps the socket whose remote end is our port to an inode, and
    /proc/<pid>/fd shows which process has that inode open.
    """
    wanted = f"{local_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[2].endswith(":" + wanted):  # remote address = our client socket
            inode = fields[9]
            break
    if inode is None:
        return None
    for pid in pids:
        with contextlib.suppress(OSError):
            if inode in _socket_inodes(pid):
                return pid
    return None


class Connection:
    """One keep-alive TCP connection to a server: one worker answers all of its requests.

    uvicorn closes a connection idle for 5 s; one idle for longer than ``IDLE`` is opened again
    before the next request (so possibly to another worker).
    """

    IDLE = 3.0

    def __init__(self, server: JobmockServer, timeout: float = 15.0) -> None:
        self.http = http.client.HTTPConnection(LOOPBACK, server.port, timeout=timeout)
        self.http.connect()
        self.used = time.monotonic()

    @property
    def local_port(self) -> int:
        assert self.http.sock is not None
        port: int = self.http.sock.getsockname()[1]
        return port

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """(status, JSON body or None)."""
        if time.monotonic() - self.used > self.IDLE:
            self.http.close()
            self.http.connect()
        data = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if data is not None else {}
        self.http.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = self.http.getresponse()
        raw = response.read()
        self.used = time.monotonic()
        return response.status, json.loads(raw) if raw else None

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        status, body = self.call("GET", path, headers=headers)
        assert status == 200, (path, status, body)
        return body

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.call("POST", path, {} if body is None else body)

    def close(self) -> None:
        self.http.close()


@contextlib.contextmanager
def connections(server: JobmockServer, count: int) -> Iterator[list[Connection]]:
    opened = [Connection(server) for _ in range(count)]
    try:
        yield opened
    finally:
        for connection in opened:
            connection.close()


def race(calls: Sequence[Any], timeout: float = 30.0) -> list[Any]:
    """Run the callables at the same moment (one thread each, a barrier) and return their results."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait(timeout)
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def race_transitions(a: Connection, b: Connection, jobs: str, job_id: str) -> tuple[str, Any]:
    """``a`` moves the job to COMPLETED while ``b`` moves it to FAILED: one wins (200), the other
    finds it terminal (409).  Returns (the winner's status, the loser's problem)."""
    path = f"{jobs}/{job_id}/transitions"
    results = race(
        [lambda: a.post(path, {"to": "COMPLETED"}), lambda: b.post(path, {"to": "FAILED"})]
    )
    assert sorted(status for status, _ in results) == [200, 409], results
    winner = next(body["status"] for status, body in results if status == 200)
    loser = next(body for status, body in results if status == 409)
    assert loser["status"] == 409 and f"already {winner}" in loser["detail"], loser
    return winner, loser


def race_new_jobs(a: Connection, b: Connection, jobs: str, rounds: int = 8) -> None:
    """``rounds`` new jobs, each raced to two ends (``race_transitions``): both connections then
    read the job in the status that won."""
    for _ in range(rounds):
        status, job = a.post(jobs, {"scenario": "completes"})
        assert status == 201, job
        winner, _ = race_transitions(a, b, jobs, job["id"])
        assert a.get(f"{jobs}/{job['id']}")["status"] == winner
        assert b.get(f"{jobs}/{job['id']}")["status"] == winner
