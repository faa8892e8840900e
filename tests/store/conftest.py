"""Fixtures for the shared stores: a real ``redis-server`` (skipped where it is not installed, a
failure under CI: see tests/requirements.py).

Tests that start real processes are marked ``servers`` (a few seconds each; the marker is declared
in pyproject.toml); deselect them with ``pytest -m "not servers"`` for a quick run.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.requirements import require
from tests.servers import RedisServer

NO_REDIS = (
    "redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)"
)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the session; tests keep apart by key prefix (``redis_url``)."""
    require(RedisServer.available(), NO_REDIS)
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


_prefixes = itertools.count()


@pytest.fixture
def redis_url(redis_server: RedisServer, request: pytest.FixtureRequest) -> str:
    """A redis store URL with a key prefix of this test's own."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", request.node.name)[:40]
    return redis_server.url(f"t{next(_prefixes)}-{name}")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another connection holds the SQLite file's write lock (a stuck worker, a shell)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
