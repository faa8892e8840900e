"""jobmock.uploads.forms: a body is read as a bounded stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from jobmock.uploads import forms


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_bounded_stops_as_soon_as_the_limit_is_passed() -> None:
    read: list[bytes] = []

    async def consume() -> None:
        async for chunk in forms.bounded(chunks(b"12345", b"67890", b"never read"), 8):
            read.append(chunk)

    with pytest.raises(forms.BodyTooLarge):
        asyncio.run(consume())
    assert read == [b"12345"]
