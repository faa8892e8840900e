"""What a store is: the async interface every backend satisfies, and the errors it raises.

Backends: the in-process :class:`~jobmock.store.memory.MemoryStore`; :class:`~jobmock.store.sqlite.SQLiteStore` and
:class:`~jobmock.store.redis.RedisStore`, shared by several workers, in their own modules, imported
only when their URL is opened).  Stores keep immutable
:class:`~jobmock.model.lifecycle.Job` values and know nothing of lifecycles: what a job looks like at a
given time is computed by :func:`jobmock.model.lifecycle.render`.  Open one by URL with
:func:`jobmock.store.open_store`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from jobmock.errors import JobmockError
from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job, Transition


class StoreError(JobmockError, ValueError):
    """A store URL cannot be opened, or its store reached (the CLI exits 2 naming it)."""


class StoreUnavailable(StoreError):
    """The store is down or busy right now (Redis unreachable, SQLite locked past the timeout):
    the request may succeed later, so the APIs answer 503 with ``Retry-After``."""

    retry_after_s = 1


class JobNotFound(LookupError):
    """No job with that API and id."""


@runtime_checkable
class Store(Protocol):
    async def get(self, api: str, job_id: str) -> Job | None:
        """The job, or None."""

    async def put(self, job: Job) -> None:
        """Insert, or replace the job with the same (api, id) keeping its place in `list`."""

    async def delete(self, api: str, job_id: str) -> bool:
        """Remove the job; False if there was none."""

    async def list(self, api: str, tenant: str | None = None) -> builtins.list[Job]:
        """An API's jobs (only ``tenant``'s if given), in the order they were first put."""

    async def add_transition(self, api: str, job_id: str, make: Callable[[Job], Transition]) -> Job:
        """Atomically append ``make(job)`` to the job's transitions and return the new job.

        ``make`` may raise (e.g. ``TransitionRefused``): the error propagates, nothing changes.
        Raises :class:`JobNotFound` if there is no such job.
        """

    async def next_sequence(self, api: str) -> int:
        """1, 2, 3, ... per API (for APIs with integer ids)."""

    async def get_clock(self) -> ClockState | None:
        """The shared clock settings, or None if never set."""

    async def set_clock(self, state: ClockState) -> None: ...

    async def update_clock(self, change: Callable[[ClockState | None], ClockState]) -> ClockState:
        """Atomically store and return ``change(current clock or None)``.

        Workers sharing a store change the clock through this, so none loses another's change.
        ``change`` may raise (e.g. ``ClockError``): the error propagates, nothing changes.
        """

    async def remember(self, key: str, value: bytes) -> bytes | None:
        """Set-if-absent: the value already stored under ``key``, else store ``value``, None."""

    async def recall(self, key: str) -> bytes | None:
        """The value ``remember`` stored under ``key``, or None; writes nothing."""

    async def lease(self, key: str, value: bytes, seconds: float) -> bytes | None:
        """Set-if-absent for a time: the value held under ``key``, else store ``value``, None.

        A value stored by ``lease`` is gone ``seconds`` later (wall time, across restarts) unless
        ``settle`` kept it: a holder that crashed frees its key.  Leases are apart from ``remember``'s keys.
        """

    async def settle(self, key: str, holder: bytes, value: bytes | None) -> bool:
        """If ``key``'s lease still holds ``holder``: keep ``value`` there for good (None: drop the key).

        False, changing nothing, if it does not (the lease ran out and the key was leased again).
        """

    async def journal_add(self, entries: Sequence[tuple[str, str]], keep: int) -> None:
        """Append ``(api, record)`` entries of the request journal in their order, then keep only
        the last ``keep`` of each API (the oldest are dropped)."""

    async def journal(self, api: str | None = None) -> builtins.list[str]:
        """The journal's records, oldest first within each API (only ``api``'s if given)."""

    async def journal_clear(self) -> None:
        """Forget the request journal (jobs and everything else stay)."""

    async def clear(self) -> None:
        """Forget everything: jobs, sequences, remembered keys, the clock and the journal."""

    async def close(self) -> None:
        """Release resources; calling it twice is harmless."""
