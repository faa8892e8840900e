"""Idempotent uploads: a repeated request gets the first answer, or is refused while the first
is still being processed (claims built on the store's set-if-absent, so workers agree)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class KeyInProgress(Exception):
    """The first request under this idempotency key is still being processed."""


FAILED = b"failed"  # how a claimed request ended without an answer: the key may be used again
OBSERVED = b"observed"  # an outcome slot taken by a request that saw the claim still pending


@dataclass
class Claim:
    """An idempotency key, as one request found it: the first answer to `replay`, or held by
    this request, which records how it ended with `settle`."""

    store: Any
    slots: str = ""  # the prefix of this claim's outcome slots ("" for a replay)
    replay: Mapping[str, Any] | None = None

    async def settle(self, answer: Mapping[str, Any] | None) -> None:
        """Records the answer (None: the request failed, the key is free again)."""
        value = FAILED if answer is None else json.dumps(answer).encode()
        slot = 0
        while await self.store.remember(f"{self.slots}:{slot}", value) is not None:
            slot += 1  # a request saw this claim pending and took the slot: the next one


async def claim_key(store: Any, key: str) -> Claim:
    """The key held by this request, or the first answer to replay; `KeyInProgress` while the
    request holding it has not ended.

    Built on the store's set-if-absent alone, so workers sharing a store agree: attempt n of a key
    is held by whoever sets `<key>:<n>` first, and ends in the first of its outcome slots
    `<key>:<n>:<j>` its holder sets; a request that finds the attempt held takes the next free slot
    itself (the holder, still pending then, writes after it). A failed attempt frees the key for
    the next one.
    """
    attempt = 0
    while True:
        held = f"{key}:{attempt}"
        if await store.remember(held, b"held") is None:
            return Claim(store, slots=held)
        slot = 0
        while (outcome := await store.remember(f"{held}:{slot}", OBSERVED)) == OBSERVED:
            slot += 1
        if outcome is None:
            raise KeyInProgress(key)
        if outcome != FAILED:
            replay: Mapping[str, Any] = json.loads(outcome)
            return Claim(store, replay=replay)
        attempt += 1
