"""RedisStore: state shared by jobmock servers on several machines (``--store redis://host:6379/0``).

URL: ``redis://[[user]:password@]host[:port][/db][?prefix=NAME]`` (``rediss://`` for TLS).  Every
key starts with ``prefix`` (default ``jobmock``), so mocks with different prefixes share one Redis
without seeing each other, and ``clear`` deletes only that prefix's keys::

    jobmock:<api>:job:<id>   the job as JSON (store_codec), transitions included
    jobmock:<api>:jobs       sorted set of ids, scored by jobmock:<api>:order (creation order)
    jobmock:<api>:order      counter behind those scores
    jobmock:<api>:seq        next_sequence (INCR)
    jobmock:_clock           the clock settings as JSON
    jobmock:_remember:<key>  remembered values (set if absent)
    jobmock:_lease:<key>     leased values (set if absent, expiring unless settled: Redis' own TTL)
    jobmock:_journal:<api>   the request journal's records of one API (a list, trimmed to the last N)
    jobmock:_journal         the set of APIs with a journal list

Atomicity: ``put`` and ``remember`` are Lua scripts; ``add_transition`` and ``update_clock`` run
the caller's Python function between WATCH and MULTI/EXEC and retry when another client changed the
key meanwhile, so concurrent changes are never lost; ``next_sequence`` is INCR.  A single Redis
server (or a primary) is expected: the scripts touch several keys, which Redis Cluster would refuse.

Redis errors (wrong password, a script refused...) are raised as :class:`~jobmock.store.StoreError`;
a server that cannot be reached or answer in time (down, restarting, loading its data) as
:class:`~jobmock.store.StoreUnavailable` (503), without the chained traceback, logged once per outage
(:class:`~jobmock.store.outage.Outage`).  The client connects within ``store_busy_timeout_s``, waits
``COMMAND_TIMEOUT_S`` at most for an answer (a stopped server), and does not retry by itself: the
next request tries again, and the first that gets through ends the outage.

This module is imported only when a redis URL is opened (``jobmock.store.STORES``).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Coroutine, Sequence
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError

from jobmock.model.clock import ClockState
from jobmock.model.lifecycle import Job, Transition
from jobmock.store.base import JobNotFound, StoreError
from jobmock.store.codec import dump_clock, dump_job, load_clock, load_job
from jobmock.store.outage import Outage

DEFAULT_PREFIX = "jobmock"
COMMAND_TIMEOUT_S = 10.0  # one command's answer (a list of many jobs takes longer than connecting)
_PREFIX = re.compile(r"[A-Za-z0-9_.-]+")  # no glob characters: clear() SCANs for PREFIX:*
_BATCH = 1000

# KEYS: job, index, order counter; ARGV: record, id.  A new id goes to the end of the index.
_PUT = """
if not redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""

# KEYS: key; ARGV: value.  Returns the value already there, or nil after storing ARGV[1].
_REMEMBER = """
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1])
return false
"""

# KEYS: key; ARGV: value, milliseconds.  Returns the value held, or nil after leasing ARGV[1].
_LEASE = """
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
"""

# KEYS: key; ARGV: holder, '1' to keep a value or '0' to drop the key, the value.
_SETTLE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '1' then redis.call('SET', KEYS[1], ARGV[3]) else redis.call('DEL', KEYS[1]) end
return 1
"""

P = ParamSpec("P")
R = TypeVar("R")


def _translated(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Redis' own errors enter jobmock here, as StoreError naming the server."""

    @wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        store = cast("RedisStore", args[0])
        try:
            result = await method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise store.outage.failed(f"{type(exc).__name__}: {exc}") from None
        except RedisError as exc:
            raise StoreError(f"{store!r}: {type(exc).__name__}: {exc}") from exc
        store.outage.answered()
        return result

    return call


def parse_url(url: str) -> tuple[str, str]:
    """(the URL for redis-py without jobmock's own ``prefix`` parameter, the prefix)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [value for name, value in query if name == "prefix"]
    prefix = prefixes[-1] if prefixes else DEFAULT_PREFIX
    if not _PREFIX.fullmatch(prefix):
        raise StoreError(f"{url!r}: prefix must be letters, digits, '_', '.' or '-'")
    rest = urlencode([(name, value) for name, value in query if name != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisStore:
    """Jobs, sequences, remembered keys and the clock in Redis (see the module doc)."""

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, timeout_s: float = 1.0) -> None:
        try:
            self._redis: aioredis.Redis = aioredis.Redis.from_url(
                url,
                socket_connect_timeout=timeout_s,
                socket_timeout=max(timeout_s, COMMAND_TIMEOUT_S),  # a hung server: 503, not a hang
                retry=Retry(NoBackoff(), 0),
            )
        except ValueError as exc:  # redis-py rejects malformed URLs with ValueError
            raise StoreError(f"cannot open {url!r}: {exc}") from None
        parts = urlsplit(url)
        self.address = f"{parts.scheme}://{parts.hostname or 'localhost'}:{parts.port or 6379}"
        self.address += parts.path or "/0"  # the URL without its password
        self.prefix = prefix
        self._put = self._redis.register_script(_PUT)
        self._remember = self._redis.register_script(_REMEMBER)
        self._lease = self._redis.register_script(_LEASE)
        self._settle = self._redis.register_script(_SETTLE)
        self.outage = Outage(repr(self))
        self._closed = False

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 1.0) -> RedisStore:
        redis_url, prefix = parse_url(url)
        return cls(redis_url, prefix, timeout_s)

    def __repr__(self) -> str:
        return f"RedisStore({self.address!r}, prefix={self.prefix!r})"

    def _job_key(self, api: str, job_id: str) -> str:
        return f"{self.prefix}:{api}:job:{job_id}"

    def _key(self, api: str, name: str) -> str:
        return f"{self.prefix}:{api}:{name}"

    @property
    def _clock_key(self) -> str:
        return f"{self.prefix}:_clock"

    @_translated
    async def get(self, api: str, job_id: str) -> Job | None:
        raw = await self._redis.get(self._job_key(api, job_id))
        return None if raw is None else load_job(raw)

    @_translated
    async def put(self, job: Job) -> None:
        keys = [
            self._job_key(job.api, job.id),
            self._key(job.api, "jobs"),
            self._key(job.api, "order"),
        ]
        await self._put(keys=keys, args=[dump_job(job), job.id])

    @_translated
    async def delete(self, api: str, job_id: str) -> bool:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._job_key(api, job_id))
            pipe.zrem(self._key(api, "jobs"), job_id)
            deleted, _ = await pipe.execute()
        return bool(deleted)

    @_translated
    async def list(self, api: str, tenant: str | None = None) -> builtins.list[Job]:
        members = await self._redis.zrange(self._key(api, "jobs"), 0, -1)
        ids = [cast(bytes, member).decode() for member in members]
        if not ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for start in range(0, len(ids), _BATCH):
                pipe.mget([self._job_key(api, job_id) for job_id in ids[start : start + _BATCH]])
            batches = await pipe.execute()
        jobs = (load_job(raw) for batch in batches for raw in batch if raw is not None)
        return [job for job in jobs if tenant is None or job.tenant == tenant]

    async def _update(self, key: str, change: Callable[[bytes | None], str]) -> None:
        """Store ``change(current value)`` under ``key`` unless another client changed it first
        (then try again with the new value): optimistic locking with WATCH/MULTI/EXEC."""
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    new = change(cast("bytes | None", await pipe.get(key)))
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, new)
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    @_translated
    async def add_transition(self, api: str, job_id: str, make: Callable[[Job], Transition]) -> Job:
        result: builtins.list[Job] = []

        def change(raw: bytes | None) -> str:
            if raw is None:
                raise JobNotFound(f"no {api} job {job_id!r}")
            job = load_job(raw)
            result[:] = [job.with_transition(make(job))]
            return dump_job(result[0])

        await self._update(self._job_key(api, job_id), change)
        return result[0]

    @_translated
    async def next_sequence(self, api: str) -> int:
        return int(await self._redis.incr(self._key(api, "seq")))

    @_translated
    async def get_clock(self) -> ClockState | None:
        raw = await self._redis.get(self._clock_key)
        return None if raw is None else load_clock(raw)

    @_translated
    async def set_clock(self, state: ClockState) -> None:
        await self._redis.set(self._clock_key, dump_clock(state))

    @_translated
    async def update_clock(self, change: Callable[[ClockState | None], ClockState]) -> ClockState:
        result: builtins.list[ClockState] = []

        def write(raw: bytes | None) -> str:
            result[:] = [change(None if raw is None else load_clock(raw))]
            return dump_clock(result[0])

        await self._update(self._clock_key, write)
        return result[0]

    @_translated
    async def remember(self, key: str, value: bytes) -> bytes | None:
        existing = await self._remember(
            keys=[f"{self.prefix}:_remember:{key}"], args=[bytes(value)]
        )
        return None if existing is None else bytes(existing)

    @_translated
    async def recall(self, key: str) -> bytes | None:
        existing = await self._redis.get(f"{self.prefix}:_remember:{key}")
        return None if existing is None else bytes(cast(bytes, existing))

    @_translated
    async def lease(self, key: str, value: bytes, seconds: float) -> bytes | None:
        milliseconds = max(1, round(seconds * 1000))
        existing = await self._lease(
            keys=[f"{self.prefix}:_lease:{key}"], args=[bytes(value), milliseconds]
        )
        return None if existing is None else bytes(existing)

    @_translated
    async def settle(self, key: str, holder: bytes, value: bytes | None) -> bool:
        keep = [b"0", b""] if value is None else [b"1", bytes(value)]
        done = await self._settle(keys=[f"{self.prefix}:_lease:{key}"], args=[bytes(holder), *keep])
        return bool(done)

    def _journal_key(self, api: str) -> str:
        return f"{self.prefix}:_journal:{api}"

    @_translated
    async def journal_add(self, entries: Sequence[tuple[str, str]], keep: int) -> None:
        apis = {api for api, _ in entries}
        if not apis:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            for api, record in entries:
                pipe.rpush(self._journal_key(api), record)
            for api in apis:
                pipe.ltrim(self._journal_key(api), -keep, -1)
            pipe.sadd(f"{self.prefix}:_journal", *apis)
            await pipe.execute()

    @_translated
    async def journal(self, api: str | None = None) -> builtins.list[str]:
        if api is None:
            members = await self._redis.smembers(f"{self.prefix}:_journal")  # type: ignore[misc]
            apis = sorted(cast(bytes, member).decode() for member in members)
        else:
            apis = [api]
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in apis:
                pipe.lrange(self._journal_key(name), 0, -1)
            lists = await pipe.execute()
        return [cast(bytes, raw).decode() for records in lists for raw in records]

    @_translated
    async def journal_clear(self) -> None:
        batch = [key async for key in self._redis.scan_iter(match=f"{self.prefix}:_journal*")]
        if batch:
            await self._redis.unlink(*batch)

    @_translated
    async def clear(self) -> None:
        batch: builtins.list[Any] = []
        async for key in self._redis.scan_iter(match=f"{self.prefix}:*", count=_BATCH):
            batch.append(key)
            if len(batch) >= _BATCH:
                await self._redis.unlink(*batch)
                batch.clear()
        if batch:
            await self._redis.unlink(*batch)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._redis.aclose()
