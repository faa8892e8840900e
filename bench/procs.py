"""Servers under test: launched in their own process group, watched through /proc, always stopped.

Only the standard library: RSS and CPU time are read from /proc/<pid>/status and /proc/<pid>/stat
for the whole process tree (a launcher script, node, uvicorn... whatever the stack forks).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
_LIVE: set[int] = set()  # process groups started and not yet stopped (stopped at exit too)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.extend(int(x) for x in task.read_text().split())
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        if Path(f"/proc/{current}").exists():
            pids.append(current)
            todo.extend(children(current))
    return pids


def status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (children that were reaped are not counted)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    return 0.0


@dataclass
class Watch:
    """Peak RSS of a process tree, polled every `interval` seconds in a thread."""

    pid: int
    interval: float = 0.05
    hwm: bool = True  # also trust the kernel's VmHWM (the process's lifetime peak)
    peak_rss_kb: int = 0
    peak_hwm_kb: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def poll(self) -> None:
        pids = tree(self.pid)
        self.peak_rss_kb = max(self.peak_rss_kb, sum(status_kb(p, "VmRSS") for p in pids))
        for p in pids:
            self.peak_hwm_kb[p] = max(self.peak_hwm_kb.get(p, 0), status_kb(p, "VmHWM"))

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in tree(self.pid))

    def rss_now_kb(self) -> int:
        return sum(status_kb(p, "VmRSS") for p in tree(self.pid))

    def start(self) -> Watch:
        def loop() -> None:
            while not self._stop.wait(self.interval):
                self.poll()

        self.poll()
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.poll()

    @property
    def peak_mb(self) -> float:
        """Peak of the tree's summed RSS; for a single process, its high-water mark VmHWM if that
        is higher (a spike shorter than the polling interval still shows there)."""
        peak = self.peak_rss_kb
        if self.hwm and len(self.peak_hwm_kb) == 1:
            peak = max(peak, *self.peak_hwm_kb.values())
        return peak / 1024


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (`echo 5 > /proc/PID/clear_refs`); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def http_get(
    port: int, path: str, headers: Mapping[str, str], timeout: float = 2.0
) -> tuple[int, bytes]:
    """One HTTP/1.1 GET on 127.0.0.1 with a fresh connection: (status, body)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=dict(headers))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class ServerDied(RuntimeError):
    pass


@dataclass
class Server:
    """A launched server: its process, port and the output it wrote."""

    name: str
    argv: list[str]
    port: int
    log: Path
    process: subprocess.Popen[bytes]
    launched_at: float

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self, limit: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-limit:]
        return ""

    def wait_first_answer(
        self, path: str, headers: Mapping[str, str], timeout: float = 60.0
    ) -> tuple[float, int, bytes]:
        """Seconds from launch to the first answered request of `path` (any HTTP status)."""
        deadline = self.launched_at + timeout
        while time.perf_counter() < deadline:
            if not self.alive():
                raise ServerDied(
                    f"{self.name} exited with {self.process.returncode}:\n{self.output()}"
                )
            try:
                status, body = http_get(self.port, path, headers, timeout=1.0)
            except OSError:
                time.sleep(0.005)
                continue
            return time.perf_counter() - self.launched_at, status, body
        raise ServerDied(f"{self.name} did not answer within {timeout:.0f}s:\n{self.output()}")


def launch(
    name: str,
    argv: Sequence[str],
    port: int,
    log: Path,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    cpus: str | None = None,
) -> Server:
    """Start `argv` in a new session (its own process group), output to `log`."""
    command = list(argv)
    if cpus is not None:
        command = ["taskset", "-c", cpus, *command]
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    out.close()
    _LIVE.add(process.pid)
    return Server(name, command, port, log, process, started)


def stop(server: Server, grace: float = 5.0) -> None:
    """SIGTERM the server's process group, SIGKILL what is left after `grace` seconds."""
    pgid = server.process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=grace)
    _LIVE.discard(pgid)


def stop_all() -> None:
    """Kill every process group this module started and has not stopped (atexit, signals)."""
    for pgid in list(_LIVE):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        _LIVE.discard(pgid)


@contextlib.contextmanager
def running(*args: object, **kwargs: object) -> Iterator[Server]:
    server = launch(*args, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop(server)
