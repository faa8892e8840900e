"""gu1 from the client's side: upload transactions, entities or user events, poll the job's id.

Facts: apis.md §3 (upload routes, 202 with jobId, 1-5 transaction files, plan row caps, permissions,
batchUploadEnabled, kinds). Error wording, the 202 body's other fields and the 150 MB limit are
jobmock's (see handlers/gu1_uploads.py). Scenario rules: fixtures/gu1.yaml.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobmock.limits import Limits
from tests.handlers.conftest import MockClient

API = "gu1"
STATUS = "/batch-import/jobs/{jobId}"
TRANSACTIONS = "/batch-import/import/transactions"
ALIAS = "/transactions/batch/upload"
ENTITIES = "/batch-import/import/entities"
USER_EVENTS = "/batch-import/import/user-events"
XLS = Path(__file__).parent / "files" / "transactions.xls"  # 400 rows: see tests/uploads


def transactions_csv(rows: int, start: int = 1) -> bytes:
    lines = ["external_id,amount,entity_external_id"]
    lines += [f"TX-{n:05d},{n}.25,cust-{n % 7}" for n in range(start, start + rows)]
    return ("\n".join(lines) + "\n").encode()


def entities_csv(rows: int) -> bytes:
    lines = ["tax_id,type,name"]
    lines += [f"20{n:09d},{'person' if n % 2 else 'company'},Name {n}" for n in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def refused(message: str) -> dict[str, Any]:
    return {"success": False, "error": message}


def post(
    client: MockClient,
    route: str,
    headers: dict[str, str],
    files: list[tuple[str, bytes]] | None = None,
    params: dict[str, str] | None = None,
    **fields: str,
) -> Any:
    parts: list[tuple[str, Any]] = [
        ("file", (name, body, "text/csv")) for name, body in files or []
    ]
    parts += [(key, (None, value)) for key, value in fields.items()]
    if not parts:
        parts = [("note", (None, "no file"))]
    response = client.http.post(f"/gu1{route}", headers=headers, files=parts, params=params)
    client.assert_conforms(API, route, "post", response)
    return response


def status(client: MockClient, headers: dict[str, str], job_id: str, **params: str) -> Any:
    response = client.get(f"/gu1/batch-import/jobs/{job_id}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    client.assert_conforms(API, STATUS, "get", response)
    return response.json()


# ------------------------------------------------------------------------------ upload, then poll
def test_a_transaction_upload_is_a_job_counting_its_rows(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = post(client, TRANSACTIONS, acme, [("march.csv", transactions_csv(1500))])
    assert response.status_code == 202
    accepted = response.json()
    assert accepted == {
        "success": True,
        "jobId": accepted["jobId"],
        "status": "queued",
        "message": "Batch import queued",
        "fileCount": 1,
    }
    job = status(client, acme, accepted["jobId"])["job"]
    assert (job["kind"], job["status"], job["totalItems"]) == ("transaction_batch", "queued", 1500)
    assert job["metadata"] == {"fileName": "march.csv"}
    client.advance(3 + 15)
    running = status(client, acme, accepted["jobId"])["job"]
    assert running["status"] == "running" and 0 < running["succeeded"] < 1500
    client.advance(30)
    done = status(client, acme, accepted["jobId"])["job"]
    assert (done["status"], done["succeeded"], done["failed"]) == ("completed", 1500, 0)


def test_the_alias_route_takes_up_to_five_files_counted_together(
    client: MockClient, acme: dict[str, str]
) -> None:
    files = [(f"part{n}.csv", transactions_csv(100, 100 * n + 1)) for n in range(5)]
    response = post(client, ALIAS, acme, files, {"validateGap": "true"})
    assert response.status_code == 202 and response.json()["fileCount"] == 5
    job = status(client, acme, response.json()["jobId"])["job"]
    assert job["totalItems"] == 500
    assert job["metadata"]["fileName"] == "part0.csv" and job["metadata"]["fileCount"] == 5


def test_failures_are_rows_of_the_upload_with_their_external_ids(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = post(client, TRANSACTIONS, acme, [("with_errors.csv", transactions_csv(2000))])
    job_id = response.json()["jobId"]
    client.advance(60)
    body = status(client, acme, job_id, include="failures")
    assert (body["status"], body["totalItems"], body["failed"]) == ("completed", 2000, 5)
    assert body["failuresTotal"] == 5 and len(body["failures"]) == 5
    ids = [failure["externalId"] for failure in body["failures"]]
    assert all(i.startswith("TX-") and 1 <= int(i[3:]) <= 2000 for i in ids)
    assert ids == sorted(ids)  # in file order
    duplicates = [f for f in body["failures"] if f["code"] == "DUPLICATE_EXTERNAL_ID"]
    for failure in duplicates:
        assert failure["message"] == (
            f'A transaction with external ID "{failure["externalId"]}" already exists'
        )
    again = status(client, acme, job_id, include="failures")
    assert again == body  # the same rows on every poll


def test_an_entity_upload_skips_and_fails_rows_of_its_own_file(client: MockClient) -> None:
    globex = client.tenant_headers(API, "globex")
    content = entities_csv(300)
    response = post(client, ENTITIES, globex, [("merchants_skip.csv", content)])
    assert response.status_code == 202
    job_id = response.json()["jobId"]
    client.advance(60)
    body = status(client, globex, job_id, include="failures")
    assert (body["kind"], body["totalItems"], body["failed"], body["skipped"]) == (
        "entity_automatic",
        300,
        6,
        3,
    )
    sent = {line.split(",")[0]: line.split(",")[1] for line in content.decode().splitlines()[1:]}
    for row in body["failures"] + body["skips"]:
        assert sent[row["taxId"]] == row["type"]
    assert {s["code"] for s in body["skips"]} == {"SKIPPED_DUPLICATE_TAX_ID"}  # manual import
    assert status(client, globex, job_id)["job"]["metadata"]["importMode"] == "manual"


def test_user_event_failures_name_their_row_numbers(client: MockClient) -> None:
    globex = client.tenant_headers(API, "globex")
    content = b"user_id,event,at\n" + b"".join(
        b"usr_%d,login,2025-01-01T00:00:00Z\n" % n for n in range(1, 401)
    )
    response = post(
        client, USER_EVENTS, globex, [("events_with_errors.csv", content)], mappingId="map_1"
    )
    job_id = response.json()["jobId"]
    client.advance(60)
    body = status(client, globex, job_id, include="failures")
    assert (body["kind"], body["totalItems"], body["failed"]) == ("user_event_batch", 400, 1)
    assert 1 <= body["failures"][0]["row"] <= 400


def test_a_file_named_fail_aborts_as_a_whole(client: MockClient, acme: dict[str, str]) -> None:
    response = post(client, TRANSACTIONS, acme, [("will_fail.csv", transactions_csv(80))])
    job_id = response.json()["jobId"]
    client.advance(60)
    body = status(client, acme, job_id, include="failures")
    assert (body["status"], body["failed"], body["failures"]) == ("failed", 80, [])
    assert body["jobFailure"]["code"] == "INVALID_ENTITY_REFERENCES"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tx.json", b'[{"externalId": "a"}, {"externalId": "b"}, {"externalId": "c"}]'),
        ("tx.JSON", b'{"transactions": [{"externalId": "a"}, {"externalId": "b"}, {}]}'),
    ],
)
def test_json_files_count_their_records(
    client: MockClient, acme: dict[str, str], name: str, content: bytes
) -> None:
    response = post(client, TRANSACTIONS, acme, [(name, content)])
    assert response.status_code == 202
    assert status(client, acme, response.json()["jobId"])["job"]["totalItems"] == 3


def test_xlsx_and_xls_rows_are_counted(client: MockClient, acme: dict[str, str]) -> None:
    buffer = io.BytesIO()
    rows = "".join(f'<row r="{n}"><c><v>{n}</v></c></row>' for n in range(1, 12))
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>"
        )
    xlsx = post(client, TRANSACTIONS, acme, [("tx.xlsx", buffer.getvalue())])
    assert status(client, acme, xlsx.json()["jobId"])["job"]["totalItems"] == 10
    # gu1 takes legacy Excel too [DOC G4/G5]: the first sheet's 400 rows (see tests/uploads)
    xls = post(client, TRANSACTIONS, acme, [("old.xls", XLS.read_bytes())])
    assert xls.status_code == 202
    assert status(client, acme, xls.json()["jobId"])["job"]["totalItems"] == 400


def test_an_xls_upload_fails_rows_of_its_own_sheet(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = post(client, TRANSACTIONS, acme, [("with_errors.xls", XLS.read_bytes())])
    job_id = response.json()["jobId"]
    client.advance(60)
    body = status(client, acme, job_id, include="failures")
    assert (body["status"], body["totalItems"], body["failed"]) == ("completed", 400, 1)  # 0.25%
    (failure,) = body["failures"]
    assert failure["externalId"].startswith("TX-") and 1 <= int(failure["externalId"][3:]) <= 400


def test_an_xls_file_that_is_not_a_workbook_is_refused(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = post(client, TRANSACTIONS, acme, [("old.xls", b"\xd0\xcf\x11\xe0 not a workbook")])
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "Could not read old.xls as XLS"}


# ------------------------------------------------------------------------------ refused uploads
@pytest.mark.parametrize(
    ("route", "files", "fields", "message"),
    [
        (TRANSACTIONS, [], {}, "No file uploaded"),
        (
            TRANSACTIONS,
            [(f"f{n}.csv", transactions_csv(1)) for n in range(6)],
            {},
            "Too many files: at most 5 per upload",
        ),
        (
            ENTITIES,
            [("a.csv", entities_csv(1)), ("b.csv", entities_csv(1))],
            {},
            "Too many files: at most 1 per upload",
        ),
        (USER_EVENTS, [("ev.csv", b"a\n1\n")], {}, "The mappingId field is required"),
        (
            TRANSACTIONS,
            [("t.csv", transactions_csv(1))],
            {"batchErrorHandling": "ignore"},
            "The batchErrorHandling field must be one of stop_keep_success, continue_collect_errors",
        ),
        (
            TRANSACTIONS,
            [("t.csv", transactions_csv(1))],
            {"executeRules": "maybe"},
            "The executeRules field must be true or false",
        ),
        (
            TRANSACTIONS,
            [("t.csv", transactions_csv(1))],
            {"columnMapping": "[1]"},
            "The columnMapping field must be a JSON object",
        ),
        (
            TRANSACTIONS,
            [("t.json", b"[{}]")],
            {"columnMapping": "{}"},
            "The columnMapping field applies to CSV files only",
        ),
        (
            ENTITIES,
            [("e.csv", entities_csv(1))],
            {"importMode": "sometimes"},
            "The importMode field must be manual or automatic",
        ),
        (
            TRANSACTIONS,
            [("t.pdf", b"%PDF")],
            {},
            "Unsupported file type: t.pdf (use CSV, XLSX, XLS, JSON)",
        ),
        (ENTITIES, [("e.json", b"[{}]")], {}, "Unsupported file type: e.json (use CSV)"),
        (
            TRANSACTIONS,
            [("t.csv", b"external_id\nTX-\xe9\n")],
            {},
            "Could not read t.csv: not valid UTF-8",
        ),
        (TRANSACTIONS, [("t.json", b"[{]")], {}, "Could not read t.json as JSON"),
        (TRANSACTIONS, [("t.csv", b"external_id,amount\n")], {}, "File t.csv has no data rows"),
    ],
)
def test_each_refused_upload_answers_its_exact_body(
    client: MockClient,
    acme: dict[str, str],
    route: str,
    files: list[tuple[str, bytes]],
    fields: dict[str, str],
    message: str,
) -> None:
    before = len(client.http.get("/_mock/apis/gu1/jobs").json())
    response = post(client, route, acme, files, None, **fields)
    assert response.status_code == 400
    assert response.json() == refused(message)
    assert len(client.http.get("/_mock/apis/gu1/jobs").json()) == before


def test_a_file_over_the_plans_row_cap_is_refused(client: MockClient) -> None:
    globex = client.tenant_headers(API, "globex")  # freemium: 4,000 rows per file
    response = post(client, ENTITIES, globex, [("big.csv", entities_csv(4001))])
    assert response.status_code == 400
    assert response.json() == refused(
        "File big.csv has 4,001 rows; your plan allows at most 4,000 per file"
    )
    assert post(client, ENTITIES, globex, [("ok.csv", entities_csv(4000))]).status_code == 202


def test_a_file_past_the_servers_row_limit_is_refused_as_over_the_plan(
    client_for: Callable[..., MockClient],
) -> None:
    # jobmock stops reading at Limits.upload_max_rows (1,000,000 by default, over any plan's cap)
    client = client_for(API, limits=Limits(upload_max_rows=5))
    acme = client.tenant_headers(API, "acme")
    response = post(client, TRANSACTIONS, acme, [("big.csv", transactions_csv(6))])
    assert response.status_code == 400
    assert response.json() == refused(
        "File big.csv has more than 5 data rows; your plan allows at most 100,000 per file"
    )
    assert post(client, TRANSACTIONS, acme, [("ok.csv", transactions_csv(5))]).status_code == 202


def test_each_route_needs_its_permission(client: MockClient) -> None:
    globex = client.tenant_headers(API, "globex")  # entities and events, no transactions:create
    response = post(client, TRANSACTIONS, globex, [("t.csv", transactions_csv(1))])
    assert response.status_code == 403 and response.json() == refused("Forbidden")
    read_only = {"Authorization": "Bearer gk_test_c0677a52a54c3c6724e339aa0960e798"}
    response = post(client, ENTITIES, read_only, [("e.csv", entities_csv(1))])
    assert response.status_code == 403 and response.json() == refused("Forbidden")


def test_an_organisation_without_batch_upload_is_refused(client: MockClient) -> None:
    initech = client.tenant_headers(API, "initech")
    response = post(client, TRANSACTIONS, initech, [("t.csv", transactions_csv(1))])
    assert response.status_code == 403
    assert response.json() == refused("Batch upload is not enabled for this organization")


def test_without_a_key_it_is_401(client: MockClient) -> None:
    response = post(client, TRANSACTIONS, {}, [("t.csv", transactions_csv(1))])
    assert response.status_code == 401 and response.json() == refused("Unauthorized")


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        ({"Content-Type": "multipart/form-data; boundary=b"}, b"not multipart at all"),
        ({"Content-Type": "application/json"}, b'{"file": "t.csv"}'),
    ],
)
def test_a_body_that_is_not_a_good_multipart_form_has_no_file(
    client: MockClient, acme: dict[str, str], headers: dict[str, str], content: bytes
) -> None:
    response = client.http.post(f"/gu1{TRANSACTIONS}", headers={**acme, **headers}, content=content)
    assert response.status_code == 400 and response.json() == refused("No file uploaded")
    client.assert_conforms(API, TRANSACTIONS, "post", response)


def test_a_body_over_150mb_is_refused_before_it_is_read(
    client: MockClient, acme: dict[str, str]
) -> None:
    headers = {
        **acme,
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(151 * 1024 * 1024),
    }
    response = client.http.post(f"/gu1{TRANSACTIONS}", headers=headers, content=b"--b--\r\n")
    assert response.status_code == 413
    assert response.json() == refused("Upload exceeds the 150 MB limit")
    client.assert_conforms(API, TRANSACTIONS, "post", response)
