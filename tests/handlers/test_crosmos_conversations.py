"""Crosmos from the client's side: ingest a conversation into a space, poll the job it started.

Facts: apis.md §2 [DOC C3] (POST /api/v1/conversations {space_id, messages: 1..500 of {role,
content}, session_id? (auto-generated if absent), session_date?, meta?} -> the sources route's
accepted shape {job_id, source_ids, status: pending}, 202); the job route is the sources route's;
FastAPI's 422 bodies. Each message is one source (handlers/crosmos.py), so the scenario rules of
fixtures/crosmos.yaml read the messages' content.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.handlers.conftest import MockClient
from tests.handlers.crosmos_ingestion import API as API
from tests.handlers.crosmos_ingestion import CONVERSATIONS, SPACE, conversation, poll

CREATE = CONVERSATIONS.path


def ingest(client: MockClient, headers: dict[str, str], body: Any) -> Any:
    return CONVERSATIONS.post(client, headers, body)


def stored_fields(client: MockClient, job_id: str) -> dict[str, Any]:
    job = client.call(client.app.mock.get, API, job_id)
    return dict(job.fields)


def test_a_conversation_starts_a_job_polled_on_the_job_route(
    client: MockClient, acme: dict[str, str]
) -> None:
    body = conversation(
        "Dana from Initech renews in March.",
        "Noted: a reminder in February.",
        "She prefers email.",
        session_id="call-2025-01-15",
        session_date="2025-01-15",
        meta={"channel": "phone"},
    )
    response = ingest(client, acme, body)
    assert response.status_code == 202
    job_id = response.json()["job_id"]

    job = poll(client, acme, job_id)
    ids = job["source_ids"]
    assert len(ids) == 3 and all(isinstance(i, int) for i in ids)  # one source per message
    assert response.json() == {  # the sources route's shape; its ids as UUIDs of the same sources
        "job_id": job_id,
        "source_ids": [str(uuid.uuid5(uuid.UUID(job_id), str(i))) for i in ids],
        "status": "pending",
    }
    assert (job["job_id"], job["status"], job["result"], job["started_at"]) == (
        job_id,
        "pending",
        None,
        None,
    )
    client.advance(2 + 15)
    done = poll(client, acme, job_id)
    assert done["status"] == "completed"
    assert done["result"]["source_ids"] == ids and done["result"]["failed_source_ids"] == []
    assert done["result"]["memory_count"] > 0 and done["result"]["tokens_used"] > 0
    fields = stored_fields(client, job_id)
    assert (fields["space_id"], fields["session_id"], fields["session_date"]) == (
        SPACE,
        "call-2025-01-15",
        "2025-01-15",
    )


def test_the_202_links_to_the_job_route(client: MockClient) -> None:
    operation = client.app.mock.apis[API].spec.document["paths"][CREATE]["post"]
    link = operation["responses"]["202"]["links"]["GetJobStatus"]
    assert link["operationId"] == "get_job_status_api_v1_jobs__job_id__get"
    assert link["parameters"] == {"job_id": "$response.body#/job_id"}
    assert operation["x-jobmock-source"].endswith("/conversations/ingest-conversation")


@pytest.mark.parametrize("absent", [{}, {"session_id": None}])
def test_a_session_id_is_generated_when_none_is_sent(
    client_for: Any, absent: dict[str, Any]
) -> None:
    generated = []
    for _ in range(2):  # two fresh mocks with the same seed: the same id
        client = client_for(API)
        acme = client.tenant_headers(API, "acme")
        job_id = ingest(client, acme, conversation("hello", **absent)).json()["job_id"]
        generated.append(stored_fields(client, job_id)["session_id"])
    assert generated[0] == generated[1]
    assert uuid.UUID(generated[0]).version == 4


def test_each_conversation_gets_its_own_session(client: MockClient, acme: dict[str, str]) -> None:
    first = ingest(client, acme, conversation("a")).json()["job_id"]
    second = ingest(client, acme, conversation("a")).json()["job_id"]
    assert stored_fields(client, first)["session_id"] != stored_fields(client, second)["session_id"]


def test_five_hundred_messages_at_most(client: MockClient, acme: dict[str, str]) -> None:
    accepted = ingest(client, acme, conversation(*["m"] * 500))
    assert accepted.status_code == 202 and len(accepted.json()["source_ids"]) == 500
    messages = conversation(*["m"] * 501)["messages"]
    response = ingest(client, acme, {"space_id": SPACE, "messages": messages})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "too_long",
                "loc": ["body", "messages"],
                "msg": "List should have at most 500 items after validation, not 501",
                "input": messages,
                "ctx": {"field_type": "List", "max_length": 500, "actual_length": 501},
            }
        ]
    }


@pytest.mark.parametrize(
    ("body", "items"),
    [
        (
            {"messages": [{"role": "user", "content": "x"}]},
            [
                {
                    "type": "missing",
                    "loc": ["body", "space_id"],
                    "msg": "Field required",
                    "input": {"messages": [{"role": "user", "content": "x"}]},
                }
            ],
        ),
        (
            {"space_id": SPACE, "messages": []},
            [
                {
                    "type": "too_short",
                    "loc": ["body", "messages"],
                    "msg": "List should have at least 1 item after validation, not 0",
                    "input": [],
                    "ctx": {"field_type": "List", "min_length": 1, "actual_length": 0},
                }
            ],
        ),
        (
            {"space_id": SPACE},
            [
                {
                    "type": "missing",
                    "loc": ["body", "messages"],
                    "msg": "Field required",
                    "input": {"space_id": SPACE},
                }
            ],
        ),
        (
            {"space_id": SPACE, "messages": [{"content": "x"}]},
            [
                {
                    "type": "missing",
                    "loc": ["body", "messages", 0, "role"],
                    "msg": "Field required",
                    "input": {"content": "x"},
                }
            ],
        ),
        (
            {"space_id": SPACE, "messages": [{"role": "user", "content": "x"}, {"role": "user"}]},
            [
                {
                    "type": "missing",
                    "loc": ["body", "messages", 1, "content"],
                    "msg": "Field required",
                    "input": {"role": "user"},
                }
            ],
        ),
        (  # role is declared before content: pydantic reports it first
            {"space_id": SPACE, "messages": [{}]},
            [
                {
                    "type": "missing",
                    "loc": ["body", "messages", 0, "role"],
                    "msg": "Field required",
                    "input": {},
                },
                {
                    "type": "missing",
                    "loc": ["body", "messages", 0, "content"],
                    "msg": "Field required",
                    "input": {},
                },
            ],
        ),
        (
            {"space_id": "space-1", "messages": [{"role": "user", "content": "x"}]},
            [
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
                }
            ],
        ),
        (
            {"space_id": SPACE, "messages": [{"role": "user", "content": 7}]},
            [
                {
                    "type": "string_type",
                    "loc": ["body", "messages", 0, "content"],
                    "msg": "Input should be a valid string",
                    "input": 7,
                }
            ],
        ),
    ],
)
def test_a_body_that_breaks_the_schema_is_fastapis_422(
    client: MockClient, acme: dict[str, str], body: Any, items: list[dict[str, Any]]
) -> None:
    response = ingest(client, acme, body)
    assert response.status_code == 422
    assert response.json() == {"detail": items}


def test_the_conversations_202_is_marked_inferred(client: MockClient) -> None:
    """apis.md §2 [DOC C3]: "same accepted shape", "[INF] also 202": the overlay says so."""
    document = client.app.mock.apis[API].spec.document
    answer = document["paths"]["/api/v1/conversations"]["post"]["responses"]["202"]
    assert answer["x-jobmock-inferred"] is True
