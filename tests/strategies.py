"""Hypothesis strategies for the lifecycle core: status models, scenarios, jobs and times."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from jobmock.model.lifecycle import (
    NEXT,
    Job,
    Phase,
    Scenario,
    Snapshot,
    StatusModel,
    Transition,
    TransitionRefused,
    render,
    resolve_transition,
)

NON_TERMINAL = ("QUEUED", "VALIDATING", "PAUSED", "PROCESSING", "FINALIZING")
TERMINAL = ("COMPLETED", "FAILED", "CANCELLED", "PARTIAL")
COUNTERS = ("processed", "failed", "skipped")

# Creation times: the epoch, realistic epoch seconds (where a float's resolution is ~2.4e-7 s),
# and odd values with fractional parts.
created_times = st.one_of(
    st.just(0.0),
    st.integers(1_500_000_000, 2_000_000_000).map(float),
    st.floats(0, 2_000_000_000),
)
# Phase durations: whole seconds like real fixtures, and arbitrary floats down to a millisecond.
durations = st.one_of(st.integers(1, 120).map(float), st.floats(0.001, 600))
fractions = st.one_of(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]), st.floats(0, 1))

# Strategies are built once here and parameterised by drawing indexes or scale factors: building
# them inside composites on each draw makes Hypothesis re-validate them, several times slower.
MAX_PHASES = 5
_orders = st.lists(st.sampled_from(NON_TERMINAL), unique=True, min_size=1, max_size=4)
_terminals = st.lists(st.sampled_from(TERMINAL), unique=True, min_size=1, max_size=3)
_picks = [st.lists(st.integers(0, 99), min_size=m, max_size=MAX_PHASES - 1) for m in (0, 1)]
_index = st.integers(0, 99)
_counters = st.lists(st.sampled_from(COUNTERS), unique=True, max_size=2)
_levels = {n: st.lists(fractions, min_size=n, max_size=n) for n in range(1, MAX_PHASES + 1)}
_durations = {n: st.lists(durations, min_size=n, max_size=n) for n in range(MAX_PHASES)}
_mentions = st.integers(0, 2**MAX_PHASES - 1)  # bit i: phase i mentions the counter
_moves = st.lists(st.tuples(st.one_of(st.just(0.0), st.floats(0, 1.2)), _index), max_size=4)
_junk = st.lists(st.tuples(st.floats(-0.2, 1.2), _index), max_size=4)
_scale = st.floats(-0.2, 1.5)


def _pick(options: tuple[str, ...], index: int) -> str:
    return options[index % len(options)]


@st.composite
def status_models(draw: st.DrawFn) -> StatusModel:
    return StatusModel(tuple(draw(_orders)), tuple(draw(_terminals)))


@st.composite
def scenarios(draw: st.DrawFn, model: StatusModel, *, min_phases: int = 1) -> Scenario:
    """A valid scenario of ``model``: phases in non-decreasing rank order (statuses may repeat),
    one terminal phase last, and counter fractions that never decrease (some left unmentioned)."""
    ranks = sorted(i % len(model.order) for i in draw(_picks[min_phases - 1]))
    statuses = [model.order[r] for r in ranks] + [_pick(model.terminal, draw(_index))]
    n = len(statuses)
    progress: list[dict[str, float]] = [{} for _ in statuses]
    for counter in draw(_counters):
        levels, mentioned = sorted(draw(_levels[n])), draw(_mentions)
        for i in range(n):
            if mentioned >> i & 1:
                progress[i][counter] = levels[i]
    seconds = draw(_durations[n - 1])
    phases = tuple(
        Phase(status, None if i == n - 1 else seconds[i], progress[i])
        for i, status in enumerate(statuses)
    )
    return Scenario(_pick(("matcher", "slow", "flaky"), draw(_index)), phases)


@dataclass(frozen=True)
class World:
    """A job with everything needed to render it."""

    model: StatusModel
    scenario: Scenario
    job: Job
    natural: bool

    def render(self, t: float) -> Snapshot:
        return render(self.job, self.scenario, self.model, t, natural=self.natural)

    def statuses(self) -> tuple[str, ...]:
        return self.model.order + self.model.terminal

    def span(self) -> float:
        """Natural duration plus how far the last forced move lies after creation."""
        last = max([self.job.created_at, *(tr.at for tr in self.job.transitions)])
        return self.scenario.duration + (last - self.job.created_at)


@st.composite
def forced_transitions(
    draw: st.DrawFn, model: StatusModel, scenario: Scenario, job: Job, natural: bool
) -> Job:
    """``job`` with up to 4 forced moves ("next" or any status), each made valid by
    ``resolve_transition``; refused ones are dropped, like the control API answering 409."""
    targets = (NEXT, *model.order, *model.terminal)
    t = job.created_at
    for delay, index in draw(_moves):
        t += delay * (scenario.duration + 1)
        with contextlib.suppress(TransitionRefused):
            to = _pick(targets, index)
            job = job.with_transition(
                resolve_transition(job, scenario, model, t, to, natural=natural)
            )
    return job


@st.composite
def junk_transitions(draw: st.DrawFn, model: StatusModel, job: Job, span: float) -> Job:
    """``job`` plus arbitrary recorded transitions: backwards, unknown statuses, out of order,
    before creation.  Render must stay total and monotone anyway."""
    targets = (*model.order, *model.terminal, "BOGUS")
    extra = tuple(
        Transition(job.created_at + at * (span + 10), _pick(targets, index))
        for at, index in draw(_junk)
    )
    return replace(job, transitions=(*job.transitions, *extra))


@st.composite
def worlds(
    draw: st.DrawFn,
    *,
    forced: bool = True,
    junk: bool = False,
    natural: bool | None = None,
    min_phases: int = 1,
) -> World:
    """A job of a random scenario; ``natural`` None draws the clock kind; ``forced`` adds valid
    forced moves, ``junk`` arbitrary recorded ones; ``min_phases`` is 1 or 2."""
    model = draw(status_models())
    scenario = draw(scenarios(model, min_phases=min_phases))
    natural = draw(st.booleans()) if natural is None else natural
    job = Job("matcher", "job-1", "acme", scenario.name, draw(created_times), {"total": 10})
    if forced:
        job = draw(forced_transitions(model, scenario, job, natural))
    if junk:
        job = draw(junk_transitions(model, job, scenario.duration))
    return World(model, scenario, job, natural)


def boundaries(world: World) -> list[float]:
    """Times where something happens: natural phase starts, forced moves, status entries."""
    job, scenario = world.job, world.scenario
    snap = world.render(job.created_at + world.span() + 1)
    points = [job.created_at + offset for offset in scenario.offsets]
    points += [tr.at for tr in job.transitions]
    points += list(snap.entered.values())
    if snap.ends_at is not None:
        points.append(snap.ends_at)
    return points


_kinds = st.sampled_from(["anywhere", "at", "before", "after"])


@st.composite
def times(draw: st.DrawFn, world: World) -> float:
    """A time around the job's life: anywhere from before creation to well after its natural
    end, or exactly at / just before / just after an event (see :func:`boundaries`)."""
    kind = draw(_kinds)
    if kind == "anywhere":
        return world.job.created_at - 10 + draw(_scale) * (world.span() + 20)
    events = boundaries(world)
    event = events[draw(_index) % len(events)]
    if kind == "at":
        return event
    return math.nextafter(event, -math.inf if kind == "before" else math.inf)


# Path templates: a few segments, each concrete (`Local.json`) or templated (`{Sid}.json`).
_segments = st.lists(
    st.tuples(st.booleans(), st.sampled_from(["Local", "numbers", "a", "b1"])),
    min_size=1,
    max_size=5,
)


@st.composite
def path_templates(draw: st.DrawFn) -> str:
    """An OpenAPI path template such as `/numbers/{Sid}.json/a`."""
    parts = draw(_segments)
    return "/" + "/".join("{" + name + "}" if templated else name for templated, name in parts)


# Bounds a path parameter may set on an integer: (minimum, maximum), either left out.
def _ordered(bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    return low is None or high is None or low <= high


integer_bounds: st.SearchStrategy[tuple[int | None, int | None]] = st.tuples(
    st.none() | st.integers(-50, 50), st.none() | st.integers(-50, 50)
).filter(_ordered)


# JSON values: what a body may hold, floats whole or not.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=10,
)


# Response schemas as documents write them: objects (open or not), `allOf`/`oneOf` of them, arrays,
# and refs to DOCUMENT_SCHEMAS' components.
_referenced = st.sampled_from(
    [{"$ref": "#/components/schemas/Base"}, {"$ref": "#/components/schemas/Open"}]
)
response_schemas = st.recursive(
    st.sampled_from([{"type": "integer"}, {"type": "string"}, {}]) | _referenced,
    lambda inner: (
        st.builds(
            lambda properties, extra: {
                "type": "object",
                "properties": properties,
                **({} if extra is None else {"additionalProperties": extra}),
            },
            st.dictionaries(st.sampled_from(["id", "name", "kind"]), inner, max_size=2),
            st.none() | st.booleans(),
        )
        | st.lists(inner, min_size=1, max_size=2).map(lambda parts: {"allOf": parts})
        | st.lists(inner, min_size=1, max_size=2).map(lambda parts: {"oneOf": parts})
        | inner.map(lambda items: {"type": "array", "items": items})
    ),
    max_leaves=6,
)
DOCUMENT_SCHEMAS = {
    "Base": {"type": "object", "properties": {"id": {"type": "integer"}}},
    "Open": {"type": "object", "properties": {"id": {}}, "additionalProperties": True},
}
