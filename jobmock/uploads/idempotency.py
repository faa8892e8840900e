"""Idempotent uploads: a repeated request gets the first answer, or is refused while the first
is still being processed.  A claim is a lease in the store (workers sharing it agree): a request
that never ends it (its worker was killed, the store went away) frees the key when the lease runs out."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HELD = b"held:"  # a claim's value starts with this: its holder's nonce follows


class KeyInProgress(Exception):
    """The first request under this idempotency key is still being processed."""


@dataclass
class Claim:
    """An idempotency key, as one request found it: the first answer to `replay`, or held by
    this request, which records how it ended with `settle`."""

    store: Any
    key: str = ""
    holder: bytes = b""  # this request's claim ("" for a replay)
    replay: Mapping[str, Any] | None = None

    async def settle(self, answer: Mapping[str, Any] | None) -> None:
        """Records the answer for good (None: the request failed, the key is free again). A claim
        whose lease ran out meanwhile records nothing: the key is someone else's now."""
        value = None if answer is None else json.dumps(answer).encode()
        await self.store.settle(self.key, self.holder, value)


async def claim_key(store: Any, key: str, lease_s: float) -> Claim:
    """The key held by this request for `lease_s` at most, or the first answer to replay;
    `KeyInProgress` while the request holding it has not ended and its lease runs.

    One set-if-absent per check, whatever the number of retries: nothing is written for a
    request that finds the key held or answered."""
    holder = HELD + secrets.token_hex(16).encode()  # unique per request, not drawn from --seed
    found = await store.lease(key, holder, lease_s)
    if found is None:
        return Claim(store, key, holder)
    if found.startswith(HELD):
        raise KeyInProgress(key)
    replay: Mapping[str, Any] = json.loads(found)
    return Claim(store, replay=replay)
