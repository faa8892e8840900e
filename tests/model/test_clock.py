"""The mock clock: continuity across changes, frozen manual time, advancing, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmock.model import clock
from jobmock.model.clock import CLOCK_MODES, LAST_MOMENT, ClockAtEnd, ClockError, ClockState

modes = st.sampled_from(sorted(CLOCK_MODES))
speeds = st.floats(0.01, 1000)
walls = st.floats(1_500_000_000, 2_000_000_000)
# one change of the clock: (kind, argument, seconds of wall time since the previous change)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.floats(0, 1e6), st.floats(0, 1e4)),
        st.tuples(st.just("speed"), speeds, st.floats(0, 1e4)),
        st.tuples(st.just("mode"), modes, st.floats(0, 1e4)),
    ),
    max_size=8,
)


@given(modes, speeds, walls, changes)
def test_mock_time_is_continuous_and_never_runs_back(
    mode: str, speed: float, wall: float, steps: list[tuple[str, Any, float]]
) -> None:
    state = clock.start(mode, speed, wall)
    seen = clock.now(state, wall)
    for kind, arg, elapsed in steps:
        wall += elapsed
        before = clock.now(state, wall)
        assert before >= seen  # between changes: time flows forward or stands still
        if kind == "advance":
            state = clock.advance(state, arg, wall)
            assert clock.now(state, wall) == before + arg
        elif kind == "speed":
            state = clock.with_speed(state, arg, wall)
            assert (clock.now(state, wall), state.speed) == (before, arg)
        else:
            state = clock.with_mode(state, arg, wall)
            assert (clock.now(state, wall), state.mode) == (before, arg)
        seen = clock.now(state, wall)
    later = clock.now(state, wall + 10)
    if CLOCK_MODES[state.mode].flows:  # wall + 10 - wall is 10 only up to the float resolution
        assert later == pytest.approx(seen + 10 * state.speed, abs=1e-6 * (1 + state.speed))
    else:
        assert later == seen


@given(walls, st.floats(-1e4, 0), speeds)
def test_a_wall_clock_stepping_back_stands_still(wall: float, back: float, speed: float) -> None:
    state = clock.start("real", speed, wall, mock=100.0)
    assert clock.now(state, wall + back) == 100.0
    moved = clock.advance(state, 5, wall + back)  # a worker whose wall clock lags
    assert clock.now(moved, wall) == 105.0 and moved.anchor_wall == wall


def test_real_time_flows_at_speed() -> None:
    state = clock.start("real", 2.0, 1_000.0)
    assert state == ClockState(mode="real", speed=2.0, anchor_wall=1_000.0, anchor_mock=1_000.0)
    assert clock.now(state, 1_000.0) == 1_000.0
    assert clock.now(state, 1_010.0) == 1_020.0  # 10 wall seconds at twice the speed
    state = clock.with_speed(state, 0.5, 1_010.0)
    assert clock.now(state, 1_030.0) == 1_030.0  # 1020 + 20 * 0.5


def test_manual_time_is_frozen_until_advanced() -> None:
    state = clock.start("manual", 3.0, 1_000.0, mock=50.0)
    assert clock.now(state, 1_000.0) == clock.now(state, 9_999.0) == 50.0
    state = clock.advance(state, 30, 2_000.0)
    assert clock.now(state, 5_000.0) == 80.0
    state = clock.with_mode(state, "real", 5_000.0)  # flows again from 80, at speed 3
    assert clock.now(state, 5_002.0) == 86.0
    assert not CLOCK_MODES["manual"].flows and CLOCK_MODES["manual"].natural


def test_poll_mode_flows_but_is_not_natural() -> None:
    state = clock.start("poll", 1.0, 1_000.0)
    assert clock.now(state, 1_005.0) == 1_005.0
    assert not state.natural and clock.start("real", 1.0, 0.0).natural
    assert CLOCK_MODES["poll"].flows and not CLOCK_MODES["poll"].natural


def test_advance_works_in_every_mode() -> None:
    for mode in CLOCK_MODES:
        state = clock.advance(clock.start(mode, 1.0, 1_000.0), 60, 1_000.0)
        assert clock.now(state, 1_000.0) == 1_060.0
    assert clock.now(clock.advance(clock.start(), 0, 0.0), 0.0) == 0.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: clock.start("warp", 1.0, 0.0), "unknown clock mode 'warp'"),
        (lambda: clock.with_mode(clock.start(), "warp", 0.0), "known: real, manual, poll"),
        (lambda: ClockState(mode="warp", anchor_wall=0.0, anchor_mock=0.0), "unknown clock mode"),
        (lambda: clock.start("real", 0.0, 0.0), "speed must be > 0"),
        (lambda: clock.with_speed(clock.start(), -1.0, 0.0), "speed must be > 0"),
        (lambda: clock.with_speed(clock.start(), math.inf, 0.0), "finite"),
        (lambda: clock.with_speed(clock.start(), math.nan, 0.0), "finite"),
        (lambda: clock.advance(clock.start(), -1.0, 0.0), ">= 0"),
        (lambda: clock.advance(clock.start(), math.nan, 0.0), ">= 0"),
        (lambda: clock.advance(clock.start(), "5", 0.0), "number"),  # type: ignore[arg-type]
        (lambda: clock.start("real", 1.0, math.inf), "finite"),
        # a stored clock another writer left past the calendar RFC 3339 can write
        (lambda: clock.start("real", 1.0, 0.0, mock=LAST_MOMENT + 1), "outside years 1-9999"),
        (lambda: ClockState(anchor_wall=0.0, anchor_mock=-1e20), "outside years 1-9999"),
        (lambda: ClockState(anchor_wall="0", anchor_mock=0.0), "number"),  # type: ignore[arg-type]
    ],
)
def test_errors(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ClockError, match=message):
        make()
    assert issubclass(ClockError, ValueError)


def test_states_are_values() -> None:
    a = clock.start("manual", 1.0, 10.0)
    assert a == clock.start("manual", 1.0, 10.0) and hash(a) == hash(
        clock.start("manual", 1.0, 10.0)
    )
    with pytest.raises(AttributeError):
        a.speed = 2.0  # type: ignore[misc]


def test_a_fast_clock_stops_at_the_last_moment_it_can_write() -> None:
    """speed 1e6 passes 9999-12-31 within three days of wall time: mock time then stands still
    there, so every timestamp stays writable (OverflowError was a 500 on every route)."""
    state = clock.start("real", 1_000_000.0, 1_700_000_000.0)
    three_days = 3 * 86_400.0
    assert clock.now(state, 1_700_000_000.0 + three_days) == LAST_MOMENT
    assert clock.now(clock.start("real", 1.7976931348623157e308, 0.0), 1.0) == LAST_MOMENT


def test_an_advance_past_the_last_moment_is_the_clock_at_its_end() -> None:
    near_end = clock.start("manual", 1.0, 0.0, mock=LAST_MOMENT - 10)
    assert clock.now(clock.advance(near_end, 10, 0.0), 0.0) == LAST_MOMENT
    with pytest.raises(ClockAtEnd, match="past 9999-12-31"):
        clock.advance(near_end, 11, 0.0)
    assert issubclass(ClockAtEnd, ClockError)
