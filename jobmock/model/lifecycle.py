"""The pure lifecycle model of a mocked asynchronous job.

What a job looks like at mock time ``t`` is a pure function ``render(job, scenario, model, t)``:
no I/O, no globals, no wall clock.  Times are float epoch seconds (UTC).

* The scenario (its phases) and the status model are :mod:`jobmock.model.scenarios` (re-exported here).
* Naturally, phases follow each other by duration from ``created_at``.  A forced
  :class:`Transition` at time ``T`` to a status of a LATER phase jumps there (skipped phases are
  entered at ``T`` with their full progress) and natural time restarts at ``T``; a forced move to a
  status outside the rest of the scenario but of higher rank LEAVES the scenario: counters freeze
  and the job stays in that status until another forced move (one to a higher-ranked status that
  the scenario has rejoins it there).  Either way a forced move first enters, at ``T``, the
  non-terminal statuses every scenario of the API passes before the target
  (``StatusModel.through``): a job forced from queued to failed has started, as a vendor's would.
  A recorded transition that would not move the job forward when replayed is ignored, so
  ``render`` is total and monotone for any input.  A terminal snapshot keeps the state the job
  left (``Snapshot.before``): what its worker last showed, however it ended.
* With ``natural=False`` (the "poll" clock mode) phases never end by time: only forced transitions
  move the job and counters hold each phase's entry value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

from jobmock.model.scenarios import (
    Phase,
    Scenario,
    ScenarioError,
    StatusModel,
    UnknownStatus,
    check_scenario,
)

__all__ = [
    "NEXT",
    "Job",
    "Phase",
    "Scenario",
    "ScenarioError",
    "Snapshot",
    "StatusModel",
    "Transition",
    "TransitionRefused",
    "UnknownStatus",
    "check_scenario",
    "count",
    "render",
    "resolve_transition",
]

NEXT = "next"
"""Pseudo-status accepted by :func:`resolve_transition`: the scenario's next phase."""


class TransitionRefused(Exception):
    """A forced transition cannot be applied now (the control API answers 409)."""


@dataclass(frozen=True, slots=True)
class Transition:
    at: float
    to: str


@dataclass(frozen=True, slots=True)
class Job:
    api: str
    id: str
    tenant: str
    scenario: str
    created_at: float
    fields: Mapping[str, Any]
    transitions: tuple[Transition, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "transitions", tuple(self.transitions))

    def with_transition(self, transition: Transition) -> Job:
        return replace(self, transitions=(*self.transitions, transition))


@dataclass(frozen=True, slots=True)
class Snapshot:
    status: str
    terminal: bool
    entered: Mapping[str, float]
    path: tuple[str, ...]
    phase_started_at: float
    fraction: float
    counters: Mapping[str, float]
    ends_at: float | None
    phase: int | None
    """Index of the current scenario phase; None once a forced move left the scenario."""
    before: Snapshot | None = None
    """A terminal job as it was the moment it ended (what a worker last showed), else None."""


@dataclass(slots=True)
class _Walk:
    """Replays a job's timeline forward; the only mutable thing in this module, never shared."""

    scenario: Scenario
    model: StatusModel
    natural: bool
    start: float  # when the current phase (or off-scenario status) was entered
    status: str = ""
    idx: int | None = 0  # current scenario phase; None once off the scenario
    anchor: float = 0.0  # natural time runs from `anchor`, when phase `anchor_idx` started
    anchor_idx: int = 0
    entered: dict[str, float] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    frozen: tuple[float, ...] = ()  # counters while off the scenario
    before: Snapshot | None = None  # the state the job left when it became terminal

    def __post_init__(self) -> None:
        self.status, self.anchor = self.scenario.phases[0].status, self.start
        self.entered[self.status] = self.start
        self.path.append(self.status)

    def _end(self, idx: int) -> float:  # natural end of the (non-terminal) phase idx
        offsets = self.scenario.offsets
        return self.anchor + (offsets[idx + 1] - offsets[self.anchor_idx])

    def advance(self, t: float) -> None:
        if not self.natural:
            return
        last, phases = len(self.scenario.phases) - 1, self.scenario.phases
        while self.idx is not None and self.idx < last:
            at = self._end(self.idx)
            if at > t:
                return
            if phases[self.idx + 1].terminal:
                self.before = self.snapshot(at)
            self.idx += 1
            self.start = at
            status = phases[self.idx].status
            if status != self.status:
                self.status, self.entered[status] = status, at
                self.path.append(status)

    def target(self, to: str) -> int | None:
        """Phase a forced move to ``to`` lands in (-1: leaves the scenario; None: refused)."""
        rank, current = self.model.rank(to), self.model.rank(self.status)
        if self.idx is None and rank <= current:
            return None
        for j in range(0 if self.idx is None else self.idx + 1, len(self.scenario.phases)):
            if self.scenario.phases[j].status == to:
                return j
        return -1 if rank > current else None

    def apply(self, to: str, at: float) -> None:
        try:
            j = self.target(to)
        except UnknownStatus:
            return  # not replayable under this model: ignored like any non-forward move
        if j is None:
            return
        if self.model.is_terminal(to):
            self.before = self.snapshot(at)
        rank = self.model.rank
        for status in self.model.through.get(to, ()):  # what the skipped phases would have set
            if rank(status) > rank(self.status):
                self.status, self.entered[status] = status, at
                self.path.append(status)
        if j < 0:
            if self.idx is not None:
                self.frozen = self.counters(at)
            self.idx, self.status, self.start, self.entered[to] = None, to, at, at
            self.path.append(to)
            return
        for k in range(0 if self.idx is None else self.idx + 1, j + 1):
            status = self.scenario.phases[k].status
            if rank(status) > rank(self.status):
                self.status, self.entered[status] = status, at
                self.path.append(status)
        self.idx, self.anchor_idx, self.start, self.anchor = j, j, at, at

    def fraction(self, t: float) -> float:
        if self.idx is None:
            return 1.0 if self.model.is_terminal(self.status) else 0.0
        if self.scenario.phases[self.idx].terminal:
            return 1.0
        if not self.natural:
            return 0.0
        return min(1.0, (t - self.start) / (self._end(self.idx) - self.start))

    def counters(self, t: float) -> tuple[float, ...]:
        if self.idx is None:
            return self.frozen
        entry, end = self.scenario._entry_levels[self.idx], self.scenario._end_levels[self.idx]
        f = self.fraction(t)
        if f >= 1.0:
            return end
        if f <= 0.0:
            return entry
        return tuple(min(b, a + (b - a) * f) for a, b in zip(entry, end, strict=True))

    def snapshot(self, t: float) -> Snapshot:
        terminal = self.model.is_terminal(self.status)
        flowing = self.natural and not terminal and self.idx is not None
        return Snapshot(
            status=self.status,
            terminal=terminal,
            entered=dict(self.entered),  # a `before` snapshot keeps what was entered by then
            path=tuple(self.path),
            phase_started_at=self.start,
            fraction=self.fraction(t),
            counters=dict(zip(self.scenario.counters, self.counters(t), strict=True)),
            ends_at=self._end(self.idx) if flowing and self.idx is not None else None,
            phase=self.idx,
            before=self.before if terminal else None,
        )


def _walk(job: Job, scenario: Scenario, model: StatusModel, t: float, natural: bool) -> _Walk:
    walk = _Walk(scenario, model, natural, float(job.created_at))
    for tr in sorted(job.transitions, key=attrgetter("at")):
        at = max(tr.at, job.created_at)
        if at > t:
            break
        walk.advance(at)
        walk.apply(tr.to, float(at))
    walk.advance(t)
    return walk


def render(
    job: Job, scenario: Scenario, model: StatusModel, t: float, *, natural: bool = True
) -> Snapshot:
    """What ``job`` looks like at mock time ``t`` (see the module docstring)."""
    t = max(t, job.created_at)
    return _walk(job, scenario, model, t, natural).snapshot(t)


def resolve_transition(
    job: Job, scenario: Scenario, model: StatusModel, t: float, to: str, *, natural: bool = True
) -> Transition:
    """The transition that forces ``job`` to ``to`` (a status or :data:`NEXT`) at time ``t``.

    It is dated no earlier than the job's creation and its latest transition, so transitions stay
    ordered.  Raises :class:`UnknownStatus` or :class:`TransitionRefused`.
    """
    at = float(max(t, job.created_at, *(tr.at for tr in job.transitions)))
    walk = _walk(job, scenario, model, at, natural)
    reachable = [s for s in (*model.order, *model.terminal) if walk.target(s) is not None]
    targets = f"reachable: {', '.join(reachable) or 'none'}"  # what the caller may ask instead
    if model.is_terminal(walk.status):
        raise TransitionRefused(f"job is already {walk.status}; {targets}")
    if to == NEXT:
        if walk.idx is not None:
            return Transition(at, scenario.phases[walk.idx + 1].status)
        current = model.rank(walk.status)
        for phase in scenario.phases:
            if model.rank(phase.status) > current:
                return Transition(at, phase.status)
        raise TransitionRefused(
            f"job left scenario {scenario.name!r}; it has no next phase; {targets}"
        )
    if walk.target(to) is None:
        raise TransitionRefused(f"{to} is not reachable from {walk.status}; {targets}")
    return Transition(at, to)


def count(total: int, fraction: float) -> int:
    """``floor(total * fraction)``, exactly ``total`` once ``fraction >= 1``.

    Float error is forgiven: a product within 1e-9 (or 1e-13 relative) of an integer counts as
    that integer, so ``count(100, 0.29) == 29`` although ``100 * 0.29 == 28.999999999999996``.
    """
    if fraction >= 1:
        return total
    if not fraction > 0:
        return 0
    exact = total * fraction
    nearest = round(exact)
    if abs(exact - nearest) <= 1e-9 + 1e-13 * exact:
        return min(total, nearest)
    return min(total, math.floor(exact))
