"""Real servers for the tests that need a socket: ``jobmock serve`` and ``redis-server`` processes,
and any ASGI app under uvicorn in a thread.

Every server binds 127.0.0.1 on a free port, is waited for with a deadline, and is always stopped
(use the context managers, or ``stop()`` in a ``finally``). A process is started in its own session
(process group) and stopped with SIGTERM, then SIGKILL of the whole group, so that uvicorn workers
never outlive a test.

    jobmock_serve(*args, env=...) -> url         a scratch directory, the server, its base URL
    serving(workdir, args) -> JobmockServer      the same, with its log, pids and ``kill9``
    RedisServer(workdir).start() / .stop()       ``redis-server`` without persistence
    serve_in_thread(app) -> url                  an in-test ASGI app (a deliberately broken server)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import uvicorn

import jobmock

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 60.0  # a worker loads every spec and fixture; 2 slow cores, several workers
SOURCE_ROOT = str(Path(jobmock.__file__).resolve().parents[1])  # the jobmock under test
# Variables of the developer's shell that would change what `jobmock serve` loads or where it stores
SERVE_ENV_UNSET = ("JOBMOCK_CONFIG", "JOBMOCK_STORE", "JOBMOCK_STATE_DIR")


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


def answers(url: str) -> bool:
    """True once anything answers HTTP at ``url`` (any status: a 401 is a server that is up)."""
    try:
        httpx.get(url, timeout=1.0)
    except httpx.HTTPError:
        return False
    return True


def log_tail(path: Path) -> str:
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

    def start(self, port: int | None = None) -> None:
        """Start on a free port, or on ``port`` again (a server back after an outage)."""
        executable = self.available()
        assert executable, "redis-server is not installed"
        for _attempt in range(3):  # a port taken between free_port() and bind: try another
            self.port = port or free_port()
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
        raise RuntimeError(f"redis-server did not start: {log_tail(log)}")

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
    """``python -m jobmock serve ARGS --port P`` in ``workdir`` until stopped; ``.url`` once ready.

    ``env`` is added to the test's environment (minus ``SERVE_ENV_UNSET``); the server's output
    goes to ``workdir/<name>.log``, whose tail explains a server that did not start."""

    def __init__(
        self,
        workdir: Path,
        args: Sequence[str],
        name: str = "jobmock",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.args = list(args)
        self.name = name
        self.env = dict(env or {})
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> JobmockServer:
        self.port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": SOURCE_ROOT}
        for name in SERVE_ENV_UNSET:
            env.pop(name, None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jobmock", "serve", "--host", LOOPBACK,
                 "--port", str(self.port), *self.args],
                cwd=self.workdir, env={**env, **self.env}, stdin=subprocess.DEVNULL, stdout=log,
                stderr=log, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.process.returncode}:\n{self.tail()}")
            if answers(f"{self.url}/_mock/apis"):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")

    def tail(self) -> str:
        return log_tail(self.log)

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
def serving(
    workdir: Path,
    args: Sequence[str],
    name: str = "jobmock",
    env: Mapping[str, str] | None = None,
) -> Iterator[JobmockServer]:
    server = JobmockServer(workdir, args, name, env)
    try:
        yield server.start()
    finally:
        server.stop()


@contextlib.contextmanager
def jobmock_serve(*args: str, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """``jobmock serve ARGS`` in a scratch directory (its state and log die with it); the URL."""
    with (
        tempfile.TemporaryDirectory(prefix="jobmock-serve-") as workdir,
        serving(Path(workdir), args, env=env) as server,
    ):
        yield server.url


@contextlib.contextmanager
def serve_in_thread(app: Any, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """An ASGI app under uvicorn on a free port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not answers(url):
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start {app!r} on {url}")
            time.sleep(0.1)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
