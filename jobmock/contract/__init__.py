"""The contract suite: schemathesis, every check on, against jobmock or any server that claims
to implement the APIs it mocks.

    targets.py   which APIs a server offers, who to call them as, which jobs it has
    schemas.py   schemathesis' configuration and spec loading
    hooks.py     live job ids fed to generated cases; the tenant_isolation check
    document_gaps.py      failures no server could avoid within the document
    false_positives.py    failures the bytes sent disprove (read back by wire*.py)
    session.py   where the server is: jobmock in-process or a live URL, its documents
    runner.py    run(options, handlers): the engine's events turned into jobmock's
    events.py    typed events and the run's result
    output.py    handlers: progress, summary with curl lines, JUnit XML
    coverage.py  (operation, status code, job status) observations and what was never reached

`jobmock contract` is a thin shell over `run`. Its options, `ContractOptions`, are in
`jobmock.config` with every other option's default.
"""

from __future__ import annotations

from jobmock.config import ContractOptions
from jobmock.contract.coverage import Gap, Observation, Observations, gaps
from jobmock.contract.errors import ContractError, ContractUsageError
from jobmock.contract.events import CheckFailure, OperationReport, RunResult
from jobmock.contract.output import JUnitReport, Progress, Summary
from jobmock.contract.runner import run

__all__ = [
    "CheckFailure",
    "ContractError",
    "ContractOptions",
    "ContractUsageError",
    "Gap",
    "JUnitReport",
    "Observation",
    "Observations",
    "OperationReport",
    "Progress",
    "RunResult",
    "Summary",
    "gaps",
    "run",
]
