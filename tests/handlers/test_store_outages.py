"""A store that is down or busy: the APIs answer 503 with `Retry-After` in their own envelope, the
worker logs one line per outage (not one per request), reads answer where the store lets them, and
the first request after the store is back succeeds again."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobmock.limits import Limits
from jobmock.store import StoreUnavailable
from tests.handlers.conftest import MockClient
from tests.requirements import require
from tests.servers import RedisServer
from tests.store.conftest import NO_REDIS, locked

CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"  # acme's first Matcher context
SOURCE = "019c96a0-108c-7a74-8e31-3789daffe1ed"
UPLOAD = f"/matcher/v1/imports/contexts/{CONTEXT}/sources/{SOURCE}/upload"
FILE: dict[str, tuple[str | None, bytes | str, str | None]] = {
    "format": (None, "csv", None),
    "file": ("t.csv", b"external_id,amount\ntx-1,1.50\n", "text/csv"),
}
UNAVAILABLE = {  # Matcher's ErrorResponse, as every other error of its API
    "code": "503",
    "title": "service_unavailable",
    "message": "the service is unavailable, try again later",
}


def template_of(client: MockClient, api: str, path: str) -> str:
    """The served spec's path template that `path` (under the API's prefix) is an instance of."""
    local = path.removeprefix(f"/{api}")
    for template in client.app.mock.apis[api].spec.document["paths"]:
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), local):
            return str(template)
    raise AssertionError(f"no {api} path template matches {path}")


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("store ")]


def assert_unavailable(client: MockClient, response: httpx.Response, template: str) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == UNAVAILABLE
    assert int(response.headers["Retry-After"]) >= 1
    client.assert_conforms("matcher", template, "post", response)


def test_a_locked_sqlite_file_is_503_after_the_timeout_while_reads_answer(
    client_for: Callable[..., MockClient], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.db"
    limits = Limits(store_busy_timeout_s=0.3)
    client = client_for("matcher", store=f"sqlite://{path}", limits=limits)
    job = client.create("matcher", scenario="completes")
    headers = client.tenant_headers("matcher", "acme")
    with caplog.at_level(logging.WARNING, logger="jobmock"), locked(path):
        for _ in range(5):
            refused = client.http.post(UPLOAD, headers=headers, files=FILE)
            assert_unavailable(
                client, refused, "/v1/imports/contexts/{contextId}/sources/{sourceId}/upload"
            )
            assert client.get(job["status_path"], headers=job["headers"]).status_code == 200
    assert len(outage_lines(caplog)) == 1  # one line for the outage, not one per request
    assert client.http.post(UPLOAD, headers=headers, files=FILE).status_code == 202
    assert len(outage_lines(caplog)) == 2  # and one when it is over


def test_a_write_waiting_for_the_lock_leaves_the_event_loop_to_reads(
    client_for: Callable[..., MockClient], tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    client = client_for("matcher", store=f"sqlite://{path}", limits=Limits(store_busy_timeout_s=30))
    job = client.create("matcher", scenario="completes")
    headers = client.tenant_headers("matcher", "acme")

    async def read_while_a_write_waits() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
            with locked(path):
                write = asyncio.create_task(http.post(UPLOAD, headers=headers, files=FILE))
                await asyncio.sleep(0)  # the write starts and waits for the lock
                read = await http.get(job["status_path"], headers=job["headers"])
                waiting = not write.done()  # the lock is still held: it cannot have finished
            return read.status_code, waiting, (await write).status_code

    assert asyncio.run(read_while_a_write_waits()) == (200, True, 202)


@pytest.mark.servers
def test_redis_down_is_503_logged_once_then_back(
    client_for: Callable[..., MockClient], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    require(RedisServer.available(), NO_REDIS)
    server = RedisServer(tmp_path)
    server.start()
    try:
        client = client_for("matcher", store=server.url("outage"))
        headers = client.tenant_headers("matcher", "acme")
        assert client.http.post(UPLOAD, headers=headers, files=FILE).status_code == 202
        server.stop()
        with caplog.at_level(logging.WARNING, logger="jobmock"):
            for _ in range(50):
                refused = client.http.post(UPLOAD, headers=headers, files=FILE)
                assert_unavailable(
                    client, refused, "/v1/imports/contexts/{contextId}/sources/{sourceId}/upload"
                )
            assert len(outage_lines(caplog)) == 1
            assert not any(record.exc_info for record in caplog.records)  # no traceback
            server.start(server.port)  # back (empty: it keeps nothing on disk)
            back = client.http.post(UPLOAD, headers=headers, files=FILE)
            assert back.status_code == 202, back.text
            assert len(outage_lines(caplog)) == 2
    finally:
        server.stop()


@pytest.mark.parametrize("api", ["matcher", "crosmos", "gu1", "seekr", "claret"])
def test_every_api_answers_503_in_its_envelope_as_its_served_spec_declares(
    client_for: Callable[..., MockClient], api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(api)
    job = client.create(api)
    store = client.app.mock.store

    async def down(*args: Any) -> None:
        raise StoreUnavailable("the store is down")

    monkeypatch.setattr(store, "get", down)
    response = client.get(job["status_path"], headers=job["headers"])
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    client.assert_conforms(api, template_of(client, api, job["status_path"]), "get", response)
