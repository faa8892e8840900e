"""Timestamps the way each vendor writes them (RFC 3339, UTC, with 0, 3 or 6 fraction digits)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime


@functools.lru_cache(maxsize=4096)  # a job's moments repeat on every poll of it
def rfc3339(t: float, digits: int = 0) -> str:
    """`2025-01-15T10:30:00Z` (digits=0), `...00.000Z` (3) or `...00.000000Z` (6)."""
    moment = datetime.fromtimestamp(t, UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += f".{moment.microsecond:06d}"[: digits + 1]
    return text + "Z"


def uuid7(t: float, random_bits: int) -> str:
    """A UUIDv7 (time-ordered, as Matcher's newer ids are) for time `t` and 74 random bits."""
    ms = int(t * 1000) & ((1 << 48) - 1)
    rand_a = (random_bits >> 62) & 0xFFF
    rand_b = random_bits & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
