"""Crosmos from the client's side: post sources of text into a space, poll the job they started.

Facts: apis.md §2 (POST /api/v1/sources {space_id, sources: 1..100 of {content, content_type text|
markdown, role?, sequence, meta?}} -> 202 {job_id, source_ids as UUIDs, status: pending}; the job
route lists the sources as integers; FastAPI's 422 bodies). Scenario rules: fixtures/crosmos.yaml.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.handlers.conftest import MockClient
from tests.handlers.crosmos_ingestion import API as API
from tests.handlers.crosmos_ingestion import SOURCES, SPACE, poll, sources

CREATE = SOURCES.path


def ingest(client: MockClient, headers: dict[str, str], body: Any) -> Any:
    return SOURCES.post(client, headers, body)


def test_posted_sources_start_a_job_with_one_source_each(
    client: MockClient, acme: dict[str, str]
) -> None:
    body = {
        "space_id": SPACE,
        "sources": [
            {"content": "Dana renews in March.", "role": "user", "sequence": 0},
            {"content": "# Notes\n\nPrefers email.", "content_type": "markdown", "sequence": 1},
            {"content": "Budget approved.", "meta": {"channel": "email"}},
        ],
    }
    response = ingest(client, acme, body)
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "pending"
    assert len(accepted["source_ids"]) == 3
    assert all(uuid.UUID(i) for i in accepted["source_ids"])  # UUIDs here, integers below

    job = poll(client, acme, accepted["job_id"])
    assert (job["status"], job["result"], job["started_at"]) == ("pending", None, None)
    assert len(job["source_ids"]) == 3 and all(isinstance(i, int) for i in job["source_ids"])
    client.advance(2 + 15)
    done = poll(client, acme, accepted["job_id"])
    assert done["status"] == "completed"
    result = done["result"]
    assert result["source_ids"] == job["source_ids"] and result["failed_source_ids"] == []
    assert result["memory_count"] > 0 and result["tokens_used"] > 0


def test_longer_text_yields_more(client: MockClient, acme: dict[str, str]) -> None:
    short = ingest(client, acme, sources("a")).json()["job_id"]
    long = ingest(client, acme, sources("word " * 2000)).json()["job_id"]
    client.advance(60)
    assert (
        poll(client, acme, long)["result"]["tokens_used"]
        > poll(client, acme, short)["result"]["tokens_used"]
    )


def test_a_hundred_sources_at_most(client: MockClient, acme: dict[str, str]) -> None:
    assert ingest(client, acme, sources(*["s"] * 100)).status_code == 202
    response = ingest(client, acme, sources(*["s"] * 101))
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert (item["type"], item["loc"], item["msg"]) == (
        "too_long",
        ["body", "sources"],
        "List should have at most 100 items after validation, not 101",
    )
    assert item["ctx"] == {"field_type": "List", "max_length": 100, "actual_length": 101}


@pytest.mark.parametrize(
    ("body", "item"),
    [
        (
            {"sources": [{"content": "x"}]},
            {
                "type": "missing",
                "loc": ["body", "space_id"],
                "msg": "Field required",
                "input": {"sources": [{"content": "x"}]},
            },
        ),
        (
            {"space_id": "space-1", "sources": [{"content": "x"}]},
            {
                "type": "uuid_parsing",
                "loc": ["body", "space_id"],
                "msg": "Input should be a valid UUID, invalid character: expected an optional "
                "prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `s` at 1",
                "input": "space-1",
                "ctx": {
                    "error": "invalid character: expected an optional prefix of `urn:uuid:` "
                    "followed by [0-9a-fA-F-], found `s` at 1"
                },
            },
        ),
        (
            {"space_id": SPACE, "sources": []},
            {
                "type": "too_short",
                "loc": ["body", "sources"],
                "msg": "List should have at least 1 item after validation, not 0",
                "input": [],
                "ctx": {"field_type": "List", "min_length": 1, "actual_length": 0},
            },
        ),
        (
            {"space_id": SPACE, "sources": [{"role": "user"}]},
            {
                "type": "missing",
                "loc": ["body", "sources", 0, "content"],
                "msg": "Field required",
                "input": {"role": "user"},
            },
        ),
        (
            {"space_id": SPACE, "sources": [{"content": "x", "content_type": "html"}]},
            {
                "type": "enum",
                "loc": ["body", "sources", 0, "content_type"],
                "msg": "Input should be 'text' or 'markdown'",
                "input": "html",
                "ctx": {"expected": "'text' or 'markdown'"},
            },
        ),
        (
            {"space_id": SPACE, "sources": [{"content": "x", "sequence": "first"}]},
            {
                "type": "int_parsing",  # pydantic's lax mode tries to parse a string
                "loc": ["body", "sources", 0, "sequence"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "first",
            },
        ),
        (
            {"space_id": SPACE, "sources": [{"content": "x", "sequence": 1.5}]},
            {
                "type": "int_from_float",
                "loc": ["body", "sources", 0, "sequence"],
                "msg": "Input should be a valid integer, got a number with a fractional part",
                "input": 1.5,
            },
        ),
        (
            {"space_id": SPACE, "sources": [{"content": "x", "sequence": [1]}]},
            {
                "type": "int_type",
                "loc": ["body", "sources", 0, "sequence"],
                "msg": "Input should be a valid integer",
                "input": [1],
            },
        ),
    ],
)
def test_a_body_that_breaks_the_schema_is_fastapis_422(
    client: MockClient, acme: dict[str, str], body: Any, item: dict[str, Any]
) -> None:
    response = ingest(client, acme, body)
    assert response.status_code == 422
    assert response.json() == {"detail": [item]}


NOT_A_UUID = (
    "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], "
    "found `s` at 1"
)


@pytest.mark.parametrize(
    ("body", "items"),
    [
        (  # space_id is declared before sources: pydantic reports it first
            {"space_id": "space-1"},
            [
                {
                    "type": "uuid_parsing",
                    "loc": ["body", "space_id"],
                    "msg": f"Input should be a valid UUID, {NOT_A_UUID}",
                    "input": "space-1",
                    "ctx": {"error": NOT_A_UUID},
                },
                {
                    "type": "missing",
                    "loc": ["body", "sources"],
                    "msg": "Field required",
                    "input": {"space_id": "space-1"},
                },
            ],
        ),
        (  # every source, each in the order of its fields
            {
                "space_id": SPACE,
                "sources": [
                    {"role": "user"},
                    {"content": "x"},
                    {"sequence": "first", "content_type": "html", "content": "x"},
                ],
            },
            [
                {
                    "type": "missing",
                    "loc": ["body", "sources", 0, "content"],
                    "msg": "Field required",
                    "input": {"role": "user"},
                },
                {
                    "type": "enum",
                    "loc": ["body", "sources", 2, "content_type"],
                    "msg": "Input should be 'text' or 'markdown'",
                    "input": "html",
                    "ctx": {"expected": "'text' or 'markdown'"},
                },
                {
                    "type": "int_parsing",
                    "loc": ["body", "sources", 2, "sequence"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                    "input": "first",
                },
            ],
        ),
        (  # a list past its bound is reported alone: pydantic stops there, item problems unseen
            {"sources": [{"role": "user"}] + [{"content": "s"}] * 100},
            [
                {
                    "type": "missing",
                    "loc": ["body", "space_id"],
                    "msg": "Field required",
                    "input": {"sources": [{"role": "user"}] + [{"content": "s"}] * 100},
                },
                {
                    "type": "too_long",
                    "loc": ["body", "sources"],
                    "msg": "List should have at most 100 items after validation, not 101",
                    "input": [{"role": "user"}] + [{"content": "s"}] * 100,
                    "ctx": {"field_type": "List", "max_length": 100, "actual_length": 101},
                },
            ],
        ),
    ],
)
def test_fastapis_422_lists_every_problem_of_the_body(
    client: MockClient, acme: dict[str, str], body: Any, items: list[dict[str, Any]]
) -> None:
    response = ingest(client, acme, body)
    assert response.status_code == 422
    assert response.json() == {"detail": items}


@pytest.mark.parametrize(
    ("raw", "position"),
    [(b"{", 1), (b'{"space_id": "x",}', 17), (b"", None)],
)
def test_json_that_does_not_decode_is_fastapis_json_invalid_with_its_position(
    client: MockClient, acme: dict[str, str], raw: bytes, position: int | None
) -> None:
    """FastAPI's request handling: a json.JSONDecodeError becomes `{"type": "json_invalid",
    "loc": ["body", e.pos], "msg": "JSON decode error", "input": {}, "ctx": {"error": e.msg}}`
    (issue 17, C2); no body at all is pydantic's `missing`."""
    headers = {**acme, "Content-Type": "application/json"}
    for route in ("/crosmos/api/v1/sources", "/crosmos/api/v1/conversations"):
        response = client.http.post(route, headers=headers, content=raw)
        assert response.status_code == 422, response.text
        expected = (
            {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
            if position is None
            else {
                "type": "json_invalid",
                "loc": ["body", position],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting property name enclosed in double quotes"},
            }
        )
        assert response.json() == {"detail": [expected]}
