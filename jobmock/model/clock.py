"""The mock clock: a pure value (:class:`ClockState`) plus functions of it and the wall time.

The state lives in the store so that every worker sharing it sees the same mock time; this
module holds no mutable globals and never reads the wall clock itself (callers pass ``wall``).
While time flows, ``mock = anchor_mock + (wall - anchor_wall) * speed``.  Every change
re-anchors at the current instant, so mock time is continuous and never runs backwards (a wall
clock that steps back is treated as standing still).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


class ClockError(ValueError):
    """An invalid clock setting: unknown mode, speed <= 0, negative or non-finite advance."""


class ClockAtEnd(ClockError):
    """A valid advance that the clock, where it stands, cannot make: it would pass `LAST_MOMENT`."""


FIRST_MOMENT = -62_135_596_800.0  # 0001-01-01T00:00:00Z: the first moment RFC 3339 can write
LAST_MOMENT = 253_402_300_799.0  # 9999-12-31T23:59:59Z: timestamps are written as RFC 3339


@dataclass(frozen=True, slots=True)
class ClockMode:
    name: str
    flows: bool  # mock time follows the wall clock (times speed)
    natural: bool  # phases end by time (False: only transitions, e.g. one per poll, move jobs)
    description: str


CLOCK_MODES: dict[str, ClockMode] = {
    mode.name: mode
    for mode in (
        ClockMode("real", True, True, "time flows (times speed); jobs move through their phases"),
        ClockMode("manual", False, True, "time stands still; it moves only when advanced"),
        ClockMode("poll", True, False, "each status poll moves a job one phase; time still flows"),
    )
}


def _mode(name: str) -> ClockMode:
    try:
        return CLOCK_MODES[name]
    except KeyError:
        known = ", ".join(CLOCK_MODES)
        raise ClockError(f"unknown clock mode {name!r} (known: {known})") from None


def _check_speed(speed: float) -> float:
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not math.isfinite(speed):
        raise ClockError(f"clock speed must be a finite number, got {speed!r}")
    if speed <= 0:
        raise ClockError(f"clock speed must be > 0, got {speed!r}")
    return float(speed)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockState:
    mode: str = "real"
    speed: float = 1.0
    anchor_wall: float
    anchor_mock: float

    def __post_init__(self) -> None:
        _mode(self.mode)
        object.__setattr__(self, "speed", _check_speed(self.speed))
        for name in ("anchor_wall", "anchor_mock"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ClockError(f"clock {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ClockError(f"clock {name} must be finite")
        if not FIRST_MOMENT <= self.anchor_mock <= LAST_MOMENT:  # a stored clock from elsewhere
            raise ClockError(f"clock time {self.anchor_mock:g} is outside years 1-9999")

    @property
    def natural(self) -> bool:
        """Whether jobs move through their phases by time in this mode."""
        return CLOCK_MODES[self.mode].natural


def start(
    mode: str = "real", speed: float = 1.0, wall: float = 0.0, *, mock: float | None = None
) -> ClockState:
    """A new clock; mock time starts at ``mock`` (default: the wall time ``wall``)."""
    return ClockState(
        mode=mode, speed=speed, anchor_wall=wall, anchor_mock=wall if mock is None else mock
    )


def now(state: ClockState, wall: float) -> float:
    """Mock time at wall time ``wall``; a fast clock stops at `LAST_MOMENT`, the last it can write."""
    if not CLOCK_MODES[state.mode].flows or wall <= state.anchor_wall:
        return state.anchor_mock
    return min(state.anchor_mock + (wall - state.anchor_wall) * state.speed, LAST_MOMENT)


def _reanchor(
    state: ClockState, wall: float, *, mode: str, speed: float, add: float = 0.0
) -> ClockState:
    mock = now(state, wall) + add
    return replace(
        state, mode=mode, speed=speed, anchor_wall=max(wall, state.anchor_wall), anchor_mock=mock
    )


def advance(state: ClockState, seconds: float, wall: float) -> ClockState:
    """Move mock time forward by ``seconds`` (>= 0) at wall time ``wall``; works in every mode."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ClockError(f"advance needs a number of seconds, got {seconds!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ClockError(f"can only advance by a finite number of seconds >= 0, got {seconds!r}")
    if now(state, wall) + seconds > LAST_MOMENT:
        raise ClockAtEnd(f"advancing {seconds:g} s would take the clock past 9999-12-31")
    return _reanchor(state, wall, mode=state.mode, speed=state.speed, add=float(seconds))


def with_speed(state: ClockState, speed: float, wall: float) -> ClockState:
    """The same clock running at ``speed`` from wall time ``wall`` on."""
    return _reanchor(state, wall, mode=state.mode, speed=_check_speed(speed))


def with_mode(state: ClockState, mode: str, wall: float) -> ClockState:
    """The same clock in ``mode`` from wall time ``wall`` on."""
    return _reanchor(state, wall, mode=_mode(mode).name, speed=state.speed)
