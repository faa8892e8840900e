"""What can stop a contract run before it tests anything.

    ContractError(JobmockError)
    └── ContractUsageError(ContractError, ValueError)   exit code 2: unknown API, unreachable URL,
                                                         a server that is no jobmock and no spec, ...

Failed checks are results (`RunResult.failures`); the CLI raises `jobmock.errors.ChecksFailed`
(exit code 1) when there are any.
"""

from __future__ import annotations

from jobmock.errors import JobmockError


class ContractError(JobmockError):
    """Base of the contract runner's own errors (exit code 2, as every JobmockError's)."""


class ContractUsageError(ContractError, ValueError):
    """Bad input: the run cannot start (the CLI prints the message and exits 2)."""
