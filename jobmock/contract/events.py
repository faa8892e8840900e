"""What a contract run reports, as typed events; output handlers (`jobmock.contract.output`)
consume them, so the runner prints nothing itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobmock.contract.coverage import Observations

STATEFUL = "Stateful tests"  # the unit schemathesis reports for a target's linked sequences


@dataclass
class CheckFailure:
    """One kind of failure: which check, on which operation, and a curl line that replays the
    first case that showed it (`repeats` counts the others)."""

    api: str
    operation: str
    check: str
    title: str
    message: str
    curl: str
    status_code: int | None = None
    repeats: int = 0
    gap: str = ""  # why it is the document's gap, not a failure (`jobmock.contract.document_gaps`)
    gap_at: str = ""  # where the document says it: a JSON Pointer into the tested document
    # why the checker was wrong, from the bytes sent (`jobmock.contract.false_positives`)
    false_positive: str = ""


@dataclass
class OperationReport:
    """An operation (or a target's stateful sequences) and what its checks found."""

    api: str
    operation: str
    calls: int = 0
    failures: list[CheckFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # undocumented refusals the document gives no status for: its gap, not a failure (`gaps`)
    gaps: list[CheckFailure] = field(default_factory=list)
    # failures the request as sent disproves: the checker's, not the server's (`false_positive`)
    false_positives: list[CheckFailure] = field(default_factory=list)
    done: bool = False
    skipped: str | None = None  # why the run did not call it (see `jobmock.contract.footprint`)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.errors


@dataclass
class RunResult:
    seed: int
    base_url: str
    operations: list[OperationReport] = field(default_factory=list)
    observations: Observations = field(default_factory=Observations)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # api -> tested spec
    scenarios: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # phases
    probes: dict[str, int] = field(default_factory=dict)  # api -> tenant_isolation replays
    errors: list[str] = field(default_factory=list)  # errors not tied to one operation
    duration: float = 0.0
    interrupted: bool = False  # stopped by Ctrl-C (SIGINT): what ran so far is reported
    # a shared jobmock server (`--url` without `--reset`): the jobs the run created and removed
    removed_jobs: int | None = None

    @property
    def failures(self) -> list[CheckFailure]:
        return [f for op in self.operations for f in op.failures]

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.errors and all(op.passed for op in self.operations)

    def by_api(self) -> dict[str, list[OperationReport]]:
        grouped: dict[str, list[OperationReport]] = {}
        for op in self.operations:
            grouped.setdefault(op.api, []).append(op)
        return grouped


@dataclass(frozen=True)
class RunStarted:
    seed: int
    base_url: str
    apis: tuple[str, ...]
    total: int  # operations, plus one per API with stateful sequences


@dataclass(frozen=True)
class OperationFinished:
    report: OperationReport
    done: int
    total: int
    failures_so_far: int


@dataclass(frozen=True)
class ErrorReported:
    api: str
    operation: str | None
    message: str


@dataclass(frozen=True)
class RunFinished:
    result: RunResult


Event = RunStarted | OperationFinished | ErrorReported | RunFinished


class Handler(Protocol):
    def handle(self, event: Event) -> None: ...


def dispatch(handlers: Iterable[Handler], event: Event) -> None:
    for handler in handlers:
        handler.handle(event)
