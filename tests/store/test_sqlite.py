"""SQLiteStore: the Store contract, sharing between connections and processes, URLs, the file."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.model.lifecycle import Transition
from jobmock.store import StoreError, open_store
from jobmock.store.sqlite import SCHEMA_VERSION, SQLiteStore, path_of, state_store_url
from jobmock.store.walindex import WalIndexWatch
from tests.store.contract import SharedStoreContract
from tests.store.test_base import job


class TestSQLiteStore(SharedStoreContract):
    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path) -> None:
        self.url = f"sqlite://{tmp_path}/state.db"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///var/lib/jobmock/state.db", "/var/lib/jobmock/state.db"),
        ("sqlite://state.db", "state.db"),
        ("sqlite://.jobmock/state.db", ".jobmock/state.db"),
        ("SQLITE://x/y.db", "x/y.db"),
    ],
)
def test_url_names_an_absolute_or_relative_file(url: str, path: str) -> None:
    assert path_of(url) == Path(path)


def test_url_expands_the_home_folder() -> None:
    assert path_of("sqlite://~/state.db") == Path.home() / "state.db"


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///", "sqlite://dir/", "sqlite://a.db?mode=ro"]
)
def test_url_errors(url: str) -> None:
    with pytest.raises(StoreError, match="sqlite"):
        path_of(url)


def test_open_store_makes_folders_and_a_wal_file(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path}/deep/er/state.db")
    assert isinstance(store, SQLiteStore)
    asyncio.run(store.close())
    with sqlite3.connect(tmp_path / "deep/er/state.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_relative_url_is_under_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    asyncio.run(open_store("sqlite://rel/state.db").close())
    assert (tmp_path / "rel/state.db").is_file()


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


def test_unusable_files_are_store_errors(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        open_store(f"sqlite://{tmp_path}/dir.db")
    (tmp_path / "text.db").write_text("not a database, clearly not a database at all\n" * 50)
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        open_store(f"sqlite://{tmp_path}/text.db")


def test_a_file_of_another_format_version_is_refused(tmp_path: Path) -> None:
    asyncio.run(open_store(f"sqlite://{tmp_path}/state.db").close())
    with sqlite3.connect(tmp_path / "state.db") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="format 99"):
        open_store(f"sqlite://{tmp_path}/state.db")


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path}/state.db")
    asyncio.run(store.close())
    with pytest.raises(StoreError, match="closed"):
        asyncio.run(store.get("matcher", "a"))


def test_state_store_url_makes_an_ignored_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert state_store_url(tmp_path / "abs") == f"sqlite://{tmp_path}/abs/state.db"
    monkeypatch.chdir(tmp_path)
    assert state_store_url(Path(".jobmock")) == "sqlite://.jobmock/state.db"
    assert (tmp_path / ".jobmock/.gitignore").read_text().splitlines()[-1] == "*"
    (tmp_path / ".jobmock/.gitignore").write_text("mine\n")
    state_store_url(Path(".jobmock"))
    assert (tmp_path / ".jobmock/.gitignore").read_text() == "mine\n"  # never overwritten


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
                assert (store._wal_index is not None) or not wal_index
                if not wal_index:
                    store._wal_index = None  # the PRAGMA data_version path
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


@pytest.mark.parametrize("pause", ["checkpoint", "none"])
def test_checkpoints_keep_the_wal_bounded_and_run_off_the_serving_connection(
    tmp_path: Path, pause: str
) -> None:
    """The serving connection never checkpoints inside a commit (autocheckpoint off); the store's
    checkpointer does in a worker thread, and the WAL starts over again and again while it is
    written 40 times past the bound: within twice the bound when the checkpoint is done between
    writes (a journal write a second), and still starting over under writes so constant that
    the writer's inline fallback has to checkpoint."""
    limit = 256 * 1024
    entry = "x" * 1000

    async def main() -> tuple[int, list[int]]:
        store = SQLiteStore(tmp_path / "state.db")
        store._checkpoints.limit = limit  # a small bound, so the test writes little
        (autocheckpoint,) = store._connection().execute("PRAGMA wal_autocheckpoint").fetchone()
        used = []
        for _ in range(40 * limit // (100 * len(entry))):
            await store.journal_add([("matcher", entry)] * 100, 100)
            used.append(store._checkpoints.wal_bytes())
            running = store._checkpoints._running
            if pause == "checkpoint" and running is not None:
                await running
            await asyncio.sleep(0)  # the event loop turns between two requests
        await store.close()
        return autocheckpoint, used

    autocheckpoint, used = asyncio.run(main())
    assert autocheckpoint == 0
    starts_over = sum(1 for before, after in itertools.pairwise(used) if after < before)
    assert starts_over >= 5, used
    if pause == "checkpoint":  # with constant writes, how far it goes depends on the machine
        assert max(used) < 2 * limit, used
