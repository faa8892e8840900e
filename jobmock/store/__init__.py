"""Where jobs, forced transitions, id sequences, idempotency keys and the clock are kept.

    base      the Store interface, StoreError, JobNotFound
    memory    MemoryStore: one process (memory://)
    sqlite    SQLiteStore: one file every worker on a machine shares (sqlite:///path); the
              file itself in sqlite_file, its sharing between workers in sqlite_sharing
    redis     RedisStore: several machines (redis://host:6379/0)
    codec     how the shared stores write jobs and the clock

:data:`STORES` maps URL schemes to factories; backends are imported when first opened.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from jobmock.limits import Limits
from jobmock.store.base import JobNotFound, Store, StoreError, StoreUnavailable
from jobmock.store.memory import MemoryStore

__all__ = [
    "STORES",
    "JobNotFound",
    "MemoryStore",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]


def _sqlite(url: str, limits: Limits) -> Store:
    from jobmock.store.sqlite import SQLiteStore

    return SQLiteStore.from_url(url, limits.store_busy_timeout_s)


def _redis(url: str, limits: Limits) -> Store:
    try:
        from jobmock.store.redis import RedisStore
    except ImportError as exc:  # redis is a dependency; this is a broken install
        raise StoreError(
            f"{url!r} needs the redis package (pip install 'redis>=5'): {exc}"
        ) from None
    return RedisStore.from_url(url, limits.store_busy_timeout_s)


STORES: dict[str, Callable[[str, Limits], Store]] = {
    "memory": lambda url, limits: MemoryStore(),
    "sqlite": _sqlite,
    "redis": _redis,
    "rediss": _redis,
}
"""URL scheme -> factory taking the whole URL and the limits (backends are imported when first
opened)."""


def open_store(url: str, limits: Limits | None = None) -> Store:
    """Open the store at ``url``, e.g. ``memory://``, waiting for it as long as ``limits`` say."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    try:
        factory = STORES[scheme]
    except KeyError:
        known = ", ".join(f"{name}://" for name in STORES)
        raise StoreError(f"unknown store URL {url!r} (known schemes: {known})") from None
    return factory(url, limits or Limits())
