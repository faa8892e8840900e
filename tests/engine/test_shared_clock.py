"""The clock every worker shares (jobmock.engine.shared_clock), on one in-memory store.

Expected values are the clock's documented rules (jobmock.model.clock; README "Clocks", "State"):
a manual clock stands still until advanced and then moves by exactly the advance; every worker
reads the store's clock, so one worker's change is the others' too; a stored speed past
`Limits.clock_max_speed` is repaired to the configured speed, time going on from where it stood.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmock.engine.shared_clock import SharedClock
from jobmock.errors import BadRequest
from jobmock.limits import Limits
from jobmock.model import clock as clocks
from jobmock.store import MemoryStore

WALL = 1_700_000_000.0  # the wall clock stands still in these tests: only advances move time


def worker(store: MemoryStore, mode: str = "manual", speed: float = 1.0) -> SharedClock:
    return SharedClock(store, mode, speed, lambda: WALL, Limits())


@given(st.lists(st.floats(0, 86_400), min_size=1, max_size=5))
def test_one_workers_advances_are_every_workers_time(advances: list[float]) -> None:
    async def run() -> None:
        store = MemoryStore()
        first, second = worker(store), worker(store)
        assert await first.now() == WALL  # a new clock starts at the wall time
        expected = WALL
        for seconds in advances:
            await first.change(advance=seconds)
            expected += seconds
            assert await second.now() == pytest.approx(expected, abs=1e-6)
            assert await first.now() == await second.now()

    asyncio.run(run())


def test_the_first_worker_to_read_starts_the_clock_the_others_keep_it() -> None:
    async def run() -> None:
        store = MemoryStore()
        started = await worker(store, "manual", 2.0).read()
        assert (started.mode, started.speed) == ("manual", 2.0)
        later = await worker(store, "real", 5.0).read()  # configured otherwise: the stored one wins
        assert (later.mode, later.speed) == ("manual", 2.0)
        assert await worker(store).natural()  # a manual clock still ends phases by time

    asyncio.run(run())


def test_a_stored_speed_past_the_limit_is_repaired_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def run() -> None:
        store = MemoryStore()
        limit = Limits().clock_max_speed
        stored = clocks.start("manual", limit * 10, WALL, mock=WALL + 3600)
        await store.set_clock(stored)
        with caplog.at_level(logging.WARNING, logger="jobmock"):
            repaired = await worker(store, speed=3.0).read()
        assert (repaired.mode, repaired.speed) == ("manual", 3.0)
        assert clocks.now(repaired, WALL) == WALL + 3600  # time goes on from where it stood
        assert await store.get_clock() == repaired
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "the stored clock was unusable" in warnings[0], warnings

    asyncio.run(run())


@pytest.mark.parametrize(
    ("speed", "advance"),
    [(Limits().clock_max_speed * 2, None), (None, Limits().clock_max_advance_s * 2)],
    ids=["speed", "advance"],
)
def test_a_change_past_the_limits_is_a_400_and_changes_nothing(
    speed: float | None, advance: float | None
) -> None:
    async def run() -> None:
        store = MemoryStore()
        clock = worker(store)
        before = await clock.read()
        with pytest.raises(BadRequest) as refused:
            await clock.change(speed=speed, advance=advance)
        assert refused.value.slug == "invalid_clock"
        assert await clock.read() == before

    asyncio.run(run())


def test_restart_is_the_configured_clock_from_now_on() -> None:
    async def run() -> None:
        store = MemoryStore()
        clock = worker(store, "manual", 4.0)
        await clock.change(advance=600, speed=2.0, mode="poll")
        await clock.restart()
        state = await clock.read()
        assert (state.mode, state.speed, await clock.now()) == ("manual", 4.0, WALL)

    asyncio.run(run())
