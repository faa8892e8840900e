"""MemoryStore keeps the clock contract too (the rest of its contract is in tests/store/test_base.py)."""

from __future__ import annotations

from jobmock.store import Store, open_store
from tests.store.contract import UpdateClockContract


class TestMemoryUpdateClock(UpdateClockContract):
    def make_store(self) -> Store:
        return open_store("memory://")
