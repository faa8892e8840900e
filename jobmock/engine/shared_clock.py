"""The clock every worker shares: a `jobmock.model.clock.ClockState` kept in the store, read on
every call (another worker may have changed it), repaired when what is stored cannot be used, and
changed atomically. The control API's `/_mock/clock` and every job's "now" come from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from jobmock.errors import BadRequest, Conflict
from jobmock.limits import Limits
from jobmock.model import clock as clocks
from jobmock.store import Store

logger = logging.getLogger("jobmock")


def _above(value: object, bound: float) -> bool:
    """A number past `bound` (anything else is the model's to refuse, with its own words)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > bound


@dataclass
class SharedClock:
    """The store's clock, started in `mode` at `speed` by the first worker to read it."""

    store: Store
    mode: str
    speed: float
    wall: Callable[[], float]
    limits: Limits

    async def read(self) -> clocks.ClockState:
        """The clock in the store, read on every call: other workers may have changed it."""
        try:
            state = await self.store.get_clock()
        except clocks.ClockError as exc:  # unreadable (an older or broken writer): start again
            return await self._repair(f"unreadable ({exc})", None)
        if state is None:  # the first worker to get here starts it; the others use that one
            state = await self.store.update_clock(
                lambda current: current or clocks.start(self.mode, self.speed, self.wall())
            )
        if state.speed > self.limits.clock_max_speed:  # stored before the limit was enforced
            return await self._repair(f"speed {state.speed:g} is too fast", state)
        return state

    async def _repair(self, problem: str, state: clocks.ClockState | None) -> clocks.ClockState:
        """A usable clock in place of a stored one that is not, said in one line (never a 500)."""
        wall = self.wall()
        if state is None:
            repaired = clocks.start(self.mode, self.speed, wall)
        else:  # mock time goes on from where it stands, at the configured speed
            speed = min(self.speed, self.limits.clock_max_speed)
            repaired = clocks.with_speed(state, speed, wall)
        await self.store.set_clock(repaired)
        logger.warning(
            "jobmock: the stored clock was unusable: %s; now %s at speed %g",
            problem,
            repaired.mode,
            repaired.speed,
        )
        return repaired

    async def now(self) -> float:
        return clocks.now(await self.read(), self.wall())

    async def natural(self) -> bool:
        """Whether phases end by time (False: only moves, one per poll, move jobs)."""
        return clocks.CLOCK_MODES[(await self.read()).mode].natural

    async def restart(self) -> None:
        """The configured clock from now on, whatever was stored (`POST /_mock/reset`)."""
        await self.store.set_clock(clocks.start(self.mode, self.speed, self.wall()))

    async def change(
        self, *, advance: float | None = None, speed: float | None = None, mode: str | None = None
    ) -> clocks.ClockState:
        if speed is not None and _above(speed, self.limits.clock_max_speed):
            raise BadRequest(
                f"clock speed must be at most {self.limits.clock_max_speed:g}, got {speed!r}",
                slug="invalid_clock",
            )
        if advance is not None and _above(advance, self.limits.clock_max_advance_s):
            raise BadRequest(
                f"one advance is at most {self.limits.clock_max_advance_s:g} s, got {advance!r}",
                slug="invalid_clock",
            )
        await self.read()  # a stored clock that cannot be read is repaired first, not a 400

        def change(state: clocks.ClockState | None) -> clocks.ClockState:
            wall = self.wall()
            state = state or clocks.start(self.mode, self.speed, wall)
            if advance is not None:
                state = clocks.advance(state, advance, wall)
            if speed is not None:
                state = clocks.with_speed(state, speed, wall)
            if mode is not None:
                state = clocks.with_mode(state, mode, wall)
            return state

        try:  # atomic in the store: concurrent changes from other workers are not lost
            return await self.store.update_clock(change)
        except clocks.ClockAtEnd as exc:  # a valid request the clock's current time refuses
            raise Conflict(str(exc), slug="clock_at_end") from None
        except clocks.ClockError as exc:
            raise BadRequest(str(exc), slug="invalid_clock") from None
