"""What can stop a contract run before it tests anything.

    ContractError(JobmockError)
    └── ContractUsageError(ContractError, ValueError)   exit code 2: unknown API, unreachable URL,
                                                         a server that is no jobmock and no spec, ...

Failed checks are not exceptions: they are results (`RunResult.failures`, exit code 1).
"""

from __future__ import annotations

from jobmock.errors import JobmockError


class ContractError(JobmockError):
    """Base of the contract runner's own errors."""

    exit_code = 1


class ContractUsageError(ContractError, ValueError):
    """Bad input: the run cannot start (the CLI prints the message and exits 2)."""

    exit_code = 2
