"""Which media types' examples are data (checked against the schema as JSON values)."""

from __future__ import annotations

import pytest

from jobmock.validate.rules.values import json_like


@pytest.mark.parametrize(
    ("media", "data"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("application/problem+json", True),
        ("application/vnd.api+json", True),
        ("application/yaml", True),
        ("application/x-yaml", True),
        ("APPLICATION/JSON", True),
        ("application/x-www-form-urlencoded", False),
        ("multipart/form-data", False),
        ("text/event-stream", False),
        ("text/csv", False),
        ("application/xml", False),
        ("application/jsonl", False),
        ("*/*", False),
    ],
)
def test_json_like_media_types(media: str, data: bool) -> None:
    assert json_like(media) is data
