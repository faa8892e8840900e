"""The SQLite file of jobmock's state: which file a URL names, its tables and format version, and
opening it (folders made, WAL mode, the tables created once by whichever worker opens it first).

URLs: ``sqlite:///abs/path/state.db`` (absolute), ``sqlite://relative/state.db`` (relative to the
current directory); ``~`` is expanded and missing folders are created.

Durability.  ``synchronous=NORMAL`` in WAL mode: a committed write survives the process being
killed (``kill -9``); only a crash of the machine itself may lose the last few.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jobmock.store.base import StoreError

SCHEMA_VERSION = 1
OPEN_TIMEOUT_MS = 10_000  # opening waits for another worker creating the schema at the same time

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


def open_file(path: Path) -> sqlite3.Connection:
    """A connection to the state file at ``path`` (made, with its folders, if missing), in WAL
    mode with the current tables; StoreError naming the file when it cannot be used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(
            path,
            timeout=OPEN_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit; transactions are explicit
            check_same_thread=False,  # built in one thread, used on the event loop's
        )
        _setup(db)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the SQLite store {str(path)!r}: {exc}") from None
    except OSError as exc:  # its folder cannot be made
        reason = f"{exc.filename} is a file" if isinstance(exc, FileExistsError) else exc
        raise StoreError(f"cannot open the SQLite store {str(path)!r}: {reason}") from None
    return db


def _setup(db: sqlite3.Connection) -> None:
    db.execute(f"PRAGMA busy_timeout = {OPEN_TIMEOUT_MS}")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"cannot switch to WAL mode (journal mode is {mode})")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise StoreError(
                f"the file has jobmock state format {version}; this jobmock reads format"
                f" {SCHEMA_VERSION} (start with another --state-dir, or delete the file)"
            )
        for statement in statements(SCHEMA):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def statements(script: str) -> list[str]:
    """The statements of ``script`` (``executescript`` would COMMIT the open transaction)."""
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
