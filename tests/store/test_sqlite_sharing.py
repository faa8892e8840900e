"""One worker's connection to the shared SQLite file: a write waits for another writer's lock and
gives up as an outage (503, one log line), and its own writes are never served stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from jobmock.store import StoreError, StoreUnavailable
from jobmock.store.sqlite_file import open_file
from jobmock.store.sqlite_sharing import SharedFile
from tests.store.conftest import locked


def shared(path: Path) -> SharedFile:
    return SharedFile(open_file(path), "test store", busy_timeout_s=0.05)


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
    file.close()


def test_reads_answer_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    file = shared(path)
    with locked(path):  # WAL: readers never wait for the writer
        assert file.read("SELECT count(*) FROM jobs").fetchone() == (0,)
    file.close()


def test_a_write_empties_what_this_connection_read(tmp_path: Path) -> None:
    file = shared(tmp_path / "state.db")

    async def main() -> None:
        file.cached_reads()[("clock",)] = None
        async with file.write():
            pass
        assert file.cached_reads() == {}  # data_version does not count one's own commits

    asyncio.run(main())
    file.close()


def test_a_closed_file_says_so(tmp_path: Path) -> None:
    file = shared(tmp_path / "state.db")
    file.close()
    with pytest.raises(StoreError, match="test store is closed"):
        file.read("SELECT 1")
