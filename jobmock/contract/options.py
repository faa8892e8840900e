"""Every option of a contract run, with its default, in one place; the CLI only fills this in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jobmock.config import Config

# Clock of the in-process mock: each status poll moves a job one phase, so a run serves every
# phase of every scenario without waiting.
IN_PROCESS_CLOCK = "poll"


@dataclass(frozen=True)
class ContractOptions:
    url: str | None = None  # None: test jobmock itself, started in-process
    apis: tuple[str, ...] = ()  # empty: every API the target serves, then the control API
    headers: dict[str, str] = field(default_factory=dict)  # sent on every request, over tenants'
    # Per operation and phase (schemathesis `max-examples`); under the poll clock a vendor API gets
    # at least as many as it takes to poll each of its jobs through every phase.
    max_examples: int = 25
    seed: int | None = None  # None: a random seed, reported so that the run can be replayed
    report: Path | None = None  # write JUnit XML here
    control_token: str | None = (
        None  # the control API's bearer token (`jobmock serve --control-token`)
    )
    app_config: Config = field(default_factory=lambda: Config(clock=IN_PROCESS_CLOCK))
    stateful_max_steps: int = 12  # steps per stateful scenario (create -> get -> transition ...)
    stateful_examples: int | None = None  # stateful scenarios per API (None: max_examples)
    shrink: bool = True  # minimize failing cases (slower on failures; curl lines get shorter)
    request_timeout: float = 10.0  # seconds, for --url runs
    feed_ratio: int = 4  # of every N positive cases, N-1 use a live job's ids; 1 keeps random ids

    def replace(self, **changes: Any) -> ContractOptions:
        return replace(self, **changes)
