"""What the Crosmos tests share: the two routes that start an ingestion job, and polling it.

POST /api/v1/sources takes `sources: [{content}]`, POST /api/v1/conversations takes
`messages: [{role, content}]` (one source per message); both answer the same accepted shape and
start a job polled at /api/v1/jobs/{job_id} (apis.md §2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.handlers.conftest import MockClient

API = "crosmos"
STATUS = "/api/v1/jobs/{job_id}"
SPACE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def sources(*contents: str) -> dict[str, Any]:
    return {"space_id": SPACE, "sources": [{"content": c} for c in contents]}


def conversation(*contents: str, **extra: Any) -> dict[str, Any]:
    roles = ("user", "assistant")
    messages = [{"role": roles[i % 2], "content": c} for i, c in enumerate(contents)]
    return {"space_id": SPACE, "messages": messages, **extra}


@dataclass(frozen=True)
class IngestRoute:
    path: str
    body: Callable[..., dict[str, Any]]  # the texts of the sources -> a request body

    def post(self, client: MockClient, headers: dict[str, str], body: Any) -> Any:
        response = client.http.post(f"/crosmos{self.path}", headers=headers, json=body)
        client.assert_conforms(API, self.path, "post", response)
        return response


SOURCES = IngestRoute("/api/v1/sources", sources)
CONVERSATIONS = IngestRoute("/api/v1/conversations", conversation)


def poll(client: MockClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    response = client.get(f"/crosmos/api/v1/jobs/{job_id}", headers=headers)
    assert response.status_code == 200, response.text
    client.assert_conforms(API, STATUS, "get", response)
    body: dict[str, Any] = response.json()
    return body
