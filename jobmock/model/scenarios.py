"""What a scenario is: the phases a mocked job goes through, and the API status model they fit.

* A :class:`Scenario` is a list of :class:`Phase` s.  Each phase has a status, a duration and, per
  counter, the cumulative fraction of its total reached at the END of the phase (linear inside the
  phase; a counter not mentioned keeps its value).  The last phase is terminal (``seconds=None``);
  its progress applies the moment it is entered.
* A :class:`StatusModel` ranks an API's statuses: non-terminal ones in lifecycle order, every
  terminal one after them.  A job's status never moves to a lower rank.

Everything is checked when built (:class:`ScenarioError`); :func:`check_scenario` checks that a
scenario fits a model.  How a job walks a scenario over time is :mod:`jobmock.model.lifecycle`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ScenarioError(ValueError):
    """A scenario (or phase) is malformed or does not fit its API's status model."""


class UnknownStatus(LookupError):
    """A status value is not part of the API's status model."""


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Phase:
    status: str
    seconds: float | None
    progress: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.status, str) or not self.status:
            raise ScenarioError(f"phase status must be a non-empty string, got {self.status!r}")
        if self.seconds is not None:
            if not _finite(self.seconds) or self.seconds <= 0:
                raise ScenarioError(
                    f"phase {self.status}: seconds must be a number > 0 (or None for the terminal"
                    f" phase), got {self.seconds!r}"
                )
            object.__setattr__(self, "seconds", float(self.seconds))
        progress: dict[str, float] = {}
        for name, value in dict(self.progress).items():
            if not isinstance(name, str) or not _finite(value) or not 0 <= value <= 1:
                raise ScenarioError(
                    f"phase {self.status}: progress of {name!r} must be a fraction in [0, 1],"
                    f" got {value!r}"
                )
            progress[name] = float(value)
        object.__setattr__(self, "progress", progress)

    def __hash__(self) -> int:
        return hash((self.status, self.seconds, tuple(sorted(self.progress.items()))))

    @property
    def terminal(self) -> bool:
        return self.seconds is None


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    phases: tuple[Phase, ...]
    description: str = ""
    counters: tuple[str, ...] = field(init=False, compare=False, repr=False)
    """Every counter the scenario drives, in order of first mention."""
    offsets: tuple[float, ...] = field(init=False, compare=False, repr=False)
    """Natural start of each phase, in seconds after the scenario starts."""
    _entry_levels: tuple[tuple[float, ...], ...] = field(init=False, compare=False, repr=False)
    _end_levels: tuple[tuple[float, ...], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        phases = tuple(self.phases)
        object.__setattr__(self, "phases", phases)
        where = f"scenario {self.name!r}"
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError(f"scenario name must be a non-empty string, got {self.name!r}")
        if not phases:
            raise ScenarioError(f"{where} has no phases")
        for i, phase in enumerate(phases):
            if not isinstance(phase, Phase):
                raise ScenarioError(f"{where}: phase {i} is not a Phase: {phase!r}")
            if phase.terminal != (i == len(phases) - 1):
                raise ScenarioError(
                    f"{where}: exactly the last phase must be terminal (seconds None);"
                    f" phase {i} ({phase.status}) {'is' if phase.terminal else 'is not'}"
                )
        names = list(dict.fromkeys(n for p in phases for n in p.progress))
        level = dict.fromkeys(names, 0.0)
        offsets, entry, end, clock = [], [], [], 0.0
        for i, phase in enumerate(phases):
            offsets.append(clock)
            entry.append(tuple(level[n] for n in names))
            for n, value in phase.progress.items():
                if value < level[n]:
                    raise ScenarioError(
                        f"{where}: counter {n!r} goes back from {level[n]} to {value}"
                        f" in phase {i} ({phase.status})"
                    )
                level[n] = value
            end.append(tuple(level[n] for n in names))
            clock += phase.seconds or 0.0
        object.__setattr__(self, "counters", tuple(names))
        object.__setattr__(self, "offsets", tuple(offsets))
        object.__setattr__(self, "_entry_levels", tuple(entry))
        object.__setattr__(self, "_end_levels", tuple(end))

    @classmethod
    def build(
        cls, name: str, phases: Iterable[Phase | Mapping[str, Any]], description: str = ""
    ) -> Scenario:
        """Build from phases given as :class:`Phase` or mappings (status, seconds, progress)."""
        built = []
        for i, p in enumerate(phases):
            if isinstance(p, Mapping):
                extra = set(p) - {"status", "seconds", "progress"}
                if extra or "status" not in p:
                    raise ScenarioError(
                        f"scenario {name!r}: phase {i} needs 'status' and may have 'seconds',"
                        f" 'progress'; got keys {sorted(p)}"
                    )
                p = Phase(p["status"], p.get("seconds"), p.get("progress") or {})
            built.append(p)
        return cls(name, tuple(built), description)

    @property
    def duration(self) -> float:
        """Seconds from creation to the terminal phase when nothing is forced."""
        return self.offsets[-1]


@dataclass(frozen=True, slots=True)
class StatusModel:
    order: tuple[str, ...]
    terminal: tuple[str, ...]
    through: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    """status -> the non-terminal statuses a job always passes before it (`passed_through`): a
    forced move there enters them too, so a forced job reads as the vendor's own would."""
    _rank: dict[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        order, terminal = tuple(self.order), tuple(self.terminal)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "terminal", terminal)
        every = order + terminal
        if not terminal:
            raise ScenarioError("a status model needs at least one terminal status")
        if len(set(every)) != len(every) or not all(isinstance(s, str) and s for s in every):
            raise ScenarioError(f"statuses must be distinct non-empty strings: {every}")
        rank = {s: i for i, s in enumerate(order)} | dict.fromkeys(terminal, len(order))
        object.__setattr__(self, "_rank", rank)

    def rank(self, status: str) -> int:
        try:
            return self._rank[status]
        except KeyError:
            known = ", ".join(self.order + self.terminal)
            raise UnknownStatus(f"unknown status {status!r} (known: {known})") from None

    def is_terminal(self, status: str) -> bool:
        return self.rank(status) == len(self.order)

    def __contains__(self, status: object) -> bool:
        return status in self._rank


def passed_through(
    scenarios: Iterable[Scenario],
    model: StatusModel,
    declared: Mapping[str, Iterable[str]] | None = None,
) -> StatusModel:
    """`model` with `through` learnt from the scenarios: for each status, the non-terminal
    statuses that every scenario reaching it passes first (a status no scenario reaches: none);
    `declared` (the fixture's `statuses.through`) wins where it says otherwise."""
    for status, before in (declared or {}).items():
        for name in (status, *before):
            model.rank(name)  # UnknownStatus names it
    through: dict[str, tuple[str, ...]] = {}
    for scenario in scenarios:
        seen: list[str] = []
        for phase in scenario.phases:
            if phase.status not in seen:
                before = tuple(s for s in seen if not model.is_terminal(s))
                known = through.get(phase.status)
                through[phase.status] = (
                    before if known is None else tuple(s for s in known if s in before)
                )
                seen.append(phase.status)
    through.update({status: tuple(before) for status, before in (declared or {}).items()})
    return StatusModel(model.order, model.terminal, through)


def check_scenario(scenario: Scenario, model: StatusModel) -> None:
    """Raise :class:`ScenarioError` unless ``scenario`` fits ``model``."""
    previous = -1
    for i, phase in enumerate(scenario.phases):
        where = f"scenario {scenario.name!r}, phase {i}"
        if phase.status not in model:
            known = ", ".join(model.order + model.terminal)
            raise ScenarioError(f"{where}: status {phase.status!r} is not one of {known}")
        if model.is_terminal(phase.status) != phase.terminal:
            kind = "terminal" if phase.terminal else "non-terminal"
            raise ScenarioError(f"{where}: {phase.status} is used as a {kind} phase")
        if model.rank(phase.status) < previous:
            raise ScenarioError(f"{where}: {phase.status} goes back in the lifecycle order")
        previous = model.rank(phase.status)
