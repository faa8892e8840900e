"""Real processes for the shared-state tests: ``redis-server`` and ``jobmock serve``.

Every process is started in its own session (process group) bound to 127.0.0.1 on a free port,
waited for with a deadline, and always stopped: SIGTERM, then SIGKILL of the whole group.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

import jobmock

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 60.0  # a worker loads every spec and fixture; 2 slow cores, several workers
SOURCE_ROOT = str(Path(jobmock.__file__).resolve().parents[1])  # the jobmock under test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def stop(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGTERM the process's group, SIGKILL it if still there after ``timeout``; reap it."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
    # workers outliving a killed supervisor are in the same group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _log_tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return ""


class RedisServer:
    """``redis-server`` without persistence on a free loopback port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> str | None:
        return shutil.which("redis-server")

    def url(self, prefix: str, db: int = 0) -> str:
        return f"redis://{LOOPBACK}:{self.port}/{db}?prefix={prefix}"

    def start(self) -> None:
        executable = self.available()
        assert executable, "redis-server is not installed"
        for _attempt in range(3):  # a port taken between free_port() and bind: try another
            self.port = free_port()
            log = self.workdir / f"redis-{self.port}.log"
            self.process = subprocess.Popen(
                [executable, "--save", "", "--appendonly", "no", "--port", str(self.port),
                 "--bind", LOOPBACK, "--dir", str(self.workdir), "--logfile", str(log)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
            if self._wait_ready(10.0):
                return
            stop(self.process)
        raise RuntimeError(f"redis-server did not start: {_log_tail(log)}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            with (
                contextlib.suppress(OSError),
                socket.create_connection((LOOPBACK, self.port), 1) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


class JobmockServer:
    """``python -m jobmock serve ARGS --port P`` until stopped; ``.url`` once ready."""

    def __init__(self, workdir: Path, args: Sequence[str], name: str = "jobmock") -> None:
        self.workdir = workdir
        self.args = list(args)
        self.name = name
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> JobmockServer:
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": SOURCE_ROOT}
        for name in ("JOBMOCK_CONFIG", "JOBMOCK_STORE", "JOBMOCK_STATE_DIR"):
            env.pop(name, None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jobmock", "serve", "--host", LOOPBACK,
                 "--port", str(self.port), *self.args],
                cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.process.returncode}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/_mock/clock", timeout=1.0).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")

    def tail(self) -> str:
        return _log_tail(self.log)

    def kill9(self) -> None:
        """``kill -9`` the server process (a single-worker server: the one that serves)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def worker_pids(self) -> set[int]:
        """The processes serving requests: the uvicorn workers, or the server itself."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = {int(p) for p in children.read_text().split()} if children.exists() else set()
        return pids or {self.process.pid}


@contextlib.contextmanager
def serving(workdir: Path, args: Sequence[str], name: str = "jobmock") -> Iterator[JobmockServer]:
    server = JobmockServer(workdir, args, name)
    try:
        yield server.start()
    finally:
        server.stop()


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
