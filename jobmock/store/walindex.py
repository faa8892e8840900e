"""Whether another connection has committed to a SQLite file in WAL mode, in well under a µs.

SQLite keeps the WAL-index header in the ``-shm`` file beside the database (its documented file
format, https://sqlite.org/walformat.html, "The WAL-Index Header"): every commit rewrites it (the
change counter, the last valid frame, the checksums). SQLite's own readers compare a copy of those
48 bytes to decide whether their page cache is still good; :class:`WalIndexWatch` does the same
for the store's decoded-record cache. ``PRAGMA data_version`` answers the same question through a
statement, ~13 µs on the busy 2-core machine against ~0.4 µs for this look (measured 2026-12-03).

Locks.  SQLite locks the ``-shm`` file with POSIX advisory locks, which a process loses on that file
as soon as it closes ANY descriptor of it. So the file is opened once per process and file, shared
by every store on it, and closed only when the last of them closes (its SQLite connections closed
first): never while a connection of this process relies on a lock. SQLite truncates the file only
when no connection holds it, so the mapping stays valid meanwhile.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from pathlib import Path

HEADER_BYTES = 48  # the first copy of the WAL-index header (WalIndexHdr)


@dataclass
class _Mapped:
    descriptor: int
    mapping: mmap.mmap
    users: int


_MAPPED: dict[tuple[int, int], _Mapped] = {}  # (device, inode) of a -shm file -> its one mapping


class WalIndexWatch:
    """The header bytes of ``<database>-shm``; :meth:`changed` says whether they moved."""

    def __init__(self, key: tuple[int, int], mapped: _Mapped) -> None:
        self._key = key
        self._mapping = mapped.mapping
        self._seen = b""

    @classmethod
    def open(cls, database: Path) -> WalIndexWatch | None:
        """A watch on ``database``'s WAL index; None where there is none to map (then the store
        asks SQLite instead)."""
        path = f"{database}-shm"
        try:
            status = os.stat(path)
        except OSError:
            return None
        key = (status.st_dev, status.st_ino)
        mapped = _MAPPED.get(key)
        if mapped is None:
            if status.st_size < HEADER_BYTES:
                return None
            try:
                descriptor = os.open(path, os.O_RDONLY)
            except OSError:
                return None
            try:
                mapping = mmap.mmap(descriptor, HEADER_BYTES, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                os.close(descriptor)  # nothing of ours holds this file yet: no lock to lose
                return None
            mapped = _MAPPED[key] = _Mapped(descriptor, mapping, 0)
        mapped.users += 1
        return cls(key, mapped)

    def changed(self) -> bool:
        """True if a commit happened since the last call (and on the first call)."""
        header = self._mapping[:HEADER_BYTES]
        if header == self._seen:
            return False
        self._seen = header
        return True

    def close(self) -> None:
        """Let go of the file: closed with its last watch (call after closing the connection)."""
        mapped = _MAPPED.get(self._key)
        if mapped is None:
            return
        mapped.users -= 1
        if mapped.users <= 0:
            del _MAPPED[self._key]
            mapped.mapping.close()
            os.close(mapped.descriptor)
