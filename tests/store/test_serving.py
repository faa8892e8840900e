"""Serving over a shared store, in-process: the worker factory, preparing the store, CLI options,
and the control API end to end on SQLite and on Redis."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from jobmock.cli import main
from jobmock.config import CONFIG_ENV, Config
from jobmock.engine import resources
from jobmock.serving.app import create_app, create_app_from_env, load_runtimes
from jobmock.serving.workers import prepare, shared
from jobmock.store import MemoryStore, open_store
from jobmock.store.sqlite import SQLiteStore

MATCHER = Config(apis=("matcher",), clock="manual")


def test_config_goes_to_workers_as_json() -> None:
    config = Config(
        host="0.0.0.0", apis=("matcher", "gu1"), specs_dir=Path("/x/specs"), speed=2.5,
        store="sqlite:///x/state.db", workers=4, control_token="s3cret", validate_responses=True,
    )  # fmt: skip
    assert Config.from_json(config.to_json()) == config
    assert Config.from_json(Config().to_json()) == Config()


def test_create_app_from_env_builds_the_config_serve_put_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONFIG_ENV, MATCHER.replace(store=f"sqlite://{tmp_path}/s.db").to_json())
    app = create_app_from_env()
    assert list(app.mock.apis) == ["matcher"] and app.mock.clock_mode == "manual"
    assert isinstance(app.mock.store, SQLiteStore) and app.mock.store.path == tmp_path / "s.db"
    asyncio.run(app.mock.store.close())
    monkeypatch.delenv(CONFIG_ENV)
    assert isinstance(create_app_from_env().mock.store, MemoryStore)  # tests' default


@pytest.mark.parametrize(
    ("url", "expected"),
    [("memory://", False), ("MEMORY://", False), ("sqlite://s.db", True), ("redis://h/0", True)],
)
def test_which_stores_workers_can_share(url: str, expected: bool) -> None:
    assert shared(url) is expected


def test_prepare_seeds_once_continues_switches_the_clock_and_resets(tmp_path: Path) -> None:
    config = MATCHER.replace(store=f"sqlite://{tmp_path}/s.db")
    runtimes = load_runtimes(config)

    async def read() -> tuple[int, str, float]:
        store = open_store(config.store)
        try:
            clock = await store.get_clock()
            assert clock is not None
            return len(await store.list("matcher")), clock.mode, clock.anchor_mock
        finally:
            await store.close()

    first = prepare(config, runtimes)
    assert not first.continued and first.seeded > 0
    seeds, mode, mock_time = asyncio.run(read())
    assert (seeds, mode) == (first.seeded, "manual")

    again = prepare(config, runtimes)
    assert again.continued and again.seeded == 0 and again.clock == "manual at speed 1"
    assert asyncio.run(read()) == (seeds, "manual", mock_time)  # nothing seeded twice

    switched = prepare(config.replace(clock="poll"), runtimes, clock="poll", speed=3.0)
    assert switched.continued
    count, mode, switched_time = asyncio.run(read())
    assert (count, mode) == (seeds, "poll") and switched_time == mock_time  # time continuous

    reset = prepare(config, runtimes, reset=True)
    assert not reset.continued and reset.seeded == seeds
    assert asyncio.run(read())[:2] == (seeds, "manual")


STORED_CLOCKS = {
    # what the clock route accepted before it was bounded: every read was then a 500, across restarts
    "too fast": '{"mode":"real","speed":1.7976931348623157e+308,"anchor_wall":1.7e9,"anchor_mock":1.7e9}',
    "past 9999": '{"mode":"manual","speed":1.0,"anchor_wall":1.7e9,"anchor_mock":6.8e307}',
    "not JSON": "{mode: real",
    "not a clock": '{"mode":"real"}',
}


@pytest.mark.parametrize("stored", list(STORED_CLOCKS.values()), ids=list(STORED_CLOCKS))
def test_an_unusable_stored_clock_is_repaired_at_start_in_one_line(
    tmp_path: Path, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = MATCHER.replace(store=f"sqlite://{tmp_path}/s.db")
    runtimes = load_runtimes(config)
    prepare(config, runtimes)
    with sqlite3.connect(tmp_path / "s.db") as db:
        db.execute("UPDATE settings SET value = ? WHERE name = 'clock'", (stored,))
    with caplog.at_level(logging.WARNING, logger="jobmock"):
        again = prepare(config, runtimes)
    assert again.clock.endswith("at speed 1"), again.clock
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "the stored clock was unusable" in warnings[0], warnings
    with TestClient(create_app(config)) as client:
        assert client.get("/_mock/clock").status_code == 200
        assert client.post("/_mock/clock", json={"speed": 2}).json()["speed"] == 2


def test_a_clock_broken_while_serving_is_repaired_not_a_500(tmp_path: Path) -> None:
    config = MATCHER.replace(store=f"sqlite://{tmp_path}/s.db")
    with TestClient(create_app(config)) as client:
        assert client.get("/_mock/clock").status_code == 200
        with sqlite3.connect(tmp_path / "s.db") as db:
            db.execute("UPDATE settings SET value = '[]' WHERE name = 'clock'")
        changed = client.post("/_mock/clock", json={"advance_seconds": 5})
        assert changed.status_code == 200, changed.text
        assert client.get("/_mock/clock").json()["mode"] == "manual"


def test_serve_refuses_several_workers_on_memory() -> None:
    result = CliRunner().invoke(main, ["serve", "--workers", "3", "--store", "memory://"])
    assert result.exit_code == 2
    assert "--workers 3 needs a store the workers share" in result.output


def test_serve_reports_a_bad_store_in_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    for args, message in [
        (["--store", "nope://x"], "unknown store URL 'nope://x'"),
        (["--store", f"sqlite://{tmp_path}"], "cannot open the SQLite store"),
        (["--store", "redis://h/0?prefix=no*"], "prefix must be"),
    ]:
        result = runner.invoke(main, ["serve", "--api", "matcher", *args, "--get", "/_mock/clock"])
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output


def test_serve_keeps_its_state_in_the_state_dir(tmp_path: Path) -> None:
    args = [
        "serve",
        "--api",
        "matcher",
        "--state-dir",
        str(tmp_path / "st"),
        "--get",
        "/_mock/clock",
    ]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert (tmp_path / "st/state.db").is_file() and (tmp_path / "st/.gitignore").is_file()


@pytest.fixture(params=["sqlite", "redis"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/state.db"
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
def two_apps(shared_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps over one store, as two workers are (in-process)."""
    config = MATCHER.replace(store=shared_url)
    with TestClient(create_app(config)) as a, TestClient(create_app(config)) as b:
        a.post("/_mock/reset")
        yield a, b


def test_two_apps_on_one_store_are_one_mock(two_apps: tuple[TestClient, TestClient]) -> None:
    a, b = two_apps
    job = a.post("/_mock/apis/matcher/jobs", json={"scenario": "fails"}).json()
    assert b.get(f"/_mock/apis/matcher/jobs/{job['id']}").json() == job
    moved = b.post(f"/_mock/apis/matcher/jobs/{job['id']}/transitions", json={"to": "next"})
    assert moved.status_code == 200 and moved.json()["status"] == "PROCESSING"
    assert a.post("/_mock/clock", json={"advance_seconds": 60}).status_code == 200
    assert a.get("/_mock/clock").json() == b.get("/_mock/clock").json()
    for client in (a, b):
        polled = client.get(job["status_path"], headers=job["headers"]).json()
        assert polled["status"] == "FAILED"
    refused = a.post(f"/_mock/apis/matcher/jobs/{job['id']}/transitions", json={"to": "next"})
    assert refused.status_code == 409
    assert b.delete(f"/_mock/apis/matcher/jobs/{job['id']}").status_code == 204
    assert a.get(f"/_mock/apis/matcher/jobs/{job['id']}").status_code == 404
    assert [j["id"] for j in a.get("/_mock/apis/matcher/jobs").json()] == [
        j["id"] for j in b.get("/_mock/apis/matcher/jobs").json()
    ]


def test_changed_seed_jobs_are_put_again_beside_the_stored_jobs(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    source = (resources.fixtures_dir() / "matcher.yaml").read_text()
    (fixtures / "matcher.yaml").write_text(source)
    config = MATCHER.replace(store=f"sqlite://{tmp_path}/s.db", fixtures_dir=fixtures)
    first = prepare(config, load_runtimes(config))
    with TestClient(create_app(config)) as client:
        created = client.post("/_mock/apis/matcher/jobs", json={}).json()["id"]
    assert prepare(config, load_runtimes(config)).seeded == 0
    assert "age: 10\n" in source
    (fixtures / "matcher.yaml").write_text(source.replace("age: 10\n", "age: 11\n", 1))
    again = prepare(config, load_runtimes(config))
    assert again.continued and again.seeded == first.seeded
    with TestClient(create_app(config)) as client:
        listed = [job["id"] for job in client.get("/_mock/apis/matcher/jobs").json()]
    assert created in listed and len(listed) == first.seeded + 1


def test_jobs_the_fixtures_can_no_longer_render_are_dropped(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    source = (resources.fixtures_dir() / "matcher.yaml").read_text()
    (fixtures / "matcher.yaml").write_text(source)
    config = MATCHER.replace(store=f"sqlite://{tmp_path}/s.db", fixtures_dir=fixtures)
    prepare(config, load_runtimes(config))
    with TestClient(create_app(config)) as client:
        for scenario in ("stays-queued", "fails"):
            assert client.post("/_mock/apis/matcher/jobs", json={"scenario": scenario}).is_success
    assert "name: stays-queued\n" in source
    (fixtures / "matcher.yaml").write_text(source.replace("stays-queued", "waits"))
    again = prepare(config, load_runtimes(config))
    assert again.dropped == 1  # the job made with it (its seed job was put again, as "waits")
    with TestClient(create_app(config)) as client:
        jobs = client.get("/_mock/apis/matcher/jobs").json()
    assert "stays-queued" not in {job["scenario"] for job in jobs} and len(jobs) > 0
