"""What the journal copies of each request as it streams (jobmock.journal.capture): the bodies of
requests refused before anything read them, cut at the limit, and the entries a real server's
requests (uvicorn's scopes) make."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.journal.capture import Exchange, declared_body
from jobmock.limits import Limits
from jobmock.serving.app import create_app
from tests.servers import jobmock_serve

CROSMOS = {"Authorization": "Bearer csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ"}
CROSMOS_JOB = "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c"  # README's running job
SOURCES = "/crosmos/api/v1/sources"  # POST, a JSON body (specs/crosmos.overlay.yaml)
BODY = {"space_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "sources": [{"content": "hello"}]}
LIMIT = 64  # journal_max_body_bytes in these tests


@pytest.fixture
def client() -> Iterator[TestClient]:
    config = Config(clock="manual", limits=Limits(journal_max_body_bytes=LIMIT))
    with TestClient(create_app(config)) as client:
        yield client


def entries(client: TestClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/_mock/requests").json()
    return found


def test_bodies_of_requests_refused_before_reading_are_recorded(client: TestClient) -> None:
    sent = json.dumps({"space_id": "x"})  # shorter than the limit
    refusals = [
        client.post(SOURCES, content=sent, headers={"Content-Type": "application/json"}),
        client.post(SOURCES.replace("sources", "source"), content=sent, headers=CROSMOS),
        client.put(CROSMOS_JOB, content=sent, headers=CROSMOS),
    ]
    assert [r.status_code for r in refusals] == [401, 404, 405]
    recorded = sorted(entries(client), key=lambda e: e["time"])
    assert [e["status"] for e in recorded] == [401, 404, 405]
    for entry in recorded:
        assert entry["request"]["body"] == {"bytes": len(sent), "truncated": False, "text": sent}


def test_an_unread_body_is_cut_at_the_limit_and_its_length_given(client: TestClient) -> None:
    sent = "x" * 10_000
    assert client.post(SOURCES, content=sent).status_code == 401
    (entry,) = entries(client)
    assert entry["request"]["body"] == {"bytes": 10_000, "truncated": True, "text": "x" * LIMIT}


def test_a_body_the_client_sends_only_when_asked_for_is_not_asked_for(client: TestClient) -> None:
    # `Expect: 100-continue`: reading would ask the client to upload what is refused anyway
    answer = client.post(SOURCES, content=b"{}", headers={"Expect": "100-continue"})
    assert answer.status_code == 401
    (entry,) = entries(client)
    assert entry["request"]["body"]["text"] == ""


def test_a_body_the_app_read_is_recorded_once(client: TestClient) -> None:
    answer = client.post(SOURCES, json=BODY, headers=CROSMOS)
    assert answer.status_code == 202, answer.text
    (entry,) = entries(client)
    sent = answer.request.content
    assert entry["request"]["body"]["bytes"] == len(sent)
    assert entry["request"]["body"]["text"] == sent.decode()[:LIMIT]


@given(st.lists(st.binary(max_size=40), max_size=8), st.integers(min_value=0, max_value=100))
def test_the_kept_body_is_the_first_cap_bytes_and_the_count_all_of_them(
    chunks: list[bytes], cap: int
) -> None:
    async def nowhere(*_: Any) -> Any:
        raise AssertionError("not called")

    exchange = Exchange({"type": "http", "headers": []}, nowhere, nowhere, cap)
    for chunk in chunks:
        exchange.take(chunk)
    whole = b"".join(chunks)
    assert (exchange.request_body, exchange.request_bytes) == (whole[:cap], len(whole))


@pytest.mark.parametrize(
    ("headers", "declared"),
    [
        ([], None),
        ([(b"content-length", b"0")], None),
        ([(b"content-length", b"12")], b"12"),
        ([(b"transfer-encoding", b"chunked")], b"chunked"),
        ([(b"content-length", b"12"), (b"expect", b"100-Continue")], None),
    ],
)
def test_which_requests_declare_a_body(
    headers: list[tuple[bytes, bytes]], declared: bytes | None
) -> None:
    assert declared_body({"headers": headers}) == declared


def test_a_real_servers_requests_refused_or_not() -> None:
    """Under uvicorn (whose scopes carry no extensions): the operation and tenant are recorded; a
    large upload refused with 401 is answered, its start recorded; a client that declares a body
    and sends none is answered all the same."""
    with (
        jobmock_serve("--api", "crosmos", "--limit", f"journal_max_body_bytes={LIMIT}") as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        assert http.get(CROSMOS_JOB, headers=CROSMOS).status_code == 200
        upload = b"y" * (4 * 1024 * 1024)
        assert http.post(SOURCES, content=upload).status_code == 401
        address = urlsplit(url)
        with socket.create_connection((address.hostname, address.port), timeout=30) as raw:
            raw.sendall(
                b"POST " + SOURCES.encode() + b" HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            )  # and no body
            assert raw.recv(64).startswith(b"HTTP/1.1 401 ")
        recorded = http.get("/_mock/requests").json()
    silent, refused, polled = recorded
    assert (polled["operation"], polled["tenant"]) == (
        "get_job_status_api_v1_jobs__job_id__get",
        "acme",
    )
    assert refused["request"]["body"] == {
        "bytes": len(upload),
        "truncated": True,
        "text": "y" * LIMIT,
    }
    assert silent["status"] == 401
    assert silent["request"]["body"] == {"bytes": 100, "truncated": True, "text": ""}
