"""SQLiteStore: the Store contract, sharing between connections and processes, state kept across
reopening (the file itself: test_sqlite_file; its sharing: test_sqlite_sharing)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from jobmock.model.lifecycle import Transition
from jobmock.store import StoreError, open_store
from tests.store.contract import SharedStoreContract
from tests.store.test_base import job


class TestSQLiteStore(SharedStoreContract):
    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path) -> None:
        self.url = f"sqlite://{tmp_path}/state.db"


def test_state_is_kept_across_reopening(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/state.db"
    a = job("a").with_transition(Transition(1_001.25, "PROCESSING"))

    async def write() -> None:
        store = open_store(url)
        await store.put(a)
        await store.next_sequence("matcher")
        await store.close()

    async def read() -> None:
        store = open_store(url)
        assert await store.get("matcher", "a") == a
        assert await store.next_sequence("matcher") == 2
        await store.close()

    asyncio.run(write())
    asyncio.run(read())


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path}/state.db")
    asyncio.run(store.close())
    with pytest.raises(StoreError, match="closed"):
        asyncio.run(store.get("matcher", "a"))
