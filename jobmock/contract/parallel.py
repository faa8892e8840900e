"""An in-process run spread over processes: schemathesis' generation is CPU-bound Python (one GIL
per process), so a second core is only used by a second process.

Each process serves jobmock in-process (its own app and store, as a single-process run does) and
tests its share of the targets, fixed by `shares` from the targets and their documents alone
(`workload`), so a seed replays the same cases in the same processes. The control API is the
last of its share, as it is the last target of a single-process run (its `POST /reset` and
`POST /clock` act on the whole server).
This process runs the first share; each other share runs in a child process started first (a
fresh interpreter: nothing of the caller's script is imported again) whose events come back
pickled through a pipe. `Merger` turns the shares' events into one run's: one `RunStarted` once every
share has loaded, operations counted across shares, results merged in target order.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jobmock.config import ContractOptions
from jobmock.contract.coverage import HTTP_METHODS
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

Weight = Callable[[Target], float]


def same(target: Target) -> float:
    """Every API as much work as any other."""
    return 1.0


# An API's own work besides its operations (linked sequences, its jobs walked, loading), in
# operations' worth. Measured (seed 1234, one process, 10 linked sequences per API): a 3-operation
# vendor API 3.6 to 7.6 s of CPU, gu1's 5 operations 8.1 s, the control API's 17 operations 12.7 s:
# ~0.4 s per operation on top of ~5.8 s per API (at 5 sequences, 12 fits: the same shares).
PER_API = 14


def workload(document_of: Callable[[Target], Mapping[str, Any]]) -> Weight:
    """A target's weight: its document's operations plus `PER_API`. `same` put the control API
    (a third of a default run's CPU) with two vendor APIs: its share ran 40% longer than the other."""

    def weight(target: Target) -> float:
        document = target.document or document_of(target)
        paths = document.get("paths", {})
        operations = sum(
            1
            for item in paths.values()
            if isinstance(item, Mapping)
            for method, operation in item.items()
            if method in HTTP_METHODS and isinstance(operation, Mapping)
        )
        return float(PER_API + operations)

    return weight


def shares(targets: Sequence[Target], count: int, weight: Weight = same) -> list[list[Target]]:
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


CHILD = "from jobmock.contract.parallel import child_main; child_main()"


def child_main() -> None:  # pragma: no cover - runs in a child process (tests/contract runs it)
    """A share's process: its settings (options, seed, share, count) pickled on stdin; its events,
    then ("result", share, RunResult) or ("error", share, exception), pickled to the fd in argv."""
    options, seed, share, count = pickle.load(sys.stdin.buffer)
    with os.fdopen(int(sys.argv[1]), "wb") as out:

        def send(message: tuple[str, int, Any]) -> None:
            pickle.dump(message, out)
            out.flush()

        try:
            send(("result", share, run_share(options, seed, share, count, send)))
        except BaseException as exc:
            send(("error", share, exc))


def run_share(
    options: ContractOptions,
    seed: int,
    share: int,
    count: int,
    send: Callable[[tuple[str, int, Any]], None],
) -> RunResult:
    """Open jobmock in-process and run share `share` of `count` (as the parent plans it: the same
    targets, the same `shares`); a share beyond the targets runs nothing."""
    from jobmock.contract.runner import Runner
    from jobmock.contract.session import open_session

    with open_session(options) as session:
        weight = workload(lambda target: session.discovery.document(target.schema_path))
        plan = shares(session.discovery.targets(options.apis), count, weight)
        mine = plan[share] if share < len(plan) else []
        forward = Forward(share, lambda s, event: send(("event", s, event)))
        return Runner(options, session, seed, [forward]).run(mine)


def start_share(options: ContractOptions, seed: int, share: int, count: int) -> tuple[Any, Any]:
    """A child process running share `share`, and the pipe its messages come through. It runs
    this jobmock (its folder first on PYTHONPATH) and imports nothing of the caller's script."""
    read_fd, write_fd = os.pipe()
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(write_fd)],
        stdin=subprocess.PIPE,
        pass_fds=(write_fd,),
        env={**os.environ, "PYTHONPATH": path},
    )
    os.close(write_fd)
    assert process.stdin is not None
    pickle.dump((options, seed, share, count), process.stdin)
    process.stdin.close()
    return process, os.fdopen(read_fd, "rb")


class Spread:
    """Shares 1..count-1 started in child processes at once (their start-up overlaps this
    process's), share 0 run here by `run`; leaving the block ends any child still running."""

    def __init__(self, options: ContractOptions, seed: int, count: int) -> None:
        self.count = count
        self.results: dict[int, RunResult] = {}
        self.errors: list[BaseException] = []
        self.merger: Merger | None = None
        self.early: list[tuple[int, Event]] = []  # events before `run` made the merger
        self.lock = threading.Lock()
        self.children = [start_share(options, seed, share, count) for share in range(1, count)]
        self.readers = [
            threading.Thread(target=self.drain, args=(share, pipe), daemon=True)
            for share, (_, pipe) in enumerate(self.children, start=1)
        ]
        for reader in self.readers:
            reader.start()

    def __enter__(self) -> Spread:
        return self

    def __exit__(self, *exc: object) -> None:
        for process, _ in self.children:
            try:
                process.wait(timeout=0 if exc[0] is not None else 5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def receive(self, share: int, event: Event) -> None:
        with self.lock:
            if self.merger is None:
                self.early.append((share, event))
            else:
                self.merger.receive(share, event)

    def drain(self, share: int, pipe: Any) -> None:
        with pipe:
            while True:
                try:
                    kind, _, payload = pickle.load(pipe)
                except EOFError:
                    self.errors.append(RuntimeError(f"contract process {share} ended early"))
                    return
                if kind == "event":
                    self.receive(share, payload)
                elif kind == "result":
                    self.results[share] = payload
                    return
                else:
                    self.errors.append(payload)
                    return

    def run(
        self,
        handlers: list[Handler],
        targets: list[Target],
        run_here: Callable[[list[Target], list[Handler]], RunResult],
        weight: Weight = same,
    ) -> RunResult:
        """Run share 0 here (`run_here`), wait for the others, and merge; `weight` must be the
        children's (`run_share`), so every process plans the same shares."""
        merger = Merger(handlers, self.count, tuple(target.name for target in targets))
        with self.lock:  # a share's events keep their order: later ones wait for these
            self.merger = merger
            for share, event in self.early:
                merger.receive(share, event)
            self.early = []
        plan = shares(targets, self.count, weight)
        interrupted = False
        self.results[0] = run_here(plan[0] if plan else [], [Forward(0, merger.receive)])
        for reader in self.readers:
            while reader.is_alive():
                try:
                    reader.join()
                except KeyboardInterrupt:  # the shares had the Ctrl-C too: they report what ran
                    interrupted = True
        if self.errors:
            raise self.errors[0]
        merger.flush()
        merged = merge([self.results[share] for share in sorted(self.results)], targets)
        merged.interrupted = merged.interrupted or interrupted
        return merged
