"""Where jobs, forced transitions, id sequences, idempotency keys and the clock are kept.

:class:`Store` is the async interface every backend satisfies (the in-process
:class:`MemoryStore` here; :class:`~jobmock.store_sqlite.SQLiteStore` and
:class:`~jobmock.store_redis.RedisStore`, shared by several workers, in their own modules, imported
only when their URL is opened).  Stores keep immutable
:class:`~jobmock.lifecycle.Job` values and know nothing of lifecycles: what a job looks like at a
given time is computed by :func:`jobmock.lifecycle.render`.  Open one by URL with
:func:`open_store`; :data:`STORES` maps URL schemes to factories.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from jobmock.clock import ClockState
from jobmock.lifecycle import Job, Transition


class StoreError(ValueError):
    """A store URL cannot be opened."""


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

    async def clear(self) -> None:
        """Forget everything: jobs, sequences, remembered keys and the clock."""

    async def close(self) -> None:
        """Release resources; calling it twice is harmless."""


class MemoryStore:
    """Dicts in this process (one worker only).  Every method runs without awaiting anything,
    so each is atomic on the event loop and no lock is needed."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._jobs: dict[str, dict[str, Job]] = {}
        self._sequences: dict[str, int] = {}
        self._remembered: dict[str, bytes] = {}
        self._clock: ClockState | None = None

    async def get(self, api: str, job_id: str) -> Job | None:
        return self._jobs.get(api, {}).get(job_id)

    async def put(self, job: Job) -> None:
        self._jobs.setdefault(job.api, {})[job.id] = job

    async def delete(self, api: str, job_id: str) -> bool:
        return self._jobs.get(api, {}).pop(job_id, None) is not None

    async def list(self, api: str, tenant: str | None = None) -> builtins.list[Job]:
        jobs = self._jobs.get(api, {}).values()
        return [job for job in jobs if tenant is None or job.tenant == tenant]

    async def add_transition(self, api: str, job_id: str, make: Callable[[Job], Transition]) -> Job:
        jobs = self._jobs.get(api, {})
        job = jobs.get(job_id)
        if job is None:
            raise JobNotFound(f"no {api} job {job_id!r}")
        jobs[job_id] = job = job.with_transition(make(job))
        return job

    async def next_sequence(self, api: str) -> int:
        self._sequences[api] = number = self._sequences.get(api, 0) + 1
        return number

    async def get_clock(self) -> ClockState | None:
        return self._clock

    async def set_clock(self, state: ClockState) -> None:
        self._clock = state

    async def update_clock(self, change: Callable[[ClockState | None], ClockState]) -> ClockState:
        self._clock = state = change(self._clock)
        return state

    async def remember(self, key: str, value: bytes) -> bytes | None:
        existing = self._remembered.get(key)
        if existing is None:
            self._remembered[key] = bytes(value)
        return existing

    async def clear(self) -> None:
        self._reset()

    async def close(self) -> None:
        return None


def _sqlite(url: str) -> Store:
    from jobmock.store_sqlite import SQLiteStore

    return SQLiteStore.from_url(url)


def _redis(url: str) -> Store:
    try:
        from jobmock.store_redis import RedisStore
    except ImportError as exc:  # redis is a dependency; this is a broken install
        raise StoreError(f"{url!r} needs the redis package (pip install 'redis>=5'): {exc}") from None
    return RedisStore.from_url(url)


STORES: dict[str, Callable[[str], Store]] = {
    "memory": lambda url: MemoryStore(),
    "sqlite": _sqlite,
    "redis": _redis,
    "rediss": _redis,
}
"""URL scheme -> factory taking the whole URL (backends are imported when first opened)."""


def open_store(url: str) -> Store:
    """Open the store at ``url``, e.g. ``memory://``."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    try:
        factory = STORES[scheme]
    except KeyError:
        known = ", ".join(f"{name}://" for name in STORES)
        raise StoreError(f"unknown store URL {url!r} (known schemes: {known})") from None
    return factory(url)
