"""SQLiteStore: one file that every worker process on a machine shares (``jobmock serve``'s default).

URLs: ``sqlite:///abs/path/state.db`` (absolute), ``sqlite://relative/state.db`` (relative to the
current directory); ``~`` is expanded and missing folders are created.

Sharing.  Each process opens its own connection.  The file is in WAL mode: readers never block the
writer and always see the latest committed state.  Every write is one short transaction; a writer
that finds the file locked tries again, sleeping on the event loop between tries (so reads and other
requests carry on), and gives up after ``busy_timeout_s`` (``Limits.store_busy_timeout_s``) with
:class:`~jobmock.store.StoreUnavailable`, answered 503: a file held by another writer (a stuck
process, ``sqlite3`` in a shell) never freezes a worker.  One try blocks the loop at most
``STEP_MS``.  Read-modify-writes
(``add_transition``, ``update_clock``, ``remember``, ``next_sequence``) take the write lock before
reading (``BEGIN IMMEDIATE``), so two workers never interleave them: the second sees the first's
result.

Reads.  A process keeps the jobs and the clock it has read, decoded, for as long as nothing was
written: before each read it looks at the WAL-index header SQLite rewrites on every commit
(:mod:`jobmock.store.walindex`; ``PRAGMA data_version`` where that file cannot be mapped, once
per step of the event loop), and its own writes empty the cache.  A poll then costs a 48-byte
comparison instead of a query and a JSON decode per record.  The cache holds at most
``READ_CACHE_SIZE`` records.

Durability.  ``synchronous=NORMAL`` in WAL mode: a committed write survives the process being
killed (``kill -9``); only a crash of the machine itself may lose the last few.  Checkpoints (the
WAL copied back into the file, with its fsyncs) run in a worker thread, not inside a commit on the
event loop (:mod:`jobmock.store.checkpoints`).

Event loop.  The calls run directly on the event loop, not in a worker thread: each is shorter
than a hop to a thread and back.  Measured on the 2-core dev machine (busy; per call, best of 3):
``get_clock`` 6-13 us, ``get`` 37-58 us, ``put``/``add_transition``/``next_sequence`` commits
70-290 us, ``asyncio.to_thread`` round trip 170-320 us; ``list`` of 10k jobs 160-370 ms (JSON
decoding, ~15 us a job, which a thread would not speed up: it holds the GIL).  A status request
makes two reads (see Reads).  The loop itself never waits for the write lock longer than ``STEP_MS``.

Idempotency leases (``lease``/``settle``) are rows of ``leases`` with their expiry in wall time, so
a lease survives a restart and still runs out.
"""

from __future__ import annotations

import asyncio
import builtins
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job, Transition
from jobmock.store.base import JobNotFound, StoreError
from jobmock.store.checkpoints import Checkpointer
from jobmock.store.codec import dump_clock, dump_job, load_clock, load_job
from jobmock.store.outage import Outage
from jobmock.store.walindex import WalIndexWatch

SCHEMA_VERSION = 1
OPEN_TIMEOUT_MS = 10_000  # opening waits for another worker creating the schema at the same time
STEP_MS = 20  # one try at a locked file blocks the event loop at most this long
BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
READ_CACHE_SIZE = 10_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    position INTEGER PRIMARY KEY,  -- grows with every insert: creation order
    api TEXT NOT NULL,
    id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    record TEXT NOT NULL,          -- the job as JSON (store_codec), transitions included
    UNIQUE (api, id)
);
CREATE INDEX IF NOT EXISTS jobs_by_api ON jobs (api);
CREATE INDEX IF NOT EXISTS jobs_by_tenant ON jobs (api, tenant);
CREATE TABLE IF NOT EXISTS sequences (api TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS remembered (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires REAL                   -- wall time (time.time()) the lease runs out; NULL: settled
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
    position INTEGER PRIMARY KEY,  -- grows with every entry: the order requests were recorded
    api TEXT NOT NULL,
    record TEXT NOT NULL           -- the entry as JSON (jobmock.journal.entries)
);
CREATE INDEX IF NOT EXISTS journal_by_api ON journal (api, position);
"""


def path_of(url: str) -> Path:
    """The file a ``sqlite://`` URL names."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() != "sqlite" or not sep:
        raise StoreError(f"not a sqlite URL: {url!r}")
    if not rest or rest.endswith("/"):
        raise StoreError(f"{url!r} names no file; e.g. sqlite:///abs/state.db, sqlite://state.db")
    if "?" in rest or "#" in rest:
        raise StoreError(f"{url!r}: sqlite URLs take no query or fragment")
    return Path(rest).expanduser()


def state_store_url(state_dir: Path) -> str:
    """The store ``jobmock serve`` uses by default: ``state.db`` in ``state_dir``.

    The folder is created with a ``.gitignore`` of ``*`` (as ``.pytest_cache`` has), so a state
    folder inside a repository stays out of it.
    """
    state_dir = state_dir.expanduser()
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        ignore = state_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# jobmock's state (jobs, clock): not for version control\n*\n")
    except OSError as exc:
        raise StoreError(f"cannot create the state folder {str(state_dir)!r}: {exc}") from None
    return f"sqlite://{state_dir / 'state.db'}"


class SQLiteStore:
    """Jobs, sequences, remembered keys and the clock in one SQLite file (see the module doc)."""

    def __init__(self, path: Path | str, busy_timeout_s: float = 1.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.outage = Outage(f"SQLite {str(self.path)!r}")
        self._read_cache: dict[tuple[str, ...], Job | ClockState | None] = {}
        self._data_version: int | None = None
        self._checked_this_step = False
        self._wal_index: WalIndexWatch | None = None
        self._checkpoints = Checkpointer(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db: sqlite3.Connection | None = sqlite3.connect(
                self.path,
                timeout=OPEN_TIMEOUT_MS / 1000,
                isolation_level=None,  # autocommit; transactions are explicit
                check_same_thread=False,  # built in one thread, used on the event loop's
            )
            self._setup(self._db)
            self._wal_index = WalIndexWatch.open(self.path)
            if self._wal_index is not None:
                self._checkpoints.wal_bytes = self._wal_index.wal_bytes
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store {str(self.path)!r}: {exc}") from None
        except OSError as exc:  # its folder cannot be made
            reason = f"{exc.filename} is a file" if isinstance(exc, FileExistsError) else exc
            raise StoreError(f"cannot open the SQLite store {str(self.path)!r}: {reason}") from None

    @classmethod
    def from_url(cls, url: str, busy_timeout_s: float = 1.0) -> SQLiteStore:
        return cls(path_of(url), busy_timeout_s)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    @staticmethod
    def _setup(db: sqlite3.Connection) -> None:
        db.execute(f"PRAGMA busy_timeout = {OPEN_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch to WAL mode (journal mode is {mode})")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA wal_autocheckpoint = 0")  # jobmock.store.checkpoints does them
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(
                    f"the file has jobmock state format {version}; this jobmock reads format"
                    f" {SCHEMA_VERSION} (start with another --state-dir, or delete the file)"
                )
            for statement in _statements(SCHEMA):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        db.execute(f"PRAGMA busy_timeout = {STEP_MS}")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"{self!r} is closed")
        return self._db

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[sqlite3.Connection]:
        """One write transaction holding the file's write lock from its first statement."""
        db = self._connection()
        await self._begin(db)
        self._read_cache.clear()  # data_version does not count this connection's own commits
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        self._checkpoints.after_write(db)

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

    def _read(
        self, db: sqlite3.Connection, sql: str, parameters: tuple[str, ...] = ()
    ) -> sqlite3.Cursor:
        """A read; a file too busy even for that (rare in WAL mode) is an outage, not a 500."""
        try:
            return db.execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in BUSY_CODES:
                raise
            raise self.outage.failed(f"the file is locked ({exc})") from None

    def _cached_reads(
        self, db: sqlite3.Connection
    ) -> dict[tuple[str, ...], Job | ClockState | None]:
        """The read cache, emptied if another connection has committed since the last look."""
        if self._wal_index is not None:
            if self._wal_index.changed() or len(self._read_cache) >= READ_CACHE_SIZE:
                self._read_cache.clear()
            return self._read_cache
        # no WAL index to look at: ask SQLite, once per step of the event loop
        if self._checked_this_step:
            return self._read_cache
        (version,) = self._read(db, "PRAGMA data_version").fetchone()
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

    async def get(self, api: str, job_id: str) -> Job | None:
        db = self._connection()
        cache = self._cached_reads(db)
        key = ("job", api, job_id)
        if key in cache:
            return cache[key]  # type: ignore[return-value]
        row = self._read(
            db, "SELECT record FROM jobs WHERE api = ? AND id = ?", (api, job_id)
        ).fetchone()
        job = cache[key] = None if row is None else load_job(row[0])
        return job

    async def put(self, job: Job) -> None:
        async with self._write() as db:
            db.execute(
                "INSERT INTO jobs (api, id, tenant, record) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (api, id) DO UPDATE SET tenant = excluded.tenant,"
                " record = excluded.record",
                (job.api, job.id, job.tenant, dump_job(job)),
            )

    async def delete(self, api: str, job_id: str) -> bool:
        async with self._write() as db:
            cursor = db.execute("DELETE FROM jobs WHERE api = ? AND id = ?", (api, job_id))
            return cursor.rowcount > 0

    async def list(self, api: str, tenant: str | None = None) -> builtins.list[Job]:
        db = self._connection()
        if tenant is None:
            rows = self._read(db, "SELECT record FROM jobs WHERE api = ? ORDER BY position", (api,))
        else:
            rows = self._read(
                db,
                "SELECT record FROM jobs WHERE api = ? AND tenant = ? ORDER BY position",
                (api, tenant),
            )
        return [load_job(record) for (record,) in rows.fetchall()]

    async def add_transition(self, api: str, job_id: str, make: Callable[[Job], Transition]) -> Job:
        async with self._write() as db:
            row = db.execute(
                "SELECT record FROM jobs WHERE api = ? AND id = ?", (api, job_id)
            ).fetchone()
            if row is None:
                raise JobNotFound(f"no {api} job {job_id!r}")
            job = load_job(row[0])
            job = job.with_transition(make(job))
            db.execute(
                "UPDATE jobs SET record = ? WHERE api = ? AND id = ?", (dump_job(job), api, job_id)
            )
            return job

    async def next_sequence(self, api: str) -> int:
        async with self._write() as db:
            (number,) = db.execute(
                "INSERT INTO sequences (api, value) VALUES (?, 1)"
                " ON CONFLICT (api) DO UPDATE SET value = value + 1 RETURNING value",
                (api,),
            ).fetchall()[0]
            return int(number)

    def _read_clock(self, db: sqlite3.Connection) -> ClockState | None:
        row = db.execute("SELECT value FROM settings WHERE name = 'clock'").fetchone()
        return None if row is None else load_clock(row[0])

    def _write_clock(self, db: sqlite3.Connection, state: ClockState) -> None:
        db.execute(
            "INSERT INTO settings (name, value) VALUES ('clock', ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (dump_clock(state),),
        )

    async def get_clock(self) -> ClockState | None:
        db = self._connection()
        cache = self._cached_reads(db)
        if ("clock",) not in cache:
            row = self._read(db, "SELECT value FROM settings WHERE name = 'clock'").fetchone()
            cache[("clock",)] = None if row is None else load_clock(row[0])
        return cache[("clock",)]  # type: ignore[return-value]

    async def set_clock(self, state: ClockState) -> None:
        async with self._write() as db:
            self._write_clock(db, state)

    async def update_clock(self, change: Callable[[ClockState | None], ClockState]) -> ClockState:
        async with self._write() as db:
            state = change(self._read_clock(db))
            self._write_clock(db, state)
            return state

    async def remember(self, key: str, value: bytes) -> bytes | None:
        async with self._write() as db:
            row = db.execute("SELECT value FROM remembered WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return bytes(row[0])
            db.execute("INSERT INTO remembered (key, value) VALUES (?, ?)", (key, bytes(value)))
            return None

    async def recall(self, key: str) -> bytes | None:
        db = self._connection()
        row = self._read(db, "SELECT value FROM remembered WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    async def lease(self, key: str, value: bytes, seconds: float) -> bytes | None:
        async with self._write() as db:
            now = time.time()
            row = db.execute("SELECT value, expires FROM leases WHERE key = ?", (key,)).fetchone()
            if row is not None and (row[1] is None or row[1] > now):
                return bytes(row[0])
            db.execute(
                "INSERT INTO leases (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key)"
                " DO UPDATE SET value = excluded.value, expires = excluded.expires",
                (key, bytes(value), now + seconds),
            )
            return None

    async def settle(self, key: str, holder: bytes, value: bytes | None) -> bool:
        async with self._write() as db:
            held = "key = ? AND value = ? AND expires > ?"
            if value is None:
                cursor = db.execute(f"DELETE FROM leases WHERE {held}", (key, holder, time.time()))
            else:
                cursor = db.execute(
                    f"UPDATE leases SET value = ?, expires = NULL WHERE {held}",
                    (bytes(value), key, holder, time.time()),
                )
            return cursor.rowcount > 0

    async def journal_add(self, entries: Sequence[tuple[str, str]], keep: int) -> None:
        async with self._write() as db:
            db.executemany("INSERT INTO journal (api, record) VALUES (?, ?)", entries)
            for api in {api for api, _ in entries}:
                db.execute(
                    "DELETE FROM journal WHERE api = ? AND position <= (SELECT position FROM"
                    " journal WHERE api = ? ORDER BY position DESC LIMIT 1 OFFSET ?)",
                    (api, api, keep),
                )

    async def journal(self, api: str | None = None) -> builtins.list[str]:
        db = self._connection()
        if api is None:
            rows = self._read(db, "SELECT record FROM journal ORDER BY position")
        else:
            rows = self._read(
                db, "SELECT record FROM journal WHERE api = ? ORDER BY position", (api,)
            )
        return [record for (record,) in rows.fetchall()]

    async def journal_clear(self) -> None:
        async with self._write() as db:
            db.execute("DELETE FROM journal")

    async def clear(self) -> None:
        async with self._write() as db:
            for table in ("jobs", "sequences", "remembered", "settings", "leases", "journal"):
                db.execute(f"DELETE FROM {table}")  # fixed names, no input

    async def close(self) -> None:
        await self._checkpoints.close()
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._wal_index is not None:  # after the connection: see jobmock.store.walindex, Locks
            self._wal_index.close()
            self._wal_index = None


def _statements(script: str) -> builtins.list[str]:
    """The statements of ``script`` (``executescript`` would COMMIT the open transaction)."""
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
