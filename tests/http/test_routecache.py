"""Each path's route remembered (jobmock.http.routecache.CachedRouting): a path answered once is
answered the same way again without going through the Routers; what reached no operation (404,
405) goes through them every time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Mount
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual"))) as client:
        yield client


@pytest.fixture
def mount_matches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the Routers' Mounts were asked to match."""
    seen: list[str] = []
    original = Mount.matches

    def matches(self: Mount, scope: Any) -> Any:
        seen.append(scope["path"])
        return original(self, scope)

    monkeypatch.setattr(Mount, "matches", matches)
    return seen


def jobs(client: TestClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/_mock/apis/matcher/jobs").json()
    return found


def test_a_path_answered_once_skips_the_routers_next_time(
    client: TestClient, mount_matches: list[str]
) -> None:
    first, second = jobs(client)[:2]
    answers = []
    for job in (first, second, first, second):
        mount_matches.clear()
        response = client.get(job["status_path"], headers=job["headers"])
        answers.append((response.status_code, response.json(), bool(mount_matches)))
    assert [a[0] for a in answers] == [200] * 4
    assert answers[0][1] == answers[2][1] and answers[1][1] == answers[3][1]
    assert answers[0][1] != answers[1][1], "each path keeps its own path parameters"
    routed = [a[2] for a in answers]
    assert routed[2:] == [False, False], "a remembered path went through the Routers"


def test_a_path_that_reached_no_operation_is_routed_every_time(
    client: TestClient, mount_matches: list[str]
) -> None:
    for _ in range(2):
        mount_matches.clear()
        assert client.get("/matcher/v1/no/such/route").status_code == 404
        assert mount_matches, "a 404 was answered from the table"
    job = jobs(client)[0]
    for _ in range(2):
        mount_matches.clear()
        assert client.delete(job["status_path"], headers=job["headers"]).status_code == 405
        assert mount_matches, "a 405 was answered from the table"


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(job_id=st.uuids().map(str) | st.text(alphabet="abcdef0123456789-", min_size=1, max_size=40))
def test_a_remembered_route_answers_as_the_routers_did(client: TestClient, job_id: str) -> None:
    job = jobs(client)[0]
    path = job["status_path"].rsplit("/", 1)[0] + "/" + job_id
    first = client.get(path, headers=job["headers"])
    again = client.get(path, headers=job["headers"])
    assert (again.status_code, again.content) == (first.status_code, first.content)
