"""An in-process run spread over processes: schemathesis' generation is CPU-bound Python (one GIL
per process), so a second core is only used by a second process.

Each process serves jobmock in-process (its own app and store, as a single-process run does) and
tests its share of the targets, fixed by `shares` from the targets alone, so a seed replays the
same cases in the same processes. The control API is the last of its share, as it is the last
target of a single-process run (its `POST /reset` and `POST /clock` act on the whole server).
This process runs the first share; each other share runs in a spawned process whose events come
back through a queue. `Merger` turns the shares' events into one run's: one `RunStarted` once
every share has loaded, operations counted across shares, results merged in target order.
"""

from __future__ import annotations

import multiprocessing
import queue as queues
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from jobmock.config import ContractOptions
from jobmock.contract.events import (
    ErrorReported,
    Event,
    Handler,
    OperationFinished,
    RunResult,
    RunStarted,
    dispatch,
)
from jobmock.contract.targets import Target

# what schemathesis' work on a target grows with: its operations, each run in two modes and
# several phases, and, where the document links operations, stateful sequences over them
Weight = Callable[[Target], float]


def shares(targets: Sequence[Target], count: int, weight: Weight) -> list[list[Target]]:
    """`targets` in `count` shares of about equal weight (heaviest first, each to the lightest
    share so far), each share in the targets' own order: the control API stays last."""
    count = max(1, min(count, len(targets)))
    loads = [0.0] * count
    chosen: list[list[int]] = [[] for _ in range(count)]
    order = sorted(range(len(targets)), key=lambda i: (-weight(targets[i]), i))
    for i in order:
        lightest = min(range(count), key=lambda s: (loads[s], s))
        chosen[lightest].append(i)
        loads[lightest] += weight(targets[i])
    return [[targets[i] for i in sorted(share)] for share in chosen if share]


def operation_count(document: dict[str, Any]) -> float:
    """A target's weight: its operations (a linked document's stateful sequences count double)."""
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    operations = [
        op
        for item in document.get("paths", {}).values()
        if isinstance(item, dict)
        for method, op in item.items()
        if method in methods and isinstance(op, dict)
    ]
    linked = any(
        isinstance(response, dict) and response.get("links")
        for op in operations
        for response in op.get("responses", {}).values()
    )
    return float(len(operations) * (2 if linked else 1))


class Merger:
    """The events of several shares as one run's, dispatched to `handlers` (thread-safe)."""

    def __init__(self, handlers: list[Handler], count: int, apis: tuple[str, ...]) -> None:
        self.handlers = handlers
        self.count = count
        self.apis = apis
        self.started: dict[int, RunStarted] = {}
        self.waiting: list[Event] = []  # events of shares that ran ahead of the others' loading
        self.total = 0
        self.done = 0
        self.failures = 0
        self.lock = threading.Lock()

    def receive(self, share: int, event: Event) -> None:
        with self.lock:
            if isinstance(event, RunStarted):
                self.started[share] = event
                if len(self.started) == self.count:
                    self.total = sum(e.total for e in self.started.values())
                    first = self.started[0]
                    dispatch(
                        self.handlers, RunStarted(first.seed, first.base_url, self.apis, self.total)
                    )
                    for waiting in self.waiting:
                        self._forward(waiting)
                    self.waiting.clear()
            elif len(self.started) < self.count:
                self.waiting.append(event)
            else:
                self._forward(event)

    def _forward(self, event: Event) -> None:
        if isinstance(event, OperationFinished):
            self.done += 1
            self.failures += len(event.report.failures) + len(event.report.errors)
            event = OperationFinished(event.report, self.done, self.total, self.failures)
        dispatch(self.handlers, event)

    def flush(self) -> None:
        """Every share has ended: what is still waiting (a share stopped by Ctrl-C before it had
        loaded never started) goes out, counted against the shares that did."""
        with self.lock:
            self.total = sum(e.total for e in self.started.values())
            for waiting in self.waiting:
                if not isinstance(waiting, RunStarted):
                    self._forward(waiting)
            self.waiting.clear()


class Forward:
    """A handler that hands a share's events to the merger (in this process) or the queue."""

    def __init__(self, share: int, send: Callable[[int, Event], None]) -> None:
        self.share = share
        self.send = send

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted | OperationFinished | ErrorReported):
            self.send(self.share, event)


def merge(results: Sequence[RunResult], targets: Sequence[Target]) -> RunResult:
    """The shares' results as one run's, operations in target order."""
    first = results[0]
    merged = RunResult(seed=first.seed, base_url=first.base_url)
    rank = {target.name: i for i, target in enumerate(targets)}
    operations = [op for result in results for op in result.operations]
    merged.operations = sorted(operations, key=lambda op: rank.get(op.api, len(rank)))
    for result in results:
        merged.observations.update(result.observations)
        merged.documents.update(result.documents)
        merged.scenarios.update(result.scenarios)
        merged.probes.update(result.probes)
        merged.errors += result.errors
        merged.interrupted = merged.interrupted or result.interrupted
    return merged


def run_share(
    options: ContractOptions, seed: int, share: int, count: int, out: Any
) -> None:  # pragma: no cover - runs in a spawned process (tests/contract runs it end to end)
    """A spawned process: open jobmock in-process, run share `share` of `count`, send its events
    and then ("result", share, RunResult), or ("error", share, exception), to `out`."""
    from jobmock.contract.runner import Runner, open_session, target_weight

    try:
        with open_session(options) as session:
            targets = session.discovery.targets(options.apis)
            mine = shares(targets, count, target_weight(session))[share]
            forward = Forward(share, lambda s, event: out.put(("event", s, event)))
            result = Runner(options, session, seed, [forward]).run(mine)
        out.put(("result", share, result))
    except BaseException as exc:
        out.put(("error", share, exc))


def spread(
    options: ContractOptions,
    seed: int,
    handlers: list[Handler],
    targets: list[Target],
    plan: list[list[Target]],
    run_here: Callable[[list[Target], list[Handler]], RunResult],
) -> RunResult:
    """Run `plan[0]` here (`run_here`) and every other share in a spawned process."""
    apis = tuple(target.name for target in targets)
    merger = Merger(handlers, len(plan), apis)
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    out: Any = context.Queue()
    child_options = replace(options, apis=apis)
    processes = [
        context.Process(
            target=run_share, args=(child_options, seed, share, len(plan), out), daemon=True
        )
        for share in range(1, len(plan))
    ]
    for process in processes:
        process.start()
    results: dict[int, RunResult] = {}
    errors: list[BaseException] = []
    pending = set(range(1, len(plan)))

    def drain() -> None:
        while pending:
            try:
                kind, share, payload = out.get(timeout=1.0)
            except queues.Empty:
                if not any(p.is_alive() for p in processes):
                    errors.append(RuntimeError("a contract process ended without a result"))
                    return
                continue
            if kind == "event":
                merger.receive(share, payload)
                continue
            pending.discard(share)
            if kind == "result":
                results[share] = payload
            else:
                errors.append(payload)

    reader = threading.Thread(target=drain, name="contract-shares", daemon=True)
    reader.start()
    interrupted = False
    try:
        results[0] = run_here(plan[0], [Forward(0, merger.receive)])
        while reader.is_alive():
            try:
                reader.join()
            except KeyboardInterrupt:  # the shares had the Ctrl-C too: they report what ran
                interrupted = True
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    if errors:
        raise errors[0]
    merger.flush()
    merged = merge([results[share] for share in sorted(results)], targets)
    merged.interrupted = merged.interrupted or interrupted
    return merged
