"""Lerian Matcher from the client's side: upload a file, poll the job it started, list the jobs.

Facts: apis.md §1 (the upload's checks in the Go handler's order, with their slugs and messages;
202 with the job; idempotency keys and X-Idempotency-Replayed; the list route's parameters and
messages). Scenario rules: fixtures/matcher.yaml (`fail` -> fails, `error` ->
completes-with-failures, default completes).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.handlers.conftest import MockClient

API = "matcher"
UPLOAD = "/v1/imports/contexts/{contextId}/sources/{sourceId}/upload"
STATUS = "/v1/imports/contexts/{contextId}/jobs/{jobId}"
LIST = "/v1/imports/contexts/{contextId}/jobs"
CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"  # acme's first context
SOURCE = "019c96a0-108c-7a74-8e31-3789daffe1ed"  # its source
OTHER_CONTEXT = "019c96a1-2f40-7c11-8a2e-5b3e0c1d2a10"  # acme's second context
UNMAPPED_SOURCE = "019c96a1-2f42-7e33-8c40-7d5a2e3f4c99"  # in the second context, no field map
GLOBEX_CONTEXT = "019c96a2-4a50-7e33-ac40-7d5a2e3f4c32"


def csv_file(rows: int, header: str = "external_id,amount,date") -> bytes:
    lines = [header, *(f"tx-{n:05d},{n}.50,2025-01-15" for n in range(1, rows + 1))]
    return ("\n".join(lines) + "\n").encode()


def error(status: int, title: str, message: str) -> dict[str, str]:
    return {"code": str(status), "title": title, "message": message}


def upload_url(context: str = CONTEXT, source: str = SOURCE) -> str:
    return f"/matcher/v1/imports/contexts/{context}/sources/{source}/upload"


def upload(
    client: MockClient,
    headers: dict[str, str],
    content: bytes | None = b"",
    *,
    name: str = "transactions.csv",
    fmt: str | None = "csv",
    content_type: str = "text/csv",
    url: str | None = None,
) -> Any:
    parts: dict[str, Any] = {} if fmt is None else {"format": (None, fmt)}
    if content is not None:
        parts["file"] = (name, content, content_type)
    if not parts:  # still a multipart body, with one unrelated field
        parts["note"] = (None, "no file")
    response = client.http.post(url or upload_url(), headers=headers, files=parts)
    client.assert_conforms(API, UPLOAD, "post", response)
    return response


def poll(client: MockClient, headers: dict[str, str], job: dict[str, Any]) -> dict[str, Any]:
    response = client.get(
        f"/matcher/v1/imports/contexts/{job['contextId']}/jobs/{job['id']}", headers=headers
    )
    assert response.status_code == 200, response.text
    client.assert_conforms(API, STATUS, "get", response)
    body: dict[str, Any] = response.json()
    return body


# ------------------------------------------------------------------------------ upload, then poll
def test_a_csv_upload_starts_a_job_whose_rows_are_the_files(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = upload(client, acme, csv_file(1234), name="march_settlements.csv")
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "QUEUED"
    assert (job["contextId"], job["sourceId"], job["fileName"]) == (
        CONTEXT,
        SOURCE,
        "march_settlements.csv",
    )
    assert set(job) == {"id", "contextId", "sourceId", "status", "fileName", "createdAt"}
    assert "X-Idempotency-Replayed" not in response.headers  # only sent with a key

    assert poll(client, acme, job)["status"] == "QUEUED"
    client.advance(3)
    processing = poll(client, acme, job)
    assert (processing["status"], processing["totalRows"]) == ("PROCESSING", 1234)
    client.advance(20)
    done = poll(client, acme, job)
    assert (done["status"], done["totalRows"]) == ("COMPLETED", 1234)
    assert "failedRows" not in done


def test_a_file_named_error_completes_with_some_of_its_rows_failed(
    client: MockClient, acme: dict[str, str]
) -> None:
    job = upload(client, acme, csv_file(1000), name="with_errors.csv").json()
    client.advance(60)
    done = poll(client, acme, job)
    assert (done["status"], done["totalRows"], done["failedRows"]) == ("COMPLETED", 1000, 5)


def test_a_file_named_fail_fails_part_way(client: MockClient, acme: dict[str, str]) -> None:
    job = upload(client, acme, csv_file(400), name="will_FAIL.csv").json()
    client.advance(60)
    done = poll(client, acme, job)
    assert done["status"] == "FAILED"
    assert done["totalRows"] == 400 and 0 < done["failedRows"] <= 400


@pytest.mark.parametrize(
    ("fmt", "content_type", "content", "rows"),
    [
        ("json", "application/json", b'[{"id": "a", "amount": 1}, {"id": "b"}, {"id": "c"}]', 3),
        ("JSON", "application/octet-stream", b'{"transactions": [{"id": 1}, {"id": 2}]}', 2),
        ("xml", "text/xml", b"<txs><tx id='1'/><tx><id>2</id></tx></txs>", 2),
        ("csv", "text/plain", b"\xef\xbb\xbfid,amount\r\n1,2\r\n\r\n3,4\r\n", 2),
        ("csv", "", b'id,memo\n1,"two\nlines"\n', 1),
    ],
)
def test_rows_are_counted_in_each_format(
    client: MockClient,
    acme: dict[str, str],
    fmt: str,
    content_type: str,
    content: bytes,
    rows: int,
) -> None:
    response = upload(client, acme, content, fmt=fmt, content_type=content_type)
    assert response.status_code == 202, response.text
    client.advance(3)
    assert poll(client, acme, response.json())["totalRows"] == rows


def test_request_id_is_echoed(client: MockClient, acme: dict[str, str]) -> None:
    response = upload(client, {**acme, "X-Request-Id": "trace-7"}, csv_file(2))
    assert response.headers["X-Request-Id"] == "trace-7"


# ---------------------------------------------------------------- each documented check, in order
@pytest.mark.parametrize(
    ("kwargs", "status", "title", "message"),
    [
        ({"content": None}, 400, "invalid_request", "file is required"),
        ({"content": None, "fmt": None}, 400, "invalid_request", "file is required"),
        ({"content": b""}, 400, "ingestion_empty_file", "file is empty"),
        ({"content": b"", "fmt": "pdf"}, 400, "ingestion_empty_file", "file is empty"),
        ({"fmt": None}, 400, "ingestion_format_required", "format is required"),
        ({"fmt": " csv"}, 400, "invalid_request", "invalid format: must be one of csv, json, xml"),
        (
            {"fmt": "pdf"},
            400,
            "invalid_request",
            "invalid format: must be one of csv, json, xml",
        ),
        (
            {"content_type": "application/json"},
            400,
            "invalid_request",
            "file content type does not match declared format",
        ),
        (
            {"fmt": "xml", "content_type": "text/csv"},
            400,
            "invalid_request",
            "file content type does not match declared format",
        ),
        (
            {"url": upload_url(source="019c96a0-0000-7000-8000-000000000000")},
            404,
            "ingestion_source_not_found",
            "source not found",
        ),
        (
            {"url": upload_url(OTHER_CONTEXT, UNMAPPED_SOURCE)},
            404,
            "ingestion_field_map_not_found",
            "field mapping not found for source",
        ),
        (
            {"content": b"external_id,amount\n"},
            400,
            "ingestion_empty_file",
            "file contains no data rows",
        ),
        (
            {"content": b"[]", "fmt": "json", "content_type": "application/json"},
            400,
            "ingestion_empty_file",
            "file contains no data rows",
        ),
    ],
)
def test_each_documented_check_answers_its_exact_body(
    client: MockClient,
    acme: dict[str, str],
    kwargs: dict[str, Any],
    status: int,
    title: str,
    message: str,
) -> None:
    before = len(client.http.get("/_mock/apis/matcher/jobs").json())
    options = {"content": csv_file(3), **kwargs}
    response = upload(client, acme, **options)
    assert response.status_code == status
    assert response.json() == error(status, title, message)
    assert len(client.http.get("/_mock/apis/matcher/jobs").json()) == before  # no job started


def test_context_and_source_ids_are_checked_first(client: MockClient, acme: dict[str, str]) -> None:
    bad_context = upload(client, acme, None, url=upload_url("nope", SOURCE))
    assert bad_context.status_code == 400
    assert bad_context.json() == error(400, "invalid_request", "invalid context_id")
    foreign = upload(client, acme, None, url=upload_url(GLOBEX_CONTEXT, SOURCE))
    assert foreign.status_code == 403
    assert foreign.json() == error(
        403,
        "forbidden",
        "You do not have permission to perform this action. Please verify your access level.",
    )
    bad_source = upload(client, acme, None, url=upload_url(CONTEXT, "nope"))
    assert bad_source.status_code == 400
    assert bad_source.json() == error(400, "invalid_request", "invalid source_id")


def test_without_credentials_it_is_401(client: MockClient) -> None:
    response = upload(client, {}, csv_file(2))
    assert response.status_code == 401
    assert response.json()["title"] == "unauthorized"


def test_a_declared_length_over_100mb_is_refused_before_reading(
    client: MockClient, acme: dict[str, str]
) -> None:
    headers = {
        **acme,
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(101 * 1024 * 1024),
    }
    response = client.http.post(upload_url(), headers=headers, content=b"--b--\r\n")
    assert response.status_code == 413
    assert response.json() == error(413, "request_entity_too_large", "file exceeds 100MB limit")
    client.assert_conforms(API, UPLOAD, "post", response)


def test_a_streamed_body_over_the_limit_stops_at_the_limit(
    client: MockClient, acme: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.app.mock.apis[API].handlers.module, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(client.app.mock.apis[API].handlers.module, "FORM_OVERHEAD", 100)
    head = (
        b'--b\r\nContent-Disposition: form-data; name="format"\r\n\r\ncsv\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nid\n"
    )

    def chunks() -> Any:  # no Content-Length: the body is chunked
        yield head
        for _ in range(50):
            yield b"1\n" * 50
        yield b"\r\n--b--\r\n"

    headers = {**acme, "Content-Type": "multipart/form-data; boundary=b"}
    response = client.http.post(upload_url(), headers=headers, content=chunks())
    assert response.status_code == 413
    assert response.json() == error(413, "request_entity_too_large", "file exceeds 100MB limit")


def test_a_file_over_the_limit_within_the_body_allowance_is_413(
    client: MockClient, acme: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client.app.mock.apis[API].handlers.module, "MAX_FILE_BYTES", 1000)
    response = upload(client, acme, b"id\n" + b"1\n" * 600)
    assert response.status_code == 413
    assert response.json() == error(413, "request_entity_too_large", "file exceeds 100MB limit")


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        ({"Content-Type": "multipart/form-data; boundary=b"}, b"this is not multipart"),
        ({"Content-Type": "multipart/form-data"}, b"--b\r\n\r\n--b--"),  # no boundary
        (
            {"Content-Type": "multipart/form-data; boundary=b"},
            b"--b\r\nContent-Disposition: x\r\n\r\n",
        ),
        ({"Content-Type": "application/json"}, b'{"format": "csv"}'),
    ],
)
def test_a_body_that_is_not_a_good_multipart_form_has_no_file(
    client: MockClient, acme: dict[str, str], headers: dict[str, str], content: bytes
) -> None:
    response = client.http.post(upload_url(), headers={**acme, **headers}, content=content)
    assert response.status_code == 400
    assert response.json() == error(400, "invalid_request", "file is required")
    client.assert_conforms(API, UPLOAD, "post", response)


@pytest.mark.parametrize(
    ("fmt", "content_type", "content", "message"),
    [
        ("csv", "text/csv", b"id,name\n1,caf\xe9\n", "failed to parse csv file: invalid UTF-8"),
        ("json", "application/json", b'[{"id": 1}, {"id": ', "failed to parse json file"),
        ("json", "application/json", b"[1, 2] 3", "failed to parse json file"),
        ("xml", "application/xml", b"<txs><tx></txs>", "failed to parse xml file"),
    ],
)
def test_a_file_unreadable_in_its_format_is_400_never_500(
    client: MockClient,
    acme: dict[str, str],
    fmt: str,
    content_type: str,
    content: bytes,
    message: str,
) -> None:
    response = upload(client, acme, content, fmt=fmt, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == error(400, "invalid_request", message)


# ----------------------------------------------------------------------------------- idempotency
def test_an_idempotency_key_replays_the_first_answer(
    client: MockClient, acme: dict[str, str]
) -> None:
    first = upload(client, {**acme, "X-Idempotency-Key": "upload-1"}, csv_file(10))
    assert first.status_code == 202 and first.headers["X-Idempotency-Replayed"] == "false"
    client.advance(30)  # the job has completed since
    again = upload(client, {**acme, "Idempotency-Key": "upload-1"}, csv_file(10))
    assert again.status_code == 202 and again.headers["X-Idempotency-Replayed"] == "true"
    assert again.json() == first.json()  # the first answer, QUEUED as it was
    assert poll(client, acme, first.json())["status"] == "COMPLETED"
    ids = [j["id"] for j in client.http.get("/_mock/apis/matcher/jobs").json()]
    assert ids.count(first.json()["id"]) == 1 and len(ids) == len(set(ids))

    other = upload(client, {**acme, "X-Idempotency-Key": "upload-2"}, csv_file(10))
    assert other.headers["X-Idempotency-Replayed"] == "false"
    assert other.json()["id"] != first.json()["id"]


IN_PROGRESS = (
    error(  # Matcher's idempotency middleware on a key still pending (apis.md §1 [SRC S6])
        409,
        "request_in_progress",
        "A request with this idempotency key is currently being processed",
    )
)


def test_a_key_whose_first_upload_is_still_being_processed_is_409(
    client: MockClient, acme: dict[str, str]
) -> None:
    parts: dict[str, tuple[str | None, bytes | str, str | None]] = {
        "format": (None, "csv", None),  # no file name: a plain field
        "file": ("slow.csv", csv_file(3), "text/csv"),
    }
    sent = httpx.Request("POST", "http://mock/", files=parts)
    body, content_type = sent.read(), sent.headers["Content-Type"]
    keyed = {**acme, "X-Idempotency-Key": "busy", "Content-Type": content_type}

    async def three_uploads() -> list[httpx.Response]:
        reading, release = asyncio.Event(), asyncio.Event()

        async def slowly() -> AsyncIterator[bytes]:
            yield body[:20]
            reading.set()  # the first upload holds its key and reads its body
            await release.wait()
            yield body[20:]

        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as http:
            first = asyncio.create_task(http.post(upload_url(), headers=keyed, content=slowly()))
            await reading.wait()
            meanwhile = await http.post(upload_url(), headers=keyed, content=body)
            release.set()
            done = await first
            again = await http.post(upload_url(), headers=keyed, content=body)
        return [done, meanwhile, again]

    first, meanwhile, again = asyncio.run(three_uploads())
    for response in (first, meanwhile, again):
        client.assert_conforms(API, UPLOAD, "post", response)
    assert meanwhile.status_code == 409 and meanwhile.json() == IN_PROGRESS
    assert "X-Idempotency-Replayed" not in meanwhile.headers
    assert first.status_code == 202 and first.headers["X-Idempotency-Replayed"] == "false"
    assert again.status_code == 202 and again.headers["X-Idempotency-Replayed"] == "true"
    assert again.json() == first.json()


def test_a_failed_upload_frees_its_key_and_a_replay_reads_no_body(
    client: MockClient, acme: dict[str, str]
) -> None:
    keyed = {**acme, "X-Idempotency-Key": "retry"}
    failed = upload(client, keyed, b"")
    assert failed.status_code == 400 and failed.json() == error(
        400, "ingestion_empty_file", "file is empty"
    )
    retried = upload(client, keyed, csv_file(2))
    assert retried.status_code == 202 and retried.headers["X-Idempotency-Replayed"] == "false"
    # Matcher replays before its handler runs: the new body is not checked
    replay = upload(client, keyed, b"")
    assert replay.status_code == 202 and replay.headers["X-Idempotency-Replayed"] == "true"
    assert replay.json() == retried.json()


def test_idempotency_keys_are_per_tenant(client: MockClient, acme: dict[str, str]) -> None:
    globex = client.tenant_headers(API, "globex")
    mine = upload(client, {**acme, "X-Idempotency-Key": "k"}, csv_file(3)).json()
    url = upload_url(GLOBEX_CONTEXT, "019c96a2-4a51-7f44-bd51-8e6b3f4a5d43")
    theirs = upload(client, {**globex, "X-Idempotency-Key": "k"}, csv_file(3), url=url)
    assert theirs.headers["X-Idempotency-Replayed"] == "false"
    assert theirs.json()["id"] != mine["id"]


def test_idempotency_keys_are_per_upload_target(client: MockClient, acme: dict[str, str]) -> None:
    """Matcher scopes a key by the request target too: the same key on another source is new."""
    first = upload(client, {**acme, "X-Idempotency-Key": "k2"}, csv_file(3)).json()
    url = upload_url(OTHER_CONTEXT, "019c96a1-2f41-7d22-9b3f-6c4f1d2e3b21")  # acme's other source
    other = upload(client, {**acme, "X-Idempotency-Key": "k2"}, csv_file(3), url=url)
    assert other.status_code == 202 and other.headers["X-Idempotency-Replayed"] == "false"
    assert other.json()["id"] != first["id"]
    again = upload(client, {**acme, "X-Idempotency-Key": "k2"}, csv_file(3))
    assert again.headers["X-Idempotency-Replayed"] == "true" and again.json() == first


# ------------------------------------------------------------------------------------------ list
def list_jobs(client: MockClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(
        f"/matcher/v1/imports/contexts/{CONTEXT}/jobs", headers=headers, params=params
    )
    client.assert_conforms(API, LIST, "get", response)
    return response


def test_the_list_pages_through_the_contexts_jobs(client: MockClient, acme: dict[str, str]) -> None:
    uploaded = []
    for n in range(3):
        uploaded.append(upload(client, acme, csv_file(n + 1), name=f"f{n}.csv").json()["id"])
        client.advance(1)
    everything = list_jobs(client, acme, limit=200).json()
    ids = [job["id"] for job in everything["items"]]
    assert ids[:3] == uploaded[::-1]  # newest first
    assert all(job["contextId"] == CONTEXT for job in everything["items"])
    assert everything["hasMore"] is False and "nextCursor" not in everything

    first = list_jobs(client, acme, limit=2, sort_order="asc").json()
    assert (first["limit"], first["hasMore"], len(first["items"])) == (2, True, 2)
    assert "prevCursor" not in first
    second = list_jobs(client, acme, limit=2, sort_order="asc", cursor=first["nextCursor"]).json()
    assert second["items"][0]["id"] not in {job["id"] for job in first["items"]}
    back = list_jobs(client, acme, limit=2, sort_order="asc", cursor=second["prevCursor"]).json()
    assert back["items"] == first["items"]
    by_status = list_jobs(client, acme, sort_by="status", sort_order="asc").json()["items"]
    assert [j["status"] for j in by_status] == sorted(j["status"] for j in by_status)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort_order": "up"}, "invalid sort_order: must be asc or desc"),
        (
            {"sort_by": "fileName"},
            "invalid sort_by: must be one of id, created_at, started_at, completed_at, status",
        ),
        ({"limit": 0}, "invalid pagination parameters"),
        ({"limit": 201}, "invalid pagination parameters"),
        ({"limit": "ten"}, "invalid pagination parameters"),
        ({"cursor": "not-a-cursor"}, "invalid pagination parameters"),
    ],
)
def test_the_list_refuses_bad_parameters_with_matchers_messages(
    client: MockClient, acme: dict[str, str], params: dict[str, Any], message: str
) -> None:
    response = list_jobs(client, acme, **params)
    assert response.status_code == 400
    assert response.json() == error(400, "invalid_request", message)


def test_another_tenants_context_cannot_be_listed(client: MockClient, acme: dict[str, str]) -> None:
    response = client.get(f"/matcher/v1/imports/contexts/{GLOBEX_CONTEXT}/jobs", headers=acme)
    assert response.status_code == 403
    client.assert_conforms(API, LIST, "get", response)


def test_workers_sharing_a_store_replay_each_others_answers(client_for: Any, tmp_path: Any) -> None:
    store = f"sqlite://{tmp_path}/shared.db"
    first, second = client_for(API, store=store), client_for(API, store=store)
    acme = first.tenant_headers(API, "acme")
    original = upload(first, {**acme, "X-Idempotency-Key": "shared"}, csv_file(3))
    replay = upload(second, {**acme, "X-Idempotency-Key": "shared"}, csv_file(3))
    assert replay.headers["X-Idempotency-Replayed"] == "true"
    assert replay.json() == original.json()


def test_the_control_api_applies_the_rules_when_no_scenario_is_named(client: MockClient) -> None:
    chosen = client.create(API, fields={"fileName": "nightly_fail.csv"})
    assert chosen["scenario"] == "fails"
    named = client.create(API, scenario="completes", fields={"fileName": "nightly_fail.csv"})
    assert named["scenario"] == "completes"
