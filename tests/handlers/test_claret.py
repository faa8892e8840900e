"""Claret's import job status route, each documented behaviour with its exact body.

Facts: seed 004 (Claret's Job Status page: the example body, status values, file categories and
when they appear, the 422 body) and apis.md §5 (Sanctum tokens, `X-Requested-With`, the inferred
401 body). Step names are invented (fixtures/claret.yaml); the tests read them from the fixture.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.handlers.conftest import MockClient

ROUTE = "/{tenant}/api/v1/imports/status/{job_log_id}"
# timestamps as the doc writes them, `2024-01-01T10:00:00Z`
NO_FRACTION = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
NOT_FOUND = {
    "message": "Job not found or you do not have access to this job.",
    "error": {"error": "Job log ID does not exist"},
}
UNAUTHENTICATED = {"message": "Unauthenticated."}
OK_MESSAGE = "Job status retrieved successfully"
TOTAL_STEPS = 8  # an inventory import has 8 steps (seed 004)
SCENARIOS = [
    "completes",
    "completes-with-errors",
    "fails-validation",
    "fails-importing",
    "stays-pending",
]


@pytest.fixture
def mock_client(client_for: Any) -> MockClient:
    client: MockClient = client_for("claret")
    return client


def poll(client: MockClient, job: dict[str, Any], **headers: str) -> Any:
    return client.get(job["status_path"], headers={**job["headers"], **headers})


def content(client: MockClient, job: dict[str, Any]) -> dict[str, Any]:
    response = poll(client, job)
    assert response.status_code == 200, response.text
    client.assert_conforms("claret", ROUTE, "get", response)
    body: dict[str, Any] = response.json()
    assert body["message"] == OK_MESSAGE
    result: dict[str, Any] = body["content"]
    return result


def steps(client: MockClient) -> list[str]:
    names: list[str] = client.app.mock.apis["claret"].fixture.scenario_fields["completes"]["steps"]
    return names


def file_paths(
    job: dict[str, Any], tenant: str, user_id: int, name: str = "inventory"
) -> dict[str, str]:
    """Shaped like the doc's `/tenant/download/tenant/user-uploads/inventory-import/2024-01-01/1/
    inventory_20240101_untouched.csv`: the segment after the date is the seed's `1`, whoever the
    user (`user_id` is 42 in that example; issue 17 L2)."""
    day = job["created_at"][:10]
    # the segment after the date is 1 whoever the user: the seed's example has /1/ for user 42
    folder = f"/{tenant}/download/{tenant}/user-uploads/inventory-import/{day}/1"
    stem = f"{folder}/{name}_{day.replace('-', '')}"
    return {
        kind: f"{stem}_{suffix}.csv"
        for kind, suffix in [
            ("input", "untouched"),
            ("staging", "staging"),
            ("output", "final"),
            ("errors", "errors"),
        ]
    }


def test_a_job_walks_pending_in_progress_completed_with_files_filling_in(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("claret", scenario="completes", tenant="demo")
    assert re.fullmatch(r"\d+", job["id"])
    assert job["status_path"] == f"/claret/demo/api/v1/imports/status/{job['id']}"
    paths = file_paths(job, "demo", 42)

    pending = content(mock_client, job)
    assert pending == {
        "job_log_id": int(job["id"]),
        "status": "pending",
        "type": "inventory-import",
        "description": "Inventory Import",
        "progress": {"completed_steps": 0, "total_steps": TOTAL_STEPS, "current_step": None},
        "files": {"input": [paths["input"]]},  # input: immediately after upload
        "job_status_link": "https://plan.claret.app/demo/settings/application-maintenance/job-management/imports/logs/"
        + job["id"],
        "timestamps": {"started_at": None, "completed_at": None},
        "user_id": 42,  # the demo tenant's first token belongs to user 42
    }

    mock_client.move("claret", job["id"])
    running = content(mock_client, job)
    assert running["status"] == "in_progress"
    assert running["progress"] == {
        "completed_steps": 0,
        "total_steps": TOTAL_STEPS,
        "current_step": steps(mock_client)[0],
    }
    assert NO_FRACTION.match(running["timestamps"]["started_at"])
    assert running["timestamps"]["completed_at"] is None
    assert running["files"] == {"input": [paths["input"]]}

    mock_client.advance(15)  # 3 of the 8 steps of a 40 s run
    running = content(mock_client, job)
    assert running["progress"]["completed_steps"] == 3
    assert running["progress"]["current_step"] == steps(mock_client)[3]
    assert "staging" not in running["files"]

    mock_client.advance(10)  # 5 steps: validation is done, the staging file exists
    running = content(mock_client, job)
    assert running["progress"]["completed_steps"] == 5
    assert running["files"] == {"input": [paths["input"]], "staging": [paths["staging"]]}

    mock_client.move("claret", job["id"])
    done = content(mock_client, job)
    assert done["status"] == "completed"
    assert done["progress"] == {"completed_steps": 8, "total_steps": 8, "current_step": None}
    assert done["files"] == {  # no errors file: no record failed
        "input": [paths["input"]],
        "staging": [paths["staging"]],
        "output": [paths["output"]],
    }
    started, completed = done["timestamps"]["started_at"], done["timestamps"]["completed_at"]
    assert NO_FRACTION.match(completed) and started <= completed


def test_a_completed_job_with_failed_records_has_all_four_files_like_the_example(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("claret", scenario="completes-with-errors", tenant="demo")
    paths = file_paths(job, "demo", 42)
    mock_client.move("claret", job["id"])
    mock_client.advance(25)  # validation done: records failed, the errors file is there already
    running = content(mock_client, job)
    assert running["files"] == {
        "input": [paths["input"]],
        "staging": [paths["staging"]],
        "errors": [paths["errors"]],
    }

    mock_client.move("claret", job["id"], "completed")
    done = content(mock_client, job)
    assert done["status"] == "completed"
    assert done["files"] == {kind: [path] for kind, path in paths.items()}
    assert list(done["files"]) == ["input", "staging", "output", "errors"]


def test_a_job_failing_validation_keeps_its_progress_and_has_an_errors_file(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("claret", scenario="fails-validation", tenant="demo")
    paths = file_paths(job, "demo", 42)
    mock_client.move("claret", job["id"])
    mock_client.move("claret", job["id"])
    failed = content(mock_client, job)
    assert failed["status"] == "failed"
    assert failed["progress"] == {"completed_steps": 4, "total_steps": 8, "current_step": None}
    assert failed["files"] == {"input": [paths["input"]], "errors": [paths["errors"]]}
    assert NO_FRACTION.match(failed["timestamps"]["started_at"])
    assert NO_FRACTION.match(failed["timestamps"]["completed_at"])


def test_a_job_failing_after_validation_has_staging_and_errors_but_no_output(
    mock_client: MockClient,
) -> None:
    job = mock_client.create("claret", scenario="fails-importing", tenant="northwind")
    paths = file_paths(job, "northwind", 7)
    mock_client.move("claret", job["id"], "failed")
    failed = content(mock_client, job)
    assert failed["status"] == "failed"
    assert failed["user_id"] == 7
    assert failed["progress"] == {"completed_steps": 6, "total_steps": 8, "current_step": None}
    assert failed["files"] == {
        "input": [paths["input"]],
        "staging": [paths["staging"]],
        "errors": [paths["errors"]],
    }
    assert failed["timestamps"]["started_at"] <= failed["timestamps"]["completed_at"]


def test_time_moves_the_job_on_its_own(mock_client: MockClient) -> None:
    job = mock_client.create("claret", scenario="completes")
    mock_client.advance(5)  # the scenario is pending for 5 s
    assert content(mock_client, job)["status"] == "in_progress"
    mock_client.advance(40)
    assert content(mock_client, job)["status"] == "completed"


def test_a_stuck_job_stays_pending_for_an_hour(mock_client: MockClient) -> None:
    job = mock_client.create("claret", scenario="stays-pending")
    mock_client.advance(3599)
    assert content(mock_client, job)["status"] == "pending"
    mock_client.advance(1)
    assert content(mock_client, job)["status"] == "in_progress"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_phase_of_every_scenario_conforms(mock_client: MockClient, scenario: str) -> None:
    job = mock_client.create("claret", scenario=scenario)
    seen = [content(mock_client, job)["status"]]
    while mock_client.move("claret", job["id"]).status_code == 200:
        seen.append(content(mock_client, job)["status"])
    assert seen[:2] == ["pending", "in_progress"] and seen[-1] in {"completed", "failed"}
    assert mock_client.move("claret", job["id"]).status_code == 409  # terminal: nothing further


def test_seed_jobs_show_every_status_at_startup(mock_client: MockClient) -> None:
    demo = mock_client.tenant_headers("claret", "demo")
    northwind = mock_client.tenant_headers("claret", "northwind")
    statuses = {}
    for job_log_id, headers, tenant in [
        (12345, demo, "demo"),
        (12346, demo, "demo"),
        (12347, demo, "demo"),
        (12348, northwind, "northwind"),
        (12349, northwind, "northwind"),
    ]:
        response = mock_client.get(
            f"/claret/{tenant}/api/v1/imports/status/{job_log_id}", headers=headers
        )
        assert response.status_code == 200, response.text
        mock_client.assert_conforms("claret", ROUTE, "get", response)
        statuses[job_log_id] = response.json()["content"]["status"]
    assert statuses == {
        12345: "completed",
        12346: "in_progress",
        12347: "failed",
        12348: "pending",
        12349: "pending",
    }


def test_new_jobs_get_integer_ids_from_a_sequence(mock_client: MockClient) -> None:
    first = mock_client.create("claret", tenant="northwind")
    second = mock_client.create("claret", tenant="demo")
    assert int(second["id"]) == int(first["id"]) + 1
    assert content(mock_client, first)["job_log_id"] == int(first["id"])
    assert content(mock_client, first)["user_id"] == 7


def test_every_token_of_the_tenant_sees_its_jobs(mock_client: MockClient) -> None:
    job = mock_client.create("claret", tenant="demo")
    # the demo tenant's second user (fixtures/claret.yaml)
    headers = {
        "Authorization": "Bearer 4|iBhAjHSe3V4oVlhb6emDxGoCr8gpowd0Id50F19X",
        "X-Requested-With": "XMLHttpRequest",
    }
    response = mock_client.get(job["status_path"], headers=headers)
    assert response.status_code == 200
    assert response.json()["content"]["user_id"] == 42  # the job's user, not the caller


def test_clients_send_the_sanctum_token_and_x_requested_with(mock_client: MockClient) -> None:
    headers = mock_client.tenant_headers("claret", "demo")
    assert set(headers) == {"Authorization", "X-Requested-With"}
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert re.fullmatch(r"Bearer \d+\|[A-Za-z0-9]{40}", headers["Authorization"])


def test_missing_and_unknown_tokens_are_401_unauthenticated(mock_client: MockClient) -> None:
    job = mock_client.create("claret", tenant="demo")
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    for headers in [
        xhr,
        {**xhr, "Authorization": "Bearer 9|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        {**xhr, "Authorization": "Token 3|GpMEJMToQDaXpPZqqTZ6PzV68QWIcpcQHDCeUG4m"},
    ]:
        response = mock_client.get(job["status_path"], headers=headers)
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED
        mock_client.assert_conforms("claret", ROUTE, "get", response)


# Symfony's RedirectResponse page, which Laravel's `redirect()` sends (claret_login's docstring)
REDIRECT_PAGE = """<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='http://testserver/claret/demo/login'" />

        <title>Redirecting to http://testserver/claret/demo/login</title>
    </head>
    <body>
        Redirecting to <a href="http://testserver/claret/demo/login">http://testserver/claret/demo/login</a>.
    </body>
</html>"""


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer 9|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        {"X-Requested-With": "fetch"},
        {"Accept": "text/html,application/json"},
    ],
)
def test_an_auth_failure_without_the_xhr_header_redirects_to_the_login_page(
    mock_client: MockClient, headers: dict[str, str]
) -> None:
    """apis.md §5 [DOC L4]: without `X-Requested-With: XMLHttpRequest` an authentication failure
    answers with an HTML redirect to the login page, not the JSON 401."""
    job = mock_client.create("claret", tenant="demo")
    response = mock_client.http.get(job["status_path"], headers=headers, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://testserver/claret/demo/login"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == REDIRECT_PAGE
    errors = mock_client.checker("claret").errors(ROUTE, "get", 302, response.text, "text/html")
    assert not errors, errors


def test_a_request_that_asks_for_json_gets_the_json_401(mock_client: MockClient) -> None:
    """Laravel's `expectsJson()`: the XHR header, or JSON first in `Accept`."""
    job = mock_client.create("claret", tenant="demo")
    for headers in [{"X-Requested-With": "XMLHttpRequest"}, {"Accept": "application/json"}]:
        response = mock_client.http.get(job["status_path"], headers=headers, follow_redirects=False)
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_another_tenants_job_is_the_documented_422(mock_client: MockClient) -> None:
    demo = mock_client.tenant_headers("claret", "demo")
    northwind_job = mock_client.create("claret", tenant="northwind")
    demo_job = mock_client.create("claret", tenant="demo")
    for path in [
        # own path, another tenant's job; another tenant's path, its job and then our own job
        f"/claret/demo/api/v1/imports/status/{northwind_job['id']}",
        f"/claret/northwind/api/v1/imports/status/{northwind_job['id']}",
        f"/claret/northwind/api/v1/imports/status/{demo_job['id']}",
        f"/claret/nosuchtenant/api/v1/imports/status/{demo_job['id']}",
    ]:
        response = mock_client.get(path, headers=demo)
        assert response.status_code == 422, path
        assert response.json() == NOT_FOUND
        mock_client.assert_conforms("claret", ROUTE, "get", response)


@pytest.mark.parametrize("job_log_id", ["99999", "0", "-1"])
def test_unknown_job_is_the_documented_422(mock_client: MockClient, job_log_id: str) -> None:
    headers = mock_client.tenant_headers("claret", "demo")
    response = mock_client.get(f"/claret/demo/api/v1/imports/status/{job_log_id}", headers=headers)
    assert response.status_code == 422
    assert response.json() == NOT_FOUND
    mock_client.assert_conforms("claret", ROUTE, "get", response)


@pytest.mark.parametrize("job_log_id", ["abc", "1.5", "12345abc", "undefined"])
def test_non_integer_job_log_id_is_the_documented_422(
    mock_client: MockClient, job_log_id: str
) -> None:
    headers = mock_client.tenant_headers("claret", "demo")
    response = mock_client.get(f"/claret/demo/api/v1/imports/status/{job_log_id}", headers=headers)
    assert response.status_code == 422
    assert response.json() == NOT_FOUND
    mock_client.assert_conforms("claret", ROUTE, "get", response)
    # the token is checked first: without one, Laravel's JSON 401
    anonymous = mock_client.get(
        f"/claret/demo/api/v1/imports/status/{job_log_id}",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert (anonymous.status_code, anonymous.json()) == (401, {"message": "Unauthenticated."})


def test_unknown_routes_and_methods_answer_in_laravels_shape(mock_client: MockClient) -> None:
    # inferred (Laravel's router wording); not declared by Claret
    headers = mock_client.tenant_headers("claret", "demo")
    missing = mock_client.get("/claret/demo/api/v1/imports/nothing", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "message": "The route demo/api/v1/imports/nothing could not be found."
    }
    post = mock_client.http.post("/claret/demo/api/v1/imports/status/12345", headers=headers)
    assert post.status_code == 405
    assert post.json() == {
        "message": "The POST method is not supported for route demo/api/v1/imports/status/12345. "
        "Supported methods: GET, HEAD."
    }


def test_a_tenant_segment_with_an_encoded_slash_is_the_documented_422(
    mock_client: MockClient,
) -> None:
    # found by the contract suite: the router cannot place the path, the answer is still Claret's
    headers = mock_client.tenant_headers("claret", "demo")
    response = mock_client.get("/claret/de%2Fmo/api/v1/imports/status/12345", headers=headers)
    assert (response.status_code, response.json()) == (422, NOT_FOUND)
    mock_client.assert_conforms("claret", ROUTE, "get", response)


def test_the_segment_after_the_date_is_the_seeds_not_the_user_id(mock_client: MockClient) -> None:
    """Seed 004: user_id 42, and `/2024-01-01/1/inventory_20240101_untouched.csv`."""
    job = mock_client.create("claret", scenario="completes", tenant="demo")
    body = content(mock_client, job)
    day = body["files"]["input"][0].split("/")[-3]
    assert body["user_id"] == 42
    assert body["files"]["input"] == [
        f"/demo/download/demo/user-uploads/inventory-import/{day}/1/"
        f"inventory_{day.replace('-', '')}_untouched.csv"
    ]
