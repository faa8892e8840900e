"""The contract suite run in-process, once per clock, shared by the tests of this folder.

- `poll`: each status poll moves a job one phase, so the jobs fed to generated cases walk every
  phase of every scenario; vendor APIs only (the control API does not poll).
- `manual`: time stands still; vendor APIs answer in their seed and created states, and the
  control API's stateful runs move jobs themselves (create -> get -> transition -> get).

Examples are tuned for time (2 busy cores), never checks: every check is on in both runs.
"""

from __future__ import annotations

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
CLOCKS = tuple(RUNS)

_results: dict[str, RunResult] = {}


def contract_run(clock: str) -> RunResult:
    """The in-process run under `clock` (run once per test session)."""
    if clock not in _results:
        plan = RUNS[clock]
        options = ContractOptions(seed=SEED, app_config=Config(clock=clock), shrink=False, **plan)
        _results[clock] = run(options)
    return _results[clock]


@pytest.fixture(params=CLOCKS)
def clock_run(request: pytest.FixtureRequest) -> tuple[str, RunResult]:
    return request.param, contract_run(request.param)
