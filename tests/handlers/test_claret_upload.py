"""Claret from the client's side: log in for a token, import inventory, poll the job log.

Facts: apis.md §5 (tokens/create with email and password as query parameters -> {"token":
"<id>|<40 chars>"}; inventory/import/process: CSV multipart -> 202 with job_log_id, JSON -> 200,
at most 1,000 records). Validation wording (Laravel's), the 202/200 bodies and the 10 MB limit are
jobmock's inference (handlers/claret.py, claret_errors.py). Scenario rules: fixtures/claret.yaml.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jobmock.http.auth import IssuedCredentials
from tests.handlers.conftest import MockClient

API = "claret"
TOKENS = "/{tenant}/api/v1/tokens/create"
IMPORT = "/{tenant}/api/v1/inventory/import/process"
STATUS = "/{tenant}/api/v1/imports/status/{job_log_id}"
XHR = {"X-Requested-With": "XMLHttpRequest"}
PLANNER = {"email": "planner@demo.example", "password": "demo-planner-pass"}
ARGUMENTS = {
    "allow_record_creation": True,
    "allow_record_update": True,
    "should_continue_on_error": False,
}
RECORD = {
    "item_name": "Widget",
    "bin_name": "A-1",
    "lot_name": "L42",
    "date_filled": "2025-01-15",
    "quantity": 12,
    "uom": "EA",
}


def inventory_csv(rows: int) -> bytes:
    lines = ["item_name,bin_name,lot_name,date_filled,quantity,uom"]
    lines += [f"Item {n},B-{n % 9},L{n},2025-01-15,{n},EA" for n in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def validation(field: str, message: str) -> dict[str, Any]:
    return {"message": message, "errors": {field: [message]}}


def login(client: MockClient, tenant: str = "demo", **params: str) -> Any:
    response = client.http.post(
        f"/claret/{tenant}/api/v1/tokens/create", params=params or PLANNER, headers=XHR
    )
    client.assert_conforms(API, TOKENS, "post", response)
    return response


@pytest.fixture
def planner(client: MockClient) -> dict[str, str]:
    token = login(client).json()["token"]
    return {**XHR, "Authorization": f"Bearer {token}"}


def upload(
    client: MockClient,
    headers: dict[str, str],
    content: bytes | None,
    name: str = "inventory.csv",
    tenant: str = "demo",
    **fields: str,
) -> Any:
    parts: dict[str, Any] = {key: (None, value) for key, value in fields.items()}
    if content is not None:
        parts["file"] = (name, content, "text/csv")
    if not parts:
        parts["note"] = (None, "no file")
    response = client.http.post(
        f"/claret/{tenant}/api/v1/inventory/import/process", headers=headers, files=parts
    )
    client.assert_conforms(API, IMPORT, "post", response)
    return response


def post_json(client: MockClient, headers: dict[str, str], body: Any) -> Any:
    response = client.http.post(
        "/claret/demo/api/v1/inventory/import/process", headers=headers, json=body
    )
    client.assert_conforms(API, IMPORT, "post", response)
    return response


def poll(client: MockClient, headers: dict[str, str], job_log_id: int) -> dict[str, Any]:
    response = client.get(f"/claret/demo/api/v1/imports/status/{job_log_id}", headers=headers)
    assert response.status_code == 200, response.text
    client.assert_conforms(API, STATUS, "get", response)
    content: dict[str, Any] = response.json()["content"]
    return content


# ------------------------------------------------------------------------------------- tokens
def test_a_token_from_email_and_password_works_on_the_status_route(client: MockClient) -> None:
    response = login(client)
    assert response.status_code == 200
    token = response.json()["token"]
    assert re.fullmatch(r"\d+\|[A-Za-z0-9]{40}", token)
    headers = {**XHR, "Authorization": f"Bearer {token}"}
    seeded = client.get("/claret/demo/api/v1/imports/status/12345", headers=headers)
    assert seeded.status_code == 200 and seeded.json()["content"]["user_id"] == 42
    other = login(client).json()["token"]
    assert other != token  # every login issues a new token


def test_an_issued_token_is_kept_in_the_store(client: MockClient) -> None:
    token = login(client).json()["token"]
    issued = IssuedCredentials(client.app.mock.store, ["claret"])
    found = client.call(issued.find, "claret", token)
    assert found is not None
    assert (found.tenant, found.attributes["user_id"]) == ("demo", 42)
    assert "password" not in found.attributes
    client.http.post("/_mock/reset")  # the store forgets it
    response = client.get(
        "/claret/demo/api/v1/imports/status/12345",
        headers={**XHR, "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401 and response.json() == {"message": "Unauthenticated."}


def test_a_token_of_one_tenant_does_not_open_another(client: MockClient) -> None:
    token = login(client).json()["token"]
    response = client.get(
        "/claret/northwind/api/v1/imports/status/12348",
        headers={**XHR, "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("tenant", "params", "status", "body"),
    [
        (
            "demo",
            {"email": "planner@demo.example", "password": "wrong"},
            401,
            {"message": "Invalid credentials."},
        ),
        (
            "northwind",
            PLANNER,  # a demo user
            401,
            {"message": "Invalid credentials."},
        ),
        (
            "demo",
            {"email": "planner@demo.example"},
            422,
            validation("password", "The password field is required."),
        ),
        (
            "demo",
            {"password": "x"},
            422,
            validation("email", "The email field is required."),
        ),
        (
            "acme",
            PLANNER,
            404,
            {"message": "The route acme/api/v1/tokens/create could not be found."},
        ),
    ],
)
def test_a_refused_login_answers_its_exact_body(
    client: MockClient, tenant: str, params: dict[str, str], status: int, body: dict[str, Any]
) -> None:
    response = login(client, tenant, **params)
    assert response.status_code == status
    assert response.json() == body


# ------------------------------------------------------------------------------- CSV, then poll
def test_a_csv_import_is_a_job_log_to_poll(client: MockClient, planner: dict[str, str]) -> None:
    response = upload(client, planner, inventory_csv(250), name="march_counts.csv")
    assert response.status_code == 202
    accepted = response.json()
    job_log_id = accepted["content"]["job_log_id"]
    assert accepted == {
        "message": "Inventory import queued successfully.",
        "content": {
            "job_log_id": job_log_id,
            "job_status_link": "https://plan.claret.app/demo/settings/application-maintenance/"
            f"job-management/imports/logs/{job_log_id}",
        },
    }
    job = poll(client, planner, job_log_id)
    assert (job["status"], job["type"], job["user_id"]) == ("pending", "inventory-import", 42)
    assert job["files"]["input"][0].endswith("_untouched.csv")
    assert "/march_counts_" in job["files"]["input"][0]  # the upload's own name
    client.advance(5 + 20)
    running = poll(client, planner, job_log_id)
    assert running["status"] == "in_progress" and running["progress"]["current_step"]
    client.advance(30)
    done = poll(client, planner, job_log_id)
    assert (done["status"], done["progress"]["completed_steps"]) == ("completed", 8)
    assert set(done["files"]) == {"input", "staging", "output"}  # no failed records


def test_a_csv_named_error_completes_with_an_errors_file(
    client: MockClient, planner: dict[str, str]
) -> None:
    job_log_id = upload(client, planner, inventory_csv(30), name="with_errors.csv").json()[
        "content"
    ]["job_log_id"]
    client.advance(60)
    done = poll(client, planner, job_log_id)
    assert done["status"] == "completed" and "errors" in done["files"]
    job = client.http.get(f"/_mock/apis/claret/jobs/{job_log_id}").json()
    assert job["scenario"] == "completes-with-errors"
    stored = client.call(client.app.mock.get, "claret", str(job_log_id))
    assert (stored.fields["records"], stored.fields["failed_records"]) == (30, 12)


def test_a_csv_named_fail_fails_validation(client: MockClient, planner: dict[str, str]) -> None:
    job_log_id = upload(client, planner, inventory_csv(5), name="fail.csv").json()["content"][
        "job_log_id"
    ]
    client.advance(60)
    done = poll(client, planner, job_log_id)
    assert done["status"] == "failed" and "errors" in done["files"]
    stored = client.call(client.app.mock.get, "claret", str(job_log_id))
    assert stored.fields["failed_records"] == 5  # no more than the upload's records


def test_a_fixture_token_works_too(client: MockClient) -> None:
    headers = client.tenant_headers(API, "northwind")
    response = upload(client, headers, inventory_csv(3), tenant="northwind")
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("content", "name", "fields", "field", "message"),
    [
        (None, "x.csv", {}, "file", "The file field is required."),
        (b"x", "stock.xlsx", {}, "file", "The file field must be a file of type: csv, txt."),
        (
            inventory_csv(1001),
            "big.csv",
            {},
            "file",
            "The file may not contain more than 1000 records.",
        ),
        (
            b"item_name,quantity\n",
            "empty.csv",
            {},
            "file",
            "The file must contain at least one record.",
        ),
        (
            b"item_name\nCaf\xe9\n",
            "latin1.csv",
            {},
            "file",
            "The file must be a UTF-8 encoded CSV file.",
        ),
        (
            inventory_csv(1),
            "ok.csv",
            {"allow_record_update": "sometimes"},
            "allow_record_update",
            "The allow record update field must be true or false.",
        ),
        (
            inventory_csv(1),
            "ok.csv",
            {"mapping": "{not json"},
            "mapping",
            "The mapping field must be a valid JSON string.",
        ),
    ],
)
def test_a_refused_csv_answers_laravels_validation_body(
    client: MockClient,
    planner: dict[str, str],
    content: bytes | None,
    name: str,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = upload(client, planner, content, name, **fields)
    assert response.status_code == 422
    assert response.json() == validation(field, message)


def test_a_thousand_records_are_allowed(client: MockClient, planner: dict[str, str]) -> None:
    assert upload(client, planner, inventory_csv(1000)).status_code == 202


def test_a_body_over_the_limit_is_413_before_it_is_read(
    client: MockClient, planner: dict[str, str]
) -> None:
    headers = {
        **planner,
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(11 * 1024 * 1024),
    }
    response = client.http.post(
        "/claret/demo/api/v1/inventory/import/process", headers=headers, content=b"--b--\r\n"
    )
    assert response.status_code == 413 and response.json() == {"message": "Payload Too Large"}
    client.assert_conforms(API, IMPORT, "post", response)


def test_a_broken_multipart_body_has_no_file(client: MockClient, planner: dict[str, str]) -> None:
    headers = {**planner, "Content-Type": "multipart/form-data; boundary=b"}
    response = client.http.post(
        "/claret/demo/api/v1/inventory/import/process", headers=headers, content=b"garbage"
    )
    assert response.status_code == 422
    assert response.json() == validation("file", "The file field is required.")


def test_another_tenant_in_the_path_is_refused(client: MockClient, planner: dict[str, str]) -> None:
    response = upload(client, planner, inventory_csv(1), tenant="northwind")
    assert response.status_code == 403
    assert response.json() == {"message": "This action is unauthorized."}


def test_without_a_token_it_is_401(client: MockClient) -> None:
    response = upload(client, XHR, inventory_csv(1))
    assert response.status_code == 401 and response.json() == {"message": "Unauthenticated."}
    # without the XHR header: Laravel's redirect to the login page (apis.md §5 [DOC L4])
    response = client.http.post(
        "/claret/demo/api/v1/inventory/import/process",
        files={"file": ("inventory.csv", inventory_csv(1), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["location"] == "http://testserver/claret/demo/login"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def redirect_page(url: str) -> str:
    """Symfony's RedirectResponse page, which Laravel's `redirect()` sends (claret_login)."""
    return f"""<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='{url}'" />

        <title>Redirecting to {url}</title>
    </head>
    <body>
        Redirecting to <a href="{url}">{url}</a>.
    </body>
</html>"""


@pytest.mark.parametrize(
    ("referer", "location"),
    [
        ({}, "http://testserver/claret"),  # url('/'): the site root, no trailing slash
        ({"Referer": "https://app.example/inventory?tab=2"}, "https://app.example/inventory?tab=2"),
        ({"Referer": "/demo/imports/"}, "http://testserver/claret/demo/imports"),  # url()->to()
    ],
)
def test_a_validation_failure_without_the_xhr_header_redirects_back(
    client: MockClient, planner: dict[str, str], referer: dict[str, str], location: str
) -> None:
    """Laravel's handler (claret_login's docstring): a validation failure of a request that does
    not expect JSON is `redirect(url()->previous())`: the Referer, else the site root."""
    headers = {"Authorization": planner["Authorization"], **referer}  # no X-Requested-With
    for post in (
        {"files": {"file": ("inventory.csv", b"", "text/csv")}},  # the CSV route, refused
        {"json": {"source": "api"}},  # JSON records missing arguments and payload
    ):
        response = client.http.post(
            "/claret/demo/api/v1/inventory/import/process",
            headers=headers,
            follow_redirects=False,
            **post,
        )
        assert response.status_code == 302, response.text
        assert response.headers["location"] == location
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.text == redirect_page(location.replace("&", "&amp;"))
        checker = client.checker(API)
        assert not checker.errors(IMPORT, "post", 302, response.text, "text/html")
    token = client.http.post(  # the token route's missing password: redirected back as well
        "/claret/demo/api/v1/tokens/create",
        params={"email": PLANNER["email"]},
        headers=referer,
        follow_redirects=False,
    )
    assert (token.status_code, token.headers["location"]) == (302, location)
    assert not client.checker(API).errors(TOKENS, "post", 302, token.text, "text/html")


def test_a_validation_failure_asking_for_json_keeps_the_422(client: MockClient) -> None:
    """`expectsJson()`: JSON first in `Accept` is enough, as the XHR header is."""
    response = client.http.post(
        "/claret/demo/api/v1/tokens/create",
        params={"email": PLANNER["email"]},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert response.json() == validation("password", "The password field is required.")


# ------------------------------------------------------------------------------------------ JSON
def test_json_records_answer_200_with_the_job_page(
    client: MockClient, planner: dict[str, str]
) -> None:
    body = {
        "source": "api",
        "arguments": ARGUMENTS,
        "payload": [RECORD, {**RECORD, "quantity": 2.5}],
    }
    response = post_json(client, planner, body)
    assert response.status_code == 200
    link = response.json()["content"]["job_status_link"]
    assert response.json()["message"] == "Inventory import queued successfully."
    job_log_id = int(link.rsplit("/", 1)[-1])
    client.advance(60)
    assert poll(client, planner, job_log_id)["status"] == "completed"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"payload": [{**RECORD, "quantity": 0}]},
            {"payload.0.quantity": ["The payload.0.quantity field must be greater than 0."]},
        ),
        (
            {"payload": [{k: v for k, v in RECORD.items() if k not in ("item_name", "uom")}]},
            {
                "payload.0.item_name": ["The payload.0.item name field is required."],
                "payload.0.uom": ["The payload.0.uom field is required."],
            },
        ),
        (
            {"payload": [{**RECORD, "date_filled": "15/01/2025"}]},
            {
                "payload.0.date_filled": [
                    "The payload.0.date filled field must match the format Y-m-d."
                ]
            },
        ),
        ({"payload": []}, {"payload": ["The payload field is required."]}),
        (
            {"payload": [RECORD] * 1001},
            {"payload": ["The payload field must not have more than 1000 items."]},
        ),
        ({"source": "ui"}, {"source": ["The selected source is invalid."]}),
        (
            {"arguments": {**ARGUMENTS, "allow_record_update": "yes"}},
            {
                "arguments.allow_record_update": [
                    "The arguments.allow record update field must be true or false."
                ]
            },
        ),
    ],
)
def test_refused_json_records_answer_laravels_validation_body(
    client: MockClient,
    planner: dict[str, str],
    change: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    body = {"source": "api", "arguments": ARGUMENTS, "payload": [RECORD], **change}
    response = post_json(client, planner, body)
    assert response.status_code == 422
    messages = [m for found in errors.values() for m in found]
    more = f" (and {len(messages) - 1} more error)" if len(messages) == 2 else ""
    assert response.json() == {"message": messages[0] + more, "errors": errors}


def test_an_empty_object_misses_every_field(client: MockClient, planner: dict[str, str]) -> None:
    response = post_json(client, planner, {})
    assert response.status_code == 422
    assert response.json() == {
        "message": "The source field is required. (and 2 more errors)",
        "errors": {
            "source": ["The source field is required."],
            "arguments": ["The arguments field is required."],
            "payload": ["The payload field is required."],
        },
    }


def test_workers_sharing_a_store_accept_each_others_tokens(client_for: Any, tmp_path: Any) -> None:
    store = f"sqlite://{tmp_path}/shared.db"
    first, second = client_for(API, store=store), client_for(API, store=store)
    token = login(first).json()["token"]
    headers = {**XHR, "Authorization": f"Bearer {token}"}
    job_log_id = upload(second, headers, inventory_csv(4)).json()["content"]["job_log_id"]
    assert poll(first, headers, job_log_id)["status"] == "pending"


def stored_rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def refuse_unknown_tokens(client: Any, count: int = 300) -> None:
    for n in range(count):  # every one distinct and large: each a row before issue 16's fix
        headers = {**XHR, "Authorization": f"Bearer {n}|{'x' * 10_000}"}
        response = client.get("/claret/demo/api/v1/imports/status/12345", headers=headers)
        assert response.status_code == 401 and response.json() == {"message": "Unauthenticated."}


def test_unknown_tokens_write_nothing(client_for: Any, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    client = client_for(API, store=f"sqlite://{path}", journal=False)
    before = stored_rows(path)
    refuse_unknown_tokens(client)
    assert stored_rows(path) == before


def test_with_the_journal_unknown_tokens_leave_bounded_masked_entries(
    client_for: Any, tmp_path: Path
) -> None:
    # the request journal (on by default) keeps the last journal_size requests, credentials masked
    path = tmp_path / "state.db"
    client = client_for(API, store=f"sqlite://{path}", journal_size=50)
    before = stored_rows(path)
    refuse_unknown_tokens(client)
    entries = client.get("/_mock/requests?api=claret").json()
    assert len(entries) <= 50 and stored_rows(path) <= before + 50
    stored = b"".join(file.read_bytes() for file in tmp_path.glob("state.db*"))  # -wal too
    assert b"x" * 100 not in stored  # no token text stored


def test_login_tokens_are_unpredictable_whatever_the_seed(client_for: Any) -> None:
    first, second = client_for(API, seed=7), client_for(API, seed=7)
    one, two = login(first).json()["token"], login(second).json()["token"]
    assert one.split("|")[0] == two.split("|")[0]  # the id counts up, as Sanctum's does
    assert one != two  # the secret is not derived from --seed
