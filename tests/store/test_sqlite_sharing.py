"""One worker's connection to the shared SQLite file: a write waits for another writer's lock and
gives up as an outage (503, one log line), and its own writes are never served stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.store import StoreError, StoreUnavailable, open_store
from jobmock.store.sqlite import SQLiteStore
from jobmock.store.sqlite_file import open_file
from jobmock.store.sqlite_sharing import SharedFile
from jobmock.store.walindex import WalIndexWatch
from tests.store.conftest import locked
from tests.store.test_base import job


def shared(path: Path) -> SharedFile:
    return SharedFile(open_file(path), path, "test store", busy_timeout_s=0.05)


def test_a_write_gives_up_as_an_outage_while_another_writer_holds_the_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.db"
    file = shared(path)

    async def write() -> None:
        async with file.write() as db:
            db.execute("INSERT INTO sequences (api, value) VALUES ('a', 1)")

    with locked(path), pytest.raises(StoreUnavailable, match="locked by another writer"):
        asyncio.run(write())
    assert file.outage.down
    asyncio.run(write())  # the lock is released: the write goes through, the outage is over
    assert not file.outage.down
    assert file.read("SELECT value FROM sequences WHERE api = 'a'").fetchone() == (1,)
    asyncio.run(file.close())


def test_reads_answer_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    file = shared(path)
    with locked(path):  # WAL: readers never wait for the writer
        assert file.read("SELECT count(*) FROM jobs").fetchone() == (0,)
    asyncio.run(file.close())


def test_a_write_empties_what_this_connection_read(tmp_path: Path) -> None:
    file = shared(tmp_path / "state.db")

    async def main() -> None:
        file.cached_reads()[("clock",)] = None
        async with file.write():
            pass
        assert file.cached_reads() == {}  # data_version does not count one's own commits

    asyncio.run(main())
    asyncio.run(file.close())


def test_a_closed_file_says_so(tmp_path: Path) -> None:
    file = shared(tmp_path / "state.db")
    asyncio.run(file.close())
    with pytest.raises(StoreError, match="test store is closed"):
        file.read("SELECT 1")


# Each step: which connection writes (0 or 1), or reads from which (2, 3), the job's version.
STEPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9)), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(steps=STEPS, wal_index=st.booleans())
def test_a_read_sees_the_last_commit_of_either_connection(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, int]], wal_index: bool
) -> None:
    """Each connection caches what it read; a commit by the other one (another worker) must empty
    that cache before its next read, whether it watches the WAL index or asks SQLite."""
    url = f"sqlite://{tmp_path_factory.mktemp('shared')}/state.db"

    async def main() -> None:
        stores = [open_store(url), open_store(url)]
        try:
            for store in stores:
                assert isinstance(store, SQLiteStore)
                assert (store.file._wal_index is not None) or not wal_index
                if not wal_index:
                    store.file._wal_index = None  # the PRAGMA data_version path
            latest = None
            for who, version in steps:
                if who < 2:
                    latest = job("a", at=float(version))
                    await stores[who].put(latest)
                else:
                    assert await stores[who - 2].get("matcher", "a") == latest
                await asyncio.sleep(0)  # a step of the event loop, as between two requests
        finally:
            for store in stores:
                await store.close()

    asyncio.run(main())


def test_without_a_wal_index_file_the_store_asks_sqlite(tmp_path: Path) -> None:
    assert WalIndexWatch.open(tmp_path / "none.db") is None
    (tmp_path / "short.db-shm").write_bytes(b"\0" * 10)
    assert WalIndexWatch.open(tmp_path / "short.db") is None
