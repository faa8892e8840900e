"""The lifecycle model: properties over random scenarios and jobs, plus hand-computed examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from jobmock.model.lifecycle import (
    NEXT,
    Job,
    Snapshot,
    Transition,
    TransitionRefused,
    count,
    render,
    resolve_transition,
)
from jobmock.model.scenarios import Phase, Scenario, StatusModel, UnknownStatus, check_scenario
from tests.strategies import World, times, worlds

# ---------------------------------------------------------------------------------------------
# properties

any_world = st.one_of(worlds(), worlds(junk=True))


@st.composite
def world_and_times(
    draw: st.DrawFn, world_strategy: st.SearchStrategy[World] = any_world
) -> tuple[World, list[float]]:
    world = draw(world_strategy)
    return world, sorted([draw(times(world)), draw(times(world))])


world_and_time = any_world.flatmap(lambda w: st.tuples(st.just(w), times(w)))


def level_at_end(scenario: Scenario, k: int) -> dict[str, float]:
    """Counter fractions at the end of phase k (so phase k's entry levels are k - 1's): each
    counter's last value mentioned in phases 0..k, 0 if none."""
    level = {name: 0.0 for phase in scenario.phases for name in phase.progress}
    for phase in scenario.phases[: k + 1]:
        level.update(phase.progress)
    return level


def final_fractions(scenario: Scenario) -> dict[str, float]:
    return level_at_end(scenario, len(scenario.phases) - 1)


def natural_start(world: World, k: int) -> float:
    """When phase k starts if nothing is forced: creation plus the durations before it."""
    return world.job.created_at + sum(p.seconds or 0.0 for p in world.scenario.phases[:k])


@given(world_and_times())
def test_time_only_moves_a_job_forward(arg: tuple[World, list[float]]) -> None:
    """Status rank, path, entry times and counters only grow with t; terminal is absorbing."""
    world, (t1, t2) = arg
    s1, s2 = world.render(t1), world.render(t2)
    assert world.model.rank(s1.status) <= world.model.rank(s2.status)
    assert s2.path[: len(s1.path)] == s1.path
    assert s1.entered.items() <= s2.entered.items()
    assert set(s1.counters) == {name for p in world.scenario.phases for name in p.progress}
    for name, value in s1.counters.items():
        assert 0.0 <= value <= s2.counters[name] <= 1.0
    if s1.terminal:
        assert s2 == s1


@given(world_and_time)
def test_a_snapshot_is_well_formed_and_deterministic(arg: tuple[World, float]) -> None:
    world, t = arg
    job, model = world.job, world.model
    snap = world.render(t)
    assert snap.path[0] == world.scenario.phases[0].status
    assert snap.entered[snap.path[0]] == job.created_at
    assert set(snap.entered) == set(snap.path) and len(snap.path) == len(set(snap.path))
    assert snap.status == snap.path[-1]
    when = [snap.entered[s] for s in snap.path]
    assert when == sorted(when)
    ranks = [model.rank(s) for s in snap.path]
    assert ranks == sorted(ranks)
    assert snap.entered[snap.status] <= snap.phase_started_at <= max(t, job.created_at)
    assert snap.terminal == model.is_terminal(snap.status)
    if snap.terminal:
        assert snap.fraction == 1.0 and snap.ends_at is None
    else:
        assert 0.0 <= snap.fraction <= 1.0
    if snap.ends_at is not None:
        assert world.natural and snap.ends_at > max(t, job.created_at)
    # the same inputs give the same snapshot; before creation means at creation
    copy = Job(
        job.api,
        job.id,
        job.tenant,
        job.scenario,
        job.created_at,
        dict(job.fields),
        tuple(Transition(tr.at, tr.to) for tr in job.transitions),
    )
    assert render(copy, world.scenario, model, t, natural=world.natural) == snap
    assert world.render(job.created_at - 1.0) == world.render(job.created_at)


@given(world_and_time)
def test_statuses_are_entered_exactly_when_reached(arg: tuple[World, float]) -> None:
    world, t = arg
    for status, at in world.render(t).entered.items():
        assert world.render(at).entered.get(status) == at
        if at > world.job.created_at:
            assert status not in world.render(math.nextafter(at, -math.inf)).entered


@given(world_and_times(st.one_of(worlds(natural=False), worlds(natural=False, junk=True))))
def test_without_natural_time_only_transitions_move_the_job(arg: tuple[World, list[float]]) -> None:
    world, (_, t) = arg
    created, first = world.job.created_at, world.scenario.phases[0]
    t = max(t, created)  # before creation renders as at creation
    applied = [max(tr.at, created) for tr in world.job.transitions if max(tr.at, created) <= t]
    snap = world.render(t)
    assert snap == world.render(max([created, *applied]))
    assert snap.ends_at is None
    if not snap.terminal:
        assert snap.fraction == 0.0
    if not applied:
        assert snap.status == first.status and snap.path == (first.status,)
        if not first.terminal:
            assert all(value == 0.0 for value in snap.counters.values())


# phase starts are created + (d0 + d1), not (created + d0) + d1: here the two differ by an ulp
_ROUNDING = Scenario(
    "matcher", (Phase("QUEUED", 4.617), Phase("PROCESSING", 4.176), Phase("COMPLETED", None))
)
_ROUNDING_MODEL = StatusModel(("QUEUED", "PROCESSING"), ("COMPLETED",))
_ROUNDING_JOB = Job("matcher", "j", "acme", "matcher", 1858976425.336585, {})


@given(worlds(forced=False, natural=True))
@example(World(_ROUNDING_MODEL, _ROUNDING, _ROUNDING_JOB, True))
def test_untouched_job_follows_its_phases_by_duration(world: World) -> None:
    scenario, last = world.scenario, len(world.scenario.phases) - 1
    check_scenario(scenario, world.model)  # the strategy makes valid scenarios
    end = natural_start(world, last)
    snap = world.render(end)
    assert snap.terminal and snap.status == scenario.phases[-1].status
    assert snap.counters == final_fractions(scenario)
    assert snap.entered[snap.status] == end
    for k, phase in enumerate(scenario.phases[:-1]):
        # the instant phase k starts: its status, holding phase k-1's final counter levels
        at_start = world.render(natural_start(world, k))
        assert (at_start.status, at_start.phase, at_start.fraction) == (phase.status, k, 0.0)
        assert at_start.counters == level_at_end(scenario, k - 1)
        assert at_start.ends_at == natural_start(world, k + 1)
    if last > 0:
        assert not world.render(math.nextafter(end, -math.inf)).terminal


@given(worlds(forced=False, natural=True, min_phases=2), st.data())
def test_progress_is_linear_inside_a_phase(world: World, data: st.DataObject) -> None:
    scenario = world.scenario
    k = data.draw(st.integers(0, len(scenario.phases) - 2))
    x = data.draw(st.floats(0, 0.999))
    phase = scenario.phases[k]
    assert phase.seconds is not None
    t = natural_start(world, k) + x * phase.seconds
    snap = world.render(t)
    assume(snap.phase == k)  # rounding of t may land a hair outside the phase
    tolerance = 4 * math.ulp(t) / phase.seconds + 1e-9
    assert snap.fraction == pytest.approx(x, abs=tolerance)
    entry, end = level_at_end(scenario, k - 1), level_at_end(scenario, k)
    for name, value in snap.counters.items():
        expected = entry[name] + (end[name] - entry[name]) * x
        assert value == pytest.approx(expected, abs=tolerance)


@given(worlds(), st.data())
def test_a_resolved_transition_lands_on_its_status(world: World, data: st.DataObject) -> None:
    job, scenario, model = world.job, world.scenario, world.model
    t = data.draw(times(world))
    to = data.draw(st.sampled_from((NEXT, *world.statuses())))
    at = max(t, job.created_at, *(tr.at for tr in job.transitions))
    before = world.render(at)
    # allowed by the model: from a non-terminal status, to a later phase or a higher rank
    later = [] if before.phase is None else [p.status for p in scenario.phases[before.phase + 1 :]]
    higher = [s for s in world.statuses() if model.rank(s) > model.rank(before.status)]
    if to == NEXT:
        allowed = (
            bool(later)
            if before.phase is not None
            else any(p.status in higher for p in scenario.phases)
        )
    else:
        allowed = to in later or to in higher
    try:
        tr = resolve_transition(job, scenario, model, t, to, natural=world.natural)
    except TransitionRefused:
        assert before.terminal or not allowed
        return
    assert allowed and not before.terminal
    assert tr.at == at and (tr.to == to or to == NEXT)
    moved = render(job.with_transition(tr), scenario, model, tr.at, natural=world.natural)
    assert moved.status == tr.to and moved.phase_started_at == tr.at
    if tr.to != before.status:
        assert moved.entered[tr.to] == tr.at
    assert model.rank(moved.status) >= model.rank(before.status)


@given(worlds(forced=False, natural=False))
def test_next_walks_every_phase_in_order(world: World) -> None:
    job, scenario, model = world.job, world.scenario, world.model
    t = job.created_at
    for phase in scenario.phases[1:]:
        t += 1.0
        tr = resolve_transition(job, scenario, model, t, NEXT, natural=False)
        assert tr == Transition(t, phase.status)
        job = job.with_transition(tr)
        snap = render(job, scenario, model, t + 1e6, natural=False)
        assert (snap.phase, snap.status) == (len(job.transitions), phase.status)
    snap = render(job, scenario, model, t, natural=False)
    assert snap.terminal
    assert list(snap.path) == list(dict.fromkeys(p.status for p in scenario.phases))
    assert snap.counters == final_fractions(scenario)
    with pytest.raises(TransitionRefused, match="already"):
        resolve_transition(job, scenario, model, t, NEXT, natural=False)


totals_and_counts = st.integers(0, 10**12).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(0, n))
)


@given(totals_and_counts)
@example(
    (10_000_000, 6_058_522)
)  # 6058522 / 1e7 * 1e7 = 6058521.999999999: round(x, 9) floors wrong
def test_count_of_exact_fractions_is_exact(arg: tuple[int, int]) -> None:
    total, k = arg
    if total:
        assert count(total, k / total) == k
        if k < total:  # halfway between two counts: floor, not round
            assert count(total, (k + 0.5) / total) == k


@given(st.integers(0, 10**9), st.floats(-1, 2), st.floats(-1, 2))
def test_count_is_monotone_and_bounded(total: int, f1: float, f2: float) -> None:
    lo, hi = sorted([f1, f2])
    assert 0 <= count(total, lo) <= count(total, hi) <= total


# ---------------------------------------------------------------------------------------------
# examples, computed by hand

MODEL = StatusModel(("QUEUED", "PAUSED", "PROCESSING"), ("COMPLETED", "FAILED", "CANCELLED"))
MATCHER = Scenario.build(
    "matcher",
    [
        {"status": "QUEUED", "seconds": 5},
        {"status": "PROCESSING", "seconds": 30, "progress": {"processed": 1.0, "failed": 0.005}},
        {"status": "COMPLETED"},
    ],
)
T0 = 1_000.0
JOB = Job("matcher", "j1", "acme", "matcher", T0, {"total": 1000})


def snap(job: Job, t: float, *, natural: bool = True) -> Snapshot:
    return render(job, MATCHER, MODEL, t, natural=natural)


def forced(job: Job, t: float, to: str, *, natural: bool = True) -> Job:
    return job.with_transition(resolve_transition(job, MATCHER, MODEL, t, to, natural=natural))


def test_matcher_example_timeline() -> None:
    check_scenario(MATCHER, MODEL)
    s = snap(JOB, T0)
    assert (s.status, s.fraction, s.ends_at, s.phase) == ("QUEUED", 0.0, T0 + 5, 0)
    assert s.counters == {"processed": 0.0, "failed": 0.0}
    s = snap(JOB, T0 + 4.9)  # 4.9 of QUEUED's 5 seconds
    assert s.status == "QUEUED" and s.fraction == pytest.approx(0.98)
    assert s.counters == {"processed": 0.0, "failed": 0.0}
    s = snap(JOB, T0 + 5)  # PROCESSING starts, counters still at QUEUED's end value
    assert (s.status, s.fraction, s.phase_started_at, s.ends_at) == (
        "PROCESSING",
        0.0,
        T0 + 5,
        T0 + 35,
    )
    assert s.counters == {"processed": 0.0, "failed": 0.0}
    assert s.entered == {"QUEUED": T0, "PROCESSING": T0 + 5}
    s = snap(JOB, T0 + 20)  # 15 of 30 seconds: half way
    assert s.fraction == 0.5
    assert s.counters == {"processed": 0.5, "failed": 0.0025}
    assert (count(1000, s.counters["processed"]), count(1000, s.counters["failed"])) == (500, 2)
    for t in (T0 + 35, T0 + 100):
        s = snap(JOB, t)
        assert (s.status, s.terminal, s.fraction, s.ends_at) == ("COMPLETED", True, 1.0, None)
        assert s.counters == {"processed": 1.0, "failed": 0.005}
        assert s.path == ("QUEUED", "PROCESSING", "COMPLETED")
        assert s.entered == {"QUEUED": T0, "PROCESSING": T0 + 5, "COMPLETED": T0 + 35}
    assert count(1000, 0.005) == 5


def test_realistic_epoch_boundaries_are_exact() -> None:
    created = 1_700_000_000.123
    job = Job("matcher", "j1", "acme", "matcher", created, {})
    assert snap(job, created + 5).status == "PROCESSING"
    assert snap(job, math.nextafter(created + 5, 0)).status == "QUEUED"
    assert snap(job, created + 35).status == "COMPLETED"


def test_forced_failure_mid_processing_freezes_counters() -> None:
    job = forced(JOB, T0 + 20, "FAILED")
    assert job.transitions == (Transition(T0 + 20, "FAILED"),)
    for t in (T0 + 20, T0 + 35, T0 + 10_000):
        s = snap(job, t)
        assert (s.status, s.terminal, s.phase, s.fraction) == ("FAILED", True, None, 1.0)
        assert s.counters == {"processed": 0.5, "failed": 0.0025}
        assert s.path == ("QUEUED", "PROCESSING", "FAILED")
        assert s.entered["FAILED"] == T0 + 20
    assert snap(job, T0 + 19).status == "PROCESSING"


def test_forced_completion_from_queued_enters_skipped_phases_at_the_same_time() -> None:
    job = forced(JOB, T0 + 2, "COMPLETED")
    s = snap(job, T0 + 3)
    assert s.status == "COMPLETED" and s.path == ("QUEUED", "PROCESSING", "COMPLETED")
    assert s.entered["PROCESSING"] == s.entered["COMPLETED"] == T0 + 2
    assert s.counters == {"processed": 1.0, "failed": 0.005}  # the skipped phase's full progress


def test_forced_move_restarts_natural_time() -> None:
    job = forced(JOB, T0 + 2, "PROCESSING")
    assert snap(job, T0 + 2).phase_started_at == T0 + 2
    assert snap(job, T0 + 17).fraction == 0.5  # 15 of 30 seconds, counted from the move
    assert snap(job, T0 + 17).counters == {"processed": 0.5, "failed": 0.0025}
    assert snap(job, T0 + 31.9).status == "PROCESSING"
    assert snap(job, T0 + 32).status == "COMPLETED"


def test_off_scenario_pause_then_rejoin() -> None:
    job = forced(JOB, T0 + 2, "PAUSED")  # ranks above QUEUED, not in the scenario
    s = snap(job, T0 + 500)
    assert (s.status, s.terminal, s.phase, s.fraction, s.ends_at) == (
        "PAUSED",
        False,
        None,
        0.0,
        None,
    )
    assert s.counters == {"processed": 0.0, "failed": 0.0}
    job = forced(job, T0 + 600, NEXT)  # the first phase ranking above PAUSED
    assert job.transitions[-1] == Transition(T0 + 600, "PROCESSING")
    assert snap(job, T0 + 615).counters == {"processed": 0.5, "failed": 0.0025}
    s = snap(job, T0 + 630)
    assert s.status == "COMPLETED" and s.path == ("QUEUED", "PAUSED", "PROCESSING", "COMPLETED")
    with pytest.raises(TransitionRefused, match="QUEUED is not reachable from PAUSED"):
        forced(forced(JOB, T0 + 2, "PAUSED"), T0 + 3, "QUEUED")


def test_poll_mode_moves_one_phase_per_transition() -> None:
    s = snap(JOB, T0 + 1_000, natural=False)
    assert (s.status, s.fraction, s.ends_at) == ("QUEUED", 0.0, None)
    job = forced(JOB, T0 + 1_000, NEXT, natural=False)
    s = snap(job, T0 + 5_000, natural=False)
    assert (s.status, s.fraction, s.entered["PROCESSING"]) == ("PROCESSING", 0.0, T0 + 1_000)
    assert s.counters == {"processed": 0.0, "failed": 0.0}  # PROCESSING's entry value
    job = forced(job, T0 + 5_000, NEXT, natural=False)
    s = snap(job, T0 + 5_000, natural=False)
    assert s.status == "COMPLETED" and s.counters == {"processed": 1.0, "failed": 0.005}


def test_repeated_status_phases_show_once_in_the_path() -> None:
    scenario = Scenario.build(
        "two-speed",
        [
            Phase("QUEUED", 5),
            Phase("PROCESSING", 10, {"processed": 0.2}),
            Phase("PROCESSING", 20, {"processed": 1.0}),
            Phase("COMPLETED", None),
        ],
    )
    check_scenario(scenario, MODEL)
    s = render(JOB, scenario, MODEL, T0 + 25)  # 10 of the second PROCESSING phase's 20 seconds
    assert (s.status, s.phase, s.phase_started_at) == ("PROCESSING", 2, T0 + 15)
    assert s.fraction == 0.5 and s.counters == {"processed": pytest.approx(0.2 + 0.8 * 0.5)}
    assert s.entered == {"QUEUED": T0, "PROCESSING": T0 + 5}
    tr = resolve_transition(JOB, scenario, MODEL, T0 + 6, NEXT)
    assert tr == Transition(T0 + 6, "PROCESSING")
    s = render(JOB.with_transition(tr), scenario, MODEL, T0 + 6)
    assert (s.phase, s.counters, s.entered["PROCESSING"]) == (2, {"processed": 0.2}, T0 + 5)


def test_refusals() -> None:
    done = snap(JOB, T0 + 40)
    assert done.status == "COMPLETED"
    for to in ("FAILED", NEXT, "COMPLETED"):
        with pytest.raises(TransitionRefused, match="job is already COMPLETED"):
            resolve_transition(JOB, MATCHER, MODEL, T0 + 40, to)
    with pytest.raises(TransitionRefused, match="QUEUED is not reachable from PROCESSING"):
        resolve_transition(JOB, MATCHER, MODEL, T0 + 10, "QUEUED")
    with pytest.raises(TransitionRefused, match="PROCESSING is not reachable from PROCESSING"):
        resolve_transition(JOB, MATCHER, MODEL, T0 + 10, "PROCESSING")
    with pytest.raises(UnknownStatus, match="BOGUS"):
        resolve_transition(JOB, MATCHER, MODEL, T0 + 10, "BOGUS")
    with pytest.raises(TransitionRefused, match="already FAILED"):
        forced(forced(JOB, T0 + 10, "FAILED"), T0 + 11, "COMPLETED")


def test_transitions_are_dated_after_the_latest_one() -> None:
    job = forced(JOB, T0 + 3, "PAUSED")
    tr = resolve_transition(job, MATCHER, MODEL, T0 + 1, NEXT)  # a clock that lags behind
    assert tr == Transition(T0 + 3, "PROCESSING")


def test_render_ignores_recorded_transitions_that_do_not_move_forward() -> None:
    job = Job(
        "matcher",
        "j1",
        "acme",
        "matcher",
        T0,
        {},
        (Transition(T0 + 10, "QUEUED"), Transition(T0 + 11, "BOGUS")),
    )
    assert snap(job, T0 + 20) == snap(JOB, T0 + 20)


def test_count_rounding() -> None:
    assert 100 * 0.29 < 29  # float error a plain floor would turn into 28
    assert count(100, 0.29) == 29
    assert count(30, 0.1) == 3
    assert count(1000, 0.0025) == 2
    assert count(7, 1.0) == count(7, 1.5) == 7
    assert count(7, -0.1) == count(7, math.nan) == count(0, 0.5) == 0
