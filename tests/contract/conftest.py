"""The contract suite run in-process, once per clock, shared by the tests of this folder.

- `poll`: each status poll moves a job one phase, so the jobs fed to generated cases walk every
  phase of every scenario; vendor APIs only (the control API does not poll).
- `manual`: time stands still; vendor APIs answer in their seed and created states, and the
  control API's stateful runs move jobs themselves (create -> get -> transition -> get).

Examples are tuned for time (2 busy cores), never checks: every check is on in both runs.

Both runs keep one pinned seed, so the coverage gate and the regressions see the same cases each
time. A third run, the manual one's plan with a fresh seed per session (`FRESH`), looks for what
the pinned seed never generates: its seed is in its test ids and failure messages, and
`JOBMOCK_CONTRACT_SEED=N python -m pytest tests/contract` replays it.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

import pytest

from jobmock.config import Config
from jobmock.contract import ContractOptions, RunResult, run
from jobmock.documents.specs import CONTROL_API, discover
from jobmock.engine import resources

SEED = 20_261_123
VENDOR_APIS = tuple(path.stem for path in discover(resources.specs_dir()))
ALL_APIS = (*VENDOR_APIS, CONTROL_API)
RUNS: dict[str, dict[str, Any]] = {
    # max_examples grows per API to what walking its jobs takes (see ContractOptions)
    "poll": {"apis": VENDOR_APIS, "max_examples": 5, "feed_ratio": 8},
    # every other positive case keeps its random ids: the not-found answers
    "manual": {"apis": ALL_APIS, "max_examples": 4, "feed_ratio": 2, "stateful_examples": 12},
}
CLOCKS = tuple(RUNS)  # the pinned runs, one per clock

SEED_ENV = "JOBMOCK_CONTRACT_SEED"
FRESH_SEED = int(os.environ.get(SEED_ENV) or secrets.randbelow(1 << 31))
FRESH = f"fresh-seed-{FRESH_SEED}"  # the manual run's plan under a seed of this session's
RUNS[FRESH] = RUNS["manual"]
REPLAY = f"replay: {SEED_ENV}={FRESH_SEED} python -m pytest tests/contract"

_results: dict[str, RunResult] = {}


def contract_run(name: str) -> RunResult:
    """The in-process run `name`, a clock or FRESH (run once per test session)."""
    if name not in _results:
        clock, seed = ("manual", FRESH_SEED) if name == FRESH else (name, SEED)
        config = Config(clock=clock)
        options = ContractOptions(seed=seed, app_config=config, shrink=False, **RUNS[name])
        _results[name] = run(options)
    return _results[name]


@pytest.fixture(params=CLOCKS)
def clock_run(request: pytest.FixtureRequest) -> tuple[str, RunResult]:
    return request.param, contract_run(request.param)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Names this session's fresh seed, when its run ran, so it can be replayed (even with -q)."""
    if FRESH in _results:
        terminalreporter.write_line(f"contract suite: {FRESH} ({REPLAY})")
