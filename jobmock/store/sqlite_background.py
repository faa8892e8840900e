"""Writes no request waits for (the request journal's), made on a thread of their own.

The journal writes up to `journal_size` entries per API once a second.  On the event loop such a
commit held every request for about a millisecond, and the commit that finds the WAL past SQLite's
autocheckpoint threshold (1,000 pages) also copies the WAL back into the file with two fsyncs:
37-50 ms measured on the dev machine, every few seconds under load, which every request in flight
waited out (the p99 at 64 connections).  Here those commits, and the checkpoints they trigger, run
on one thread with its own connection; sqlite3 lets go of the GIL while SQLite works, so the loop
goes on serving.  Checkpoints keep SQLite's own policy (a thread that checkpoints on its own falls
behind constant writes: bench/results/profile.md, round 4), and a write made on the loop (a job
created) still checkpoints there when it is the one that crosses the threshold.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from jobmock.store.base import StoreError

T = TypeVar("T")


class BackgroundWriter:
    """One connection to the file at `path`, opened and used on one thread of its own."""

    def __init__(self, path: Path, name: str, busy_timeout_s: float) -> None:
        self.path = path
        self.name = name
        self.busy_timeout_ms = int(busy_timeout_s * 1000)
        self._thread: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)` in one write transaction, on the writer's thread."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="jobmock-store-writer")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._transaction, work)

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.name}: the file is locked by another writer ({exc})") from None
        try:
            result = work(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            # the file, in WAL mode with its tables, was opened by the store (sqlite_file)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # this thread may wait for the write lock: the loop does not wait with it
            db.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            db.execute("PRAGMA synchronous = NORMAL")  # a per-connection setting, as sqlite_file's
            self._db = db
        return self._db

    async def close(self) -> None:
        """Finish the writes under way and close the connection (before the store's own)."""
        if self._thread is None:
            return
        thread, self._thread = self._thread, None
        await asyncio.get_running_loop().run_in_executor(thread, self._close_connection)
        thread.shutdown(wait=True)

    def _close_connection(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
