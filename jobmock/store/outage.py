"""A store's outages as a worker sees them: one log line when it goes down or busy, one when it
answers again, however many requests meet it meanwhile (each is answered 503 by the APIs)."""

from __future__ import annotations

import logging

from jobmock.store.base import StoreUnavailable

logger = logging.getLogger("jobmock")


class Outage:
    """Whether the last call to one store failed for want of the store; logs the changes only."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.down = False

    def failed(self, reason: str) -> StoreUnavailable:
        """The error to raise for this call; logged if the store was answering until now."""
        if not self.down:
            self.down = True
            logger.warning(
                "store unavailable: %s: %s (answering 503 until it is back)", self.store, reason
            )
        return StoreUnavailable(f"{self.store}: {reason}")

    def answered(self) -> None:
        """The store answered a call: the outage, if there was one, is over."""
        if self.down:
            self.down = False
            logger.warning("store available again: %s", self.store)
