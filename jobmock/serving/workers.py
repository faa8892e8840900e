"""Serving: one process, or several workers (and machines) sharing one store.

``jobmock serve`` fills a Config, then :func:`prepare` readies the store once, before any worker
starts: it seeds the fixture jobs into a new store (or ``reset=True`` starts it over) and applies a
clock mode or speed given on the command line, keeping mock time continuous.  A store that already
holds state is continued: its jobs, forced transitions and clock (mode, speed, mock time) are what a
restarted server serves, less any job whose scenario or tenant the fixtures no longer have.
:func:`run` then hands uvicorn the app (one worker), or the import string of
:func:`jobmock.serving.app.create_app_from_env` with the Config as JSON in ``$JOBMOCK_CONFIG`` (several
workers: uvicorn starts each process, which builds its own app over the shared store).

Workers cache nothing: every request reads the jobs and the clock from the store.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
from dataclasses import dataclass
from typing import Any

from jobmock.config import CONFIG_ENV, Config
from jobmock.engine.mock import ApiRuntime, Mock
from jobmock.errors import SetupError
from jobmock.limits import Limits
from jobmock.model.clock import ClockError
from jobmock.store import open_store

NOT_SHARED = ("memory",)
"""Store URL schemes that live in one process, so one worker only."""


def shared(url: str) -> bool:
    """Whether several processes can share the store at ``url``."""
    return url.partition("://")[0].lower() not in NOT_SHARED


@dataclass(frozen=True)
class Prepared:
    continued: bool  # the store already held a clock (and jobs) from an earlier run
    seeded: int  # fixture jobs put in now
    dropped: int = 0  # stored jobs whose scenario or tenant the fixtures no longer have
    clock: str = (
        ""  # the clock now, e.g. "manual at speed 1" (a continued one may differ from flags)
    )


def prepare(
    config: Config,
    runtimes: dict[str, ApiRuntime],
    *,
    reset: bool = False,
    clock: str | None = None,
    speed: float | None = None,
) -> Prepared:
    """Ready the shared store at ``config.store`` before workers start (see the module doc).

    ``clock`` and ``speed`` (the ones given on the command line) switch a continued clock.
    Raises :class:`~jobmock.store.StoreError` if the store cannot be opened or reached.
    """

    async def main() -> Prepared:
        store = open_store(config.store, config.limits)
        mock = Mock(runtimes, store, config.clock, config.speed, config.seed, limits=config.limits)
        try:
            try:
                stored = await store.get_clock() is not None
            except ClockError:  # unreadable: jobs were kept beside it; `mock.start` repairs it
                stored = True
            continued = not reset and stored
            seeded = await (mock.reset() if reset else mock.start())
            if continued and (clock is not None or speed is not None):
                await mock.change_clock(mode=clock, speed=speed)
            dropped = await drop_stale_jobs(mock) if continued else 0
            state = await mock.clock()
            return Prepared(continued, seeded, dropped, f"{state.mode} at speed {state.speed:g}")
        finally:
            await store.close()

    return asyncio.run(main())


async def drop_stale_jobs(mock: Mock) -> int:
    """Delete stored jobs that the fixtures can no longer render (their scenario or tenant is gone
    since the run that made them); how many."""
    dropped = 0
    for runtime in mock.apis.values():
        fixture = runtime.fixture
        for job in await mock.store.list(runtime.name):
            if job.scenario not in fixture.scenarios or job.tenant not in fixture.tenants:
                dropped += await mock.store.delete(runtime.name, job.id)
    return dropped


BIND_PROBLEMS = {
    errno.EADDRINUSE: "the port is already in use (another --port, or stop what listens there)",
    errno.EACCES: "permission denied (ports below 1024 need privileges; another --port)",
    errno.EADDRNOTAVAIL: "this machine has no such address (another --host)",
}


def check_address(host: str, port: int) -> None:
    """Raise SetupError unless `host`:`port` can be listened on now, bound as uvicorn (asyncio)
    binds it: every address `host` resolves to, SO_REUSEADDR on.  `jobmock serve` checks this
    before it prints anything, so a port in use is the one line it prints, not the last."""
    where = f"{host}:{port}"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise SetupError(f"cannot listen on {where}: {exc.strerror}") from None
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                problem = BIND_PROBLEMS.get(exc.errno or 0, exc.strerror or str(exc))
                raise SetupError(f"cannot listen on {where}: {problem}") from None


def http_options(limits: Limits) -> dict[str, Any]:
    """uvicorn's options for jobmock's bounds on connections and request heads (jobmock.limits)."""
    from jobmock.serving.protocol import GuardedHttpToolsProtocol

    GuardedHttpToolsProtocol.limits = limits  # workers read theirs from $JOBMOCK_CONFIG
    return {"http": GuardedHttpToolsProtocol, "limit_concurrency": limits.max_connections}


def run(config: Config, app: Any = None) -> None:
    """Serve until stopped: ``app`` in this process, or ``config.workers`` worker processes."""
    import uvicorn

    # access_log off: at level warning no access line is written, but uvicorn would still build
    # each one's arguments
    options: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "log_level": "warning",
        "access_log": False,
        **http_options(config.limits),
    }
    if config.workers == 1 and app is not None:
        uvicorn.run(app, **options)
        return
    os.environ[CONFIG_ENV] = config.to_json()
    uvicorn.run(
        "jobmock.serving.app:create_app_from_env", factory=True, workers=config.workers, **options
    )
