"""SeekrFlow from the client's side: start a conversion job of some files, poll its records.

Facts: apis.md §4 (POST /v1/flow/alignment/ingestion with {files, method: "best"} answers the
IngestionResponse with file_records; API key in `Authorization` without Bearer; FastAPI's 422
bodies). Scenario rules: fixtures/seekr.yaml (`fail` in a file name -> that file fails).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.handlers.conftest import MockClient

API = "seekr"
CREATE = "/v1/flow/alignment/ingestion"
STATUS = "/v1/flow/alignment/ingestion/{ingestion_job_id}"
HANDBOOK = "file-21636369-8b52-4b4a-97b7-50923ceb3ffd"  # acme's employee_handbook.pdf
FAQ = "file-795b929e-9a9a-40fd-aa7b-5bf55eb561a4"  # acme's benefits_faq.docx
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def create(client: MockClient, headers: dict[str, str], body: Any) -> Any:
    response = client.http.post(f"/seekr{CREATE}", headers=headers, json=body)
    client.assert_conforms(API, CREATE, "post", response)
    return response


def poll(client: MockClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    response = client.get(f"/seekr{CREATE}/{job_id}", headers=headers)
    assert response.status_code == 200, response.text
    client.assert_conforms(API, STATUS, "get", response)
    body: dict[str, Any] = response.json()
    return body


def test_a_job_of_the_files_sent_with_one_record_each(
    client: MockClient, acme: dict[str, str]
) -> None:
    response = create(client, acme, {"files": [HANDBOOK, FAQ, "file-not-uploaded-here"]})
    assert response.status_code == 200
    job = response.json()
    assert job["id"].startswith("ij-") and job["status"] == "queued"
    assert job["output_files"] == []
    records = job["file_records"]
    converted = [r["alignment_file_id"] for r in records]
    # each record converts into a file of its own, `md-file-<uuid>` (apis.md §4 [DOC K3])
    assert all(re.fullmatch(rf"md-file-{UUID}", c) for c in converted), converted
    assert len(set(converted)) == 3
    assert [r["filename"] for r in records] == [
        "employee_handbook.pdf",
        "benefits_faq.docx",
        "file-not-uploaded-here",
    ]
    assert {r["status"] for r in records} == {"queued"}
    assert {r["method"] for r in records} == {"best"}  # the documented default
    positions = [r["queue_position"] for r in records]
    assert positions == sorted(positions)

    assert poll(client, acme, job["id"]) == job  # the status route shows the same job
    client.advance(3 + 20)
    running = poll(client, acme, job["id"])
    assert running["status"] == "running"
    client.advance(60)
    done = poll(client, acme, job["id"])
    assert done["status"] == "completed"
    assert done["output_files"] == converted
    assert {r["status"] for r in done["file_records"]} == {"completed"}


def test_the_method_is_kept(client: MockClient, acme: dict[str, str]) -> None:
    job = create(client, acme, {"files": [HANDBOOK], "method": "speed-optimized"}).json()
    assert job["file_records"][0]["method"] == "speed-optimized"


def test_a_file_named_fail_fails_while_the_others_convert(
    client: MockClient, acme: dict[str, str]
) -> None:
    job = create(client, acme, {"files": [HANDBOOK, "quarterly_FAIL_report.pdf", FAQ]}).json()
    client.advance(3600)
    done = poll(client, acme, job["id"])
    assert done["status"] == "failed"
    states = {r["filename"]: r for r in done["file_records"]}
    failed = states["quarterly_FAIL_report.pdf"]
    assert failed["status"] == "failed" and failed["failed_at"] is not None
    assert failed["error_message"] and failed["suggested_fix"]
    assert states["employee_handbook.pdf"]["status"] == "completed"
    assert done["output_files"] == [
        states[name]["alignment_file_id"] for name in ("employee_handbook.pdf", "benefits_faq.docx")
    ]


def test_another_tenant_does_not_see_the_job(client: MockClient, acme: dict[str, str]) -> None:
    job = create(client, acme, {"files": [HANDBOOK]}).json()
    globex = client.tenant_headers(API, "globex")
    response = client.get(f"/seekr{CREATE}/{job['id']}", headers=globex)
    assert response.status_code == 404
    assert response.json() == {"detail": "Ingestion job not found"}


def test_the_key_goes_without_bearer(client: MockClient, acme: dict[str, str]) -> None:
    response = create(
        client, {"Authorization": f"Bearer {acme['Authorization']}"}, {"files": [HANDBOOK]}
    )
    assert response.status_code == 401 and response.json() == {"detail": "Not authenticated"}
    missing = create(client, {}, {"files": [HANDBOOK]})
    assert missing.status_code == 401 and missing.json() == {"detail": "Not authenticated"}


@pytest.mark.parametrize(
    ("body", "item"),
    [
        ({}, {"type": "missing", "loc": ["body", "files"], "msg": "Field required", "input": {}}),
        (
            {"files": []},
            {
                "type": "too_short",
                "loc": ["body", "files"],
                "msg": "List should have at least 1 item after validation, not 0",
                "input": [],
                "ctx": {"field_type": "List", "min_length": 1, "actual_length": 0},
            },
        ),
        (
            {"files": HANDBOOK},
            {
                "type": "list_type",
                "loc": ["body", "files"],
                "msg": "Input should be a valid list",
                "input": HANDBOOK,
            },
        ),
        (
            {"files": [7]},
            {
                "type": "string_type",
                "loc": ["body", "files", 0],
                "msg": "Input should be a valid string",
                "input": 7,
            },
        ),
        (
            {"files": [HANDBOOK], "method": 3},
            {
                "type": "string_type",
                "loc": ["body", "method"],
                "msg": "Input should be a valid string",
                "input": 3,
            },
        ),
    ],
)
def test_a_body_that_breaks_the_schema_is_fastapis_422(
    client: MockClient, acme: dict[str, str], body: Any, item: dict[str, Any]
) -> None:
    response = create(client, acme, body)
    assert response.status_code == 422
    assert response.json() == {"detail": [item]}


def test_no_body_or_broken_json_is_fastapis_422(client: MockClient, acme: dict[str, str]) -> None:
    empty = client.http.post(f"/seekr{CREATE}", headers=acme)
    assert empty.status_code == 422
    assert empty.json() == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }
    client.assert_conforms(API, CREATE, "post", empty)
    broken = client.http.post(
        f"/seekr{CREATE}", headers={**acme, "Content-Type": "application/json"}, content=b"{"
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "json_invalid"
    client.assert_conforms(API, CREATE, "post", broken)


@pytest.mark.parametrize(
    ("body", "items"),
    [
        (  # pydantic checks every item of the list and every field, in the model's order
            {"files": [1, HANDBOOK, 2], "method": 5},
            [
                {
                    "type": "string_type",
                    "loc": ["body", "files", 0],
                    "msg": "Input should be a valid string",
                    "input": 1,
                },
                {
                    "type": "string_type",
                    "loc": ["body", "files", 2],
                    "msg": "Input should be a valid string",
                    "input": 2,
                },
                {
                    "type": "string_type",
                    "loc": ["body", "method"],
                    "msg": "Input should be a valid string",
                    "input": 5,
                },
            ],
        ),
        (
            {"method": 5},
            [
                {
                    "type": "missing",
                    "loc": ["body", "files"],
                    "msg": "Field required",
                    "input": {"method": 5},
                },
                {
                    "type": "string_type",
                    "loc": ["body", "method"],
                    "msg": "Input should be a valid string",
                    "input": 5,
                },
            ],
        ),
    ],
)
def test_fastapis_422_lists_every_problem_of_the_body(
    client: MockClient, acme: dict[str, str], body: Any, items: list[dict[str, Any]]
) -> None:
    response = create(client, acme, body)
    assert response.status_code == 422
    assert response.json() == {"detail": items}


LIST = "/v1/flow/alignment/ingestion/"  # with its slash (apis.md §4 [DOC K3 old])


def test_the_list_route_answers_the_callers_jobs_under_data(
    client: MockClient, acme: dict[str, str]
) -> None:
    globex = client.tenant_headers(API, "globex")
    first = create(client, acme, {"files": [HANDBOOK]}).json()
    client.advance(1)
    second = create(client, acme, {"files": [FAQ]}).json()
    create(client, globex, {"files": ["product_manual.pdf"]})
    response = client.get(f"/seekr{LIST}", headers=acme, follow_redirects=False)
    assert response.status_code == 200, response.text  # not a redirect to the POST route
    client.assert_conforms(API, LIST, "get", response)
    jobs = response.json()["data"]
    assert list(response.json()) == ["data"]  # SDK: client.ingestion.list().data
    ours = [j for j in jobs if j["id"] in (first["id"], second["id"])]
    assert ours == [  # newest first, each as its status route shows it
        poll(client, acme, second["id"]),
        poll(client, acme, first["id"]),
    ]
    seeded = {
        j["id"] for j in client.http.get("/_mock/apis/seekr/jobs").json() if j["tenant"] == "acme"
    }
    assert {j["id"] for j in jobs} == seeded | {first["id"], second["id"]}  # acme's only


def test_the_list_route_needs_the_key(client: MockClient) -> None:
    response = client.get(f"/seekr{LIST}", follow_redirects=False)
    assert response.status_code == 401 and response.json() == {"detail": "Not authenticated"}
    client.assert_conforms(API, LIST, "get", response)
