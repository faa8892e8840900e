"""MemoryStore: the state of one process, in dicts (``--store memory://``)."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Sequence

from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job, Transition
from jobmock.store.base import JobNotFound


class MemoryStore:
    """Dicts in this process (one worker only).  Every method runs without awaiting anything,
    so each is atomic on the event loop and no lock is needed."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._jobs: dict[str, dict[str, Job]] = {}
        self._sequences: dict[str, int] = {}
        self._remembered: dict[str, bytes] = {}
        self._leases: dict[str, tuple[bytes, float | None]] = {}  # key -> (value, expires or None)
        self._clock: ClockState | None = None
        self._journal: dict[str, builtins.list[str]] = {}

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

    async def recall(self, key: str) -> bytes | None:
        return self._remembered.get(key)

    async def lease(self, key: str, value: bytes, seconds: float) -> bytes | None:
        held = self._leases.get(key)
        if held is not None and (held[1] is None or held[1] > time.time()):
            return held[0]
        self._leases[key] = (bytes(value), time.time() + seconds)
        return None

    async def settle(self, key: str, holder: bytes, value: bytes | None) -> bool:
        held = self._leases.get(key)
        if held is None or held[0] != holder or (held[1] is not None and held[1] <= time.time()):
            return False
        if value is None:
            del self._leases[key]
        else:
            self._leases[key] = (bytes(value), None)
        return True

    async def journal_add(self, entries: Sequence[tuple[str, str]], keep: int) -> None:
        for api, record in entries:
            self._journal.setdefault(api, []).append(record)
        for api in {api for api, _ in entries}:
            del self._journal[api][: max(0, len(self._journal[api]) - keep)]

    async def journal(self, api: str | None = None) -> builtins.list[str]:
        if api is not None:
            return list(self._journal.get(api, ()))
        return [record for records in self._journal.values() for record in records]

    async def journal_clear(self) -> None:
        self._journal = {}

    async def clear(self) -> None:
        self._reset()

    async def close(self) -> None:
        return None
