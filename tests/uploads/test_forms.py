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


def test_a_json_field_is_parsed_within_its_depth() -> None:
    form = forms.Form(fields={"ok": ['{"a": [1]}'], "deep": ["[" * 5000], "nested": ["[[[1]]]"]})
    assert form.json("ok", 2) == {"a": [1]} and form.json("absent", 2) is None
    assert form.json("nested", 3) == [[[1]]]
    for name, depth in (("deep", 64), ("nested", 2)):
        with pytest.raises(ValueError):
            form.json(name, depth)
