"""An in-process run spread over processes (jobmock.contract.parallel): every target in one share,
the control API last in its share, events merged into one run's, the same cases as one process."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobmock.config import Config
from jobmock.contract import ContractOptions, run
from jobmock.contract.coverage import Observation
from jobmock.contract.events import (
    ErrorReported,
    Event,
    OperationFinished,
    OperationReport,
    RunResult,
    RunStarted,
)
from jobmock.contract.parallel import PER_API, Merger, merge, shares, workload
from jobmock.contract.targets import Target
from jobmock.documents.specs import CONTROL_API


def targets_of(weights: list[int], control: bool) -> list[Target]:
    found = [Target(f"api{i}", f"/api{i}/openapi.json", f"/api{i}") for i in range(len(weights))]
    if control:
        found.append(Target(CONTROL_API, "/_mock/openapi.json", "/_mock"))
    return found


@given(
    weights=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=8),
    control=st.booleans(),
    count=st.integers(min_value=1, max_value=6),
)
def test_every_target_is_in_exactly_one_share_in_its_own_order(
    weights: list[int], control: bool, count: int
) -> None:
    targets = targets_of(weights, control)
    weight_of = {t.name: float(w) for t, w in zip(targets, [*weights, 5], strict=False)}
    plan = shares(targets, count, lambda t: weight_of[t.name])
    assert 1 <= len(plan) <= min(count, len(targets))
    assert all(plan), "an empty share"
    names = [t.name for share in plan for t in share]
    assert sorted(names) == sorted(t.name for t in targets)
    rank = {t.name: i for i, t in enumerate(targets)}
    for share in plan:
        assert [rank[t.name] for t in share] == sorted(rank[t.name] for t in share)
        if any(t.is_control for t in share):
            assert share[-1].is_control, "the control API runs last in its share"


def test_targets_alike_go_round_the_shares() -> None:
    plan = shares(targets_of([1, 1, 1, 1, 1], control=True), 2)
    assert [[t.name for t in share] for share in plan] == [
        ["api0", "api2", "api4"],
        ["api1", "api3", CONTROL_API],
    ]


def test_the_heaviest_targets_go_to_different_shares() -> None:
    targets = targets_of([10, 9, 1, 1], control=False)
    weight_of = dict(zip([t.name for t in targets], [10.0, 9.0, 1.0, 1.0], strict=True))
    plan = shares(targets, 2, lambda t: weight_of[t.name])
    assert [[t.name for t in share] for share in plan] == [["api0", "api3"], ["api1", "api2"]]


def with_operations(count: int) -> dict[str, object]:
    """A document of `count` operations, three to a path (path-level keys are not operations)."""
    methods = ("get", "post", "delete")
    paths: dict[str, dict[str, object]] = {}
    for i in range(count):
        item = paths.setdefault(f"/p{i // 3}", {"parameters": [], "summary": "a path"})
        item[methods[i % 3]] = {"responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.1.0", "paths": paths}


@given(count=st.integers(min_value=0, max_value=40))
def test_a_targets_weight_is_its_operations_and_the_apis_own_work(count: int) -> None:
    target = targets_of([1], control=False)[0]
    target.document = with_operations(count)
    assert workload(lambda t: {})(target) == PER_API + count


def test_an_api_of_many_operations_shares_with_the_lighter_ones() -> None:
    """The default run's APIs: vendors of 3, 3, 5, 3, 3 operations and the control API's 17."""
    targets = targets_of([3, 3, 5, 3, 3], control=True)
    documents = dict(zip([t.name for t in targets], [3, 3, 5, 3, 3, 17], strict=True))
    plan = shares(targets, 2, workload(lambda t: with_operations(documents[t.name])))
    # heaviest first to the lightest share: control 31 | api2 19, api0 17 | api1 17 (48) ...
    assert [[t.name for t in share] for share in plan] == [
        ["api1", "api4", CONTROL_API],
        ["api0", "api2", "api3"],
    ]


def report(api: str, operation: str, failures: int = 0) -> OperationReport:
    found = OperationReport(api, operation, calls=1, done=True)
    found.errors = ["boom"] * failures
    return found


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)


def test_events_are_one_runs_once_every_share_has_loaded() -> None:
    recorder = Recorder()
    merger = Merger([recorder], 2, ("a", "b"))
    merger.receive(1, RunStarted(7, "http://testserver", ("b",), 2))
    merger.receive(1, OperationFinished(report("b", "GET /b"), 1, 2, 0))  # ahead of share 0
    assert recorder.events == []
    merger.receive(0, RunStarted(7, "http://testserver", ("a",), 1))
    merger.receive(0, ErrorReported("a", None, "oops"))
    merger.receive(1, OperationFinished(report("b", "POST /b", failures=1), 2, 2, 1))
    merger.receive(0, OperationFinished(report("a", "GET /a"), 1, 1, 0))
    merger.flush()
    started, *rest = recorder.events
    assert started == RunStarted(7, "http://testserver", ("a", "b"), 3)
    finished = [e for e in rest if isinstance(e, OperationFinished)]
    assert [(e.done, e.total, e.failures_so_far) for e in finished] == [
        (1, 3, 0),
        (2, 3, 1),
        (3, 3, 1),
    ]
    assert [e.report.operation for e in finished] == ["GET /b", "POST /b", "GET /a"]
    assert any(isinstance(e, ErrorReported) for e in rest)


def test_results_merge_in_target_order() -> None:
    first, second = RunResult(7, "http://testserver"), RunResult(7, "http://testserver")
    first.operations = [report("b", "GET /b")]
    second.operations = [report(CONTROL_API, "GET /apis"), report("a", "GET /a")]
    first.observations.add(Observation("b", "GET /b", 200))
    second.observations.add(Observation("a", "GET /a", 404))
    second.interrupted = True
    targets = targets_of([1, 1], control=True)
    targets[0].name, targets[1].name = "a", "b"
    merged = merge([first, second], targets)
    assert [op.api for op in merged.operations] == ["a", "b", CONTROL_API]
    assert merged.observations.codes("a", "GET /a") == {404}
    assert merged.observations.codes("b", "GET /b") == {200}
    assert merged.interrupted


def test_two_processes_run_the_same_cases_as_one() -> None:
    """A vendor API's cases depend on the seed alone, not on the process it runs in."""
    options = ContractOptions(
        apis=("seekr", "claret"),
        max_examples=2,
        stateful_examples=2,
        seed=20_261_203,
        shrink=False,
        app_config=Config(clock="manual"),
    )
    recorder = Recorder()
    spread = run(options.replace(processes=2), [recorder])
    alone = run(options.replace(processes=1))
    assert spread.observations.seen == alone.observations.seen
    assert [(op.api, op.operation, op.calls) for op in spread.operations] == [
        (op.api, op.operation, op.calls) for op in alone.operations
    ]
    finished = [e for e in recorder.events if isinstance(e, OperationFinished)]
    assert [e.done for e in finished] == list(range(1, len(spread.operations) + 1))
    assert {e.total for e in finished} == {len(spread.operations)}
