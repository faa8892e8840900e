"""The SQLite state file: which file a URL names, the folder it is made in, its format version,
and files that cannot be used."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from jobmock.store import StoreError, open_store
from jobmock.store.sqlite import SQLiteStore
from jobmock.store.sqlite_file import SCHEMA_VERSION, path_of, state_store_url


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
