"""WAL checkpoints of the SQLite store, off the event loop.

By default SQLite copies the WAL back into the database file (a checkpoint) inside whichever
commit finds the WAL past 1,000 pages, and fsyncs twice doing it: 37-50 ms on the event loop on
the 2-core machine (measured 2026-12-03: journal writes of 200 entries took 1.2 ms, every second or
third one 40 ms), a stall every few seconds with the request journal on, which every request in
flight waits out: the worst of a p99. The serving connection turns that off (`wal_autocheckpoint
= 0`); :class:`Checkpointer` runs a PASSIVE checkpoint (it never waits for readers or writers) on a
connection of its own in a worker thread once the WAL has grown past `WAL_CHECKPOINT_BYTES`:
sqlite3 lets go of the GIL while SQLite works, so requests go on being answered. The WAL starts
over at the first write after a complete checkpoint; under writes so constant that it never
finds that moment, past `HARD_BOUND_FACTOR` times the bound the writer checkpoints inline, as
SQLite itself would have, so the file stays bounded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("jobmock")

WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024  # SQLite's own default: 1,000 pages of 4 KiB
HARD_BOUND_FACTOR = 4


class Checkpointer:
    """Checkpoints `path`'s WAL in a worker thread when a write has grown it past the bound."""

    def __init__(self, path: Path, limit: int = WAL_CHECKPOINT_BYTES) -> None:
        self.path = path
        self.wal = f"{path}-wal"
        self.limit = limit
        # the bytes of the WAL in use; the file's size (which never shrinks) unless told better
        self.wal_bytes: Callable[[], int] = lambda: os.stat(self.wal).st_size
        self._running: asyncio.Future[None] | None = None
        self._busy = False  # a checkpoint is under way (set by its thread: the loop may lag)
        self._db: sqlite3.Connection | None = None  # used by one worker thread at a time

    def after_write(self, db: sqlite3.Connection) -> None:
        """After a commit on `db` (the serving connection): start a checkpoint in a worker thread
        if the WAL is past the bound and none is under way; far past it, checkpoint on `db`."""
        if self._busy:
            return
        try:
            size = self.wal_bytes()
            if size < self.limit:
                return
            if size >= HARD_BOUND_FACTOR * self.limit:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                return
            loop = asyncio.get_running_loop()
        except (OSError, RuntimeError, sqlite3.Error):  # no WAL yet; no loop; busy: next time
            return
        self._busy = True
        self._running = loop.run_in_executor(None, self.checkpoint)

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint (blocking: call it in a worker thread)."""
        try:
            self._checkpoint()
        finally:
            self._busy = False

    def _checkpoint(self) -> None:
        try:
            if self._db is None:
                self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:  # another process's checkpoint, a closing file: next time
            logger.debug("WAL checkpoint of %s skipped: %s", self.path, exc)

    async def close(self) -> None:
        if self._running is not None:
            await self._running
            self._running = None
        if self._db is not None:
            self._db.close()
            self._db = None
