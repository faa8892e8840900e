"""The SQLite store's background writer: the journal's writes leave the event loop's thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from jobmock.store import StoreError
from jobmock.store.sqlite import SQLiteStore
from tests.store.conftest import locked


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("jobmock-store-writer")]


def test_the_journal_is_written_on_another_thread_and_read_back_on_the_loop(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        store = SQLiteStore(tmp_path / "state.db")
        loop_thread = threading.get_ident()
        assert await store.background.write(lambda db: threading.get_ident()) != loop_thread
        statements: list[tuple[int, str]] = []
        connection = await store.background.write(lambda db: db)
        connection.set_trace_callback(lambda sql: statements.append((threading.get_ident(), sql)))
        await store.journal_add([("matcher", "one"), ("other", "two")], 10)
        inserts = [ident for ident, sql in statements if sql.startswith("INSERT INTO journal")]
        assert inserts and loop_thread not in inserts
        # the loop's own connection sees the other connection's commit (its read cache too)
        assert await store.journal("matcher") == ["one"]
        await store.journal_add([("matcher", "three")], 10)
        assert await store.journal("matcher") == ["one", "three"]
        await store.close()

    asyncio.run(main())
    assert writer_threads() == []


def test_a_locked_file_fails_the_journal_write_after_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "state.db"

    async def main() -> None:
        store = SQLiteStore(path, busy_timeout_s=0.05)
        with locked(path), pytest.raises(StoreError, match="locked by another writer"):
            await store.journal_add([("matcher", "lost")], 10)
        await store.journal_add([("matcher", "kept")], 10)  # the lock is gone: it goes through
        assert await store.journal() == ["kept"]
        await store.close()

    asyncio.run(main())


def test_a_failed_write_is_rolled_back_and_the_writer_goes_on(tmp_path: Path) -> None:
    async def main() -> None:
        store = SQLiteStore(tmp_path / "state.db")

        def half_then_fail(db: sqlite3.Connection) -> None:
            db.execute("INSERT INTO journal (api, record) VALUES ('matcher', 'half')")
            raise ValueError("the work failed")

        with pytest.raises(ValueError, match="the work failed"):
            await store.background.write(half_then_fail)
        await store.journal_add([("matcher", "whole")], 10)
        assert await store.journal() == ["whole"]
        await store.close()

    asyncio.run(main())


def test_closing_a_store_that_never_wrote_in_the_background_starts_no_thread(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        store = SQLiteStore(tmp_path / "state.db")
        await store.close()

    asyncio.run(main())
    assert writer_threads() == []
