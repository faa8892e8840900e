"""One worker's connection to the SQLite file every worker shares: its write transactions, its
reads, and the records it has read, kept while no one writes.

Sharing.  Each process opens its own connection.  The file is in WAL mode: readers never block the
writer and always see the latest committed state.  Every write is one short transaction; a writer
that finds the file locked tries again, sleeping on the event loop between tries (so reads and other
requests carry on), and gives up after ``busy_timeout_s`` (``Limits.store_busy_timeout_s``) with
:class:`~jobmock.store.StoreUnavailable`, answered 503: a file held by another writer (a stuck
process, ``sqlite3`` in a shell) never freezes a worker.  One try blocks the loop at most
``STEP_MS``.

Reads.  A process keeps the jobs and the clock it has read, decoded, for as long as nothing was
written: before each read it looks at the WAL-index header SQLite rewrites on every commit
(:mod:`jobmock.store.walindex`; ``PRAGMA data_version`` where that file cannot be mapped, once
per step of the event loop), and its own writes empty the cache.  A poll then costs a 48-byte
comparison instead of a query and a JSON decode per record.  The cache holds at most
``READ_CACHE_SIZE`` records.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job
from jobmock.store.base import StoreError
from jobmock.store.outage import Outage
from jobmock.store.walindex import WalIndexWatch

STEP_MS = 20  # one try at a locked file blocks the event loop at most this long
BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
READ_CACHE_SIZE = 10_000

Cached = dict[tuple[str, ...], Job | ClockState | None]


class SharedFile:
    """A connection to the shared file at ``path`` (``jobmock.store.sqlite_file.open_file``'s),
    used on the event loop; ``name`` says which store it is in errors and outage logs."""

    def __init__(
        self, db: sqlite3.Connection, path: Path, name: str, busy_timeout_s: float
    ) -> None:
        db.execute(f"PRAGMA busy_timeout = {STEP_MS}")
        self._db: sqlite3.Connection | None = db
        self.name = name
        self.busy_timeout_s = busy_timeout_s
        self.outage = Outage(name)
        self._read_cache: Cached = {}
        self._data_version: int | None = None
        self._checked_this_step = False
        self._wal_index = WalIndexWatch.open(path)  # after open_file: the WAL index exists

    def connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"{self.name} is closed")
        return self._db

    @asynccontextmanager
    async def write(self) -> AsyncIterator[sqlite3.Connection]:
        """One write transaction holding the file's write lock from its first statement."""
        db = self.connection()
        await self._begin(db)
        self._read_cache.clear()  # data_version does not count this connection's own commits
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    async def _begin(self, db: sqlite3.Connection) -> None:
        """Take the write lock, trying again while another connection holds it, up to the timeout."""
        deadline = time.monotonic() + self.busy_timeout_s
        pause = STEP_MS / 1000
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode not in BUSY_CODES:
                    raise
                if time.monotonic() + pause > deadline:
                    raise self.outage.failed(
                        f"the file is locked by another writer (waited {self.busy_timeout_s:g} s)"
                    ) from None
                await asyncio.sleep(pause)  # the loop serves other requests meanwhile
                continue
            self.outage.answered()
            return

    def read(self, sql: str, parameters: tuple[str, ...] = ()) -> sqlite3.Cursor:
        """A read; a file too busy even for that (rare in WAL mode) is an outage, not a 500."""
        try:
            return self.connection().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in BUSY_CODES:
                raise
            raise self.outage.failed(f"the file is locked ({exc})") from None

    def cached_reads(self) -> Cached:
        """The read cache, emptied if another connection has committed since the last look."""
        if self._wal_index is not None:
            if self._wal_index.changed() or len(self._read_cache) >= READ_CACHE_SIZE:
                self._read_cache.clear()
            return self._read_cache
        # no WAL index to look at: ask SQLite, once per step of the event loop
        if self._checked_this_step:
            return self._read_cache
        (version,) = self.read("PRAGMA data_version").fetchone()
        if version != self._data_version or len(self._read_cache) >= READ_CACHE_SIZE:
            self._read_cache.clear()
            self._data_version = version
        try:
            asyncio.get_running_loop().call_soon(self._end_step)
        except RuntimeError:  # no event loop: check on every read
            return self._read_cache
        self._checked_this_step = True
        return self._read_cache

    def _end_step(self) -> None:
        self._checked_this_step = False

    async def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._wal_index is not None:  # after the connection: see jobmock.store.walindex, Locks
            self._wal_index.close()
            self._wal_index = None
