"""`Prefer: code=|status=|delay=` on every API: real error bodies, synthetic statuses, delays, a 400
saying what is allowed for anything undeclared, and `--no-overrides` for real behaviour only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.documents.conformance import ResponseChecker
from jobmock.documents.routes import RouteTable
from jobmock.serving.app import create_app

APIS = ["matcher", "crosmos", "gu1", "seekr", "claret"]


class Api:
    """One API of a running mock: its status route, a fresh job, and its spec's checker."""

    def __init__(self, client: TestClient, name: str) -> None:
        self.client, self.name = client, name
        runtime = client.app.mock.apis[name]  # type: ignore[attr-defined]
        self.runtime = runtime
        self.checker = ResponseChecker(runtime.spec.document)
        table = RouteTable({name: (runtime.prefix, runtime.spec.document)})
        self.route = next(r for r in table.routes[name] if r.method == "GET" and "{" in r.path)

    def new_job(self, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"/_mock/apis/{self.name}/jobs", json=body)
        assert response.status_code == 201, response.text
        job: dict[str, Any] = response.json()
        return job

    def poll(self, job: dict[str, Any], prefer: str | None = None) -> Any:
        headers = {**job["headers"], **({"Prefer": prefer} if prefer else {})}
        return self.client.get(job["status_path"], headers=headers)

    def conforms(self, job: dict[str, Any], response: Any) -> None:
        path = job["status_path"].removeprefix(self.runtime.prefix)
        template = self.checker.template_for(path)
        errors = self.checker.errors(
            template, "get", response.status_code, response.json(), "application/json"
        )
        assert not errors, f"{response.status_code} {response.text}\n" + "\n".join(errors)


def status_of(body: dict[str, Any]) -> str:
    inner = body.get("content") or body.get("job") or body  # Claret's `content`, gu1's `job`
    status: str = inner["status"]
    return status


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual"))) as client:
        yield client


@pytest.fixture(params=APIS)
def api(request: pytest.FixtureRequest, client: TestClient) -> Api:
    return Api(client, request.param)


def test_an_error_code_answers_the_apis_own_body_for_it(api: Api) -> None:
    """The code the API answers for a missing job comes back word for word, headers included."""
    gone = api.new_job()
    assert api.client.delete(f"/_mock/apis/{api.name}/jobs/{gone['id']}").status_code == 204
    real = api.poll(gone)
    assert real.status_code in (404, 422)
    job = api.new_job()
    forced = api.poll(job, f"code={real.status_code}")
    assert (forced.status_code, forced.json()) == (real.status_code, real.json())
    assert forced.headers["preference-applied"] == f"code={real.status_code}"


def test_every_documented_error_code_is_answered_as_the_spec_declares(api: Api) -> None:
    job = api.new_job()
    codes = [code for code in api.route.declared_codes() if code >= 400]
    assert codes
    for code in codes:
        response = api.poll(job, f"code={code}")
        assert response.status_code == code, (code, response.text)
        api.conforms(job, response)


def test_an_undocumented_code_is_a_400_naming_the_documented_ones(api: Api) -> None:
    response = api.poll(api.new_job(), "code=418")
    assert response.status_code == 400
    assert "code=418 is not documented" in response.text
    assert all(code in response.text for code in api.route.codes)
    assert "preference-applied" not in response.headers


def test_a_status_renders_the_job_in_it_without_storing_anything(api: Api) -> None:
    job = api.new_job()
    model = api.runtime.fixture.statuses
    for status in [*model.order, *model.terminal]:
        response = api.poll(job, f"status={status}")
        assert response.status_code == 200, response.text
        assert status_of(response.json()) == status
        assert response.headers["preference-applied"] == f"status={status}"
        api.conforms(job, response)
    stored = api.client.get(f"/_mock/apis/{api.name}/jobs/{job['id']}").json()
    assert stored["status"] == job["status"]
    assert status_of(api.poll(job).json()) == job["status"]


def test_an_unknown_status_is_a_400_naming_the_statuses(api: Api) -> None:
    response = api.poll(api.new_job(), "status=EXPLODED")
    assert response.status_code == 400
    assert "status=EXPLODED is not a status" in response.text
    assert all(s in response.text for s in api.runtime.fixture.statuses.terminal)


def test_a_terminal_job_can_be_shown_in_an_earlier_status(client: TestClient) -> None:
    api = Api(client, "matcher")
    job = api.new_job(scenario="fails")
    assert client.post(
        f"/_mock/apis/matcher/jobs/{job['id']}/transitions", json={"to": "FAILED"}
    ).is_success
    for status in ("QUEUED", "PROCESSING", "COMPLETED"):
        assert status_of(api.poll(job, f"status={status}").json()) == status


def test_delay_answers_late_and_combines_with_code(client: TestClient) -> None:
    api = Api(client, "matcher")
    job = api.new_job()
    started = time.monotonic()
    response = api.poll(job, "delay=250")
    assert response.status_code == 200 and time.monotonic() - started >= 0.25
    started = time.monotonic()
    response = api.poll(job, "code=500, delay=200")
    assert response.status_code == 500 and time.monotonic() - started >= 0.2
    assert response.headers["preference-applied"] == "code=500, delay=200"


@pytest.mark.parametrize("value", ["-1", "1.5", "soon", "600000"])
def test_a_bad_delay_is_a_400(client: TestClient, value: str) -> None:
    api = Api(client, "gu1")
    response = api.poll(api.new_job(), f"delay={value}")
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": f"Invalid Prefer header: delay={value} is not a number of milliseconds from 0 to"
        " 60000",
    }


def test_preferences_jobmock_does_not_know_are_ignored(client: TestClient) -> None:
    api = Api(client, "seekr")
    response = api.poll(api.new_job(), "return=minimal, respond-async")
    assert response.status_code == 200
    assert "preference-applied" not in response.headers


def test_a_missing_job_stays_missing_whatever_status_is_preferred(client: TestClient) -> None:
    api = Api(client, "crosmos")
    job = api.new_job()
    client.delete(f"/_mock/apis/crosmos/jobs/{job['id']}")
    assert api.poll(job, "status=completed").status_code == 404


def test_the_poll_clock_does_not_move_a_job_shown_in_another_status() -> None:
    with TestClient(create_app(Config(clock="poll", apis=("matcher",)))) as client:
        api = Api(client, "matcher")
        job = api.new_job()
        for _ in range(3):
            assert status_of(api.poll(job, "status=COMPLETED").json()) == "COMPLETED"
        assert status_of(api.poll(job).json()) == "QUEUED"  # this poll moves it
        assert status_of(api.poll(job).json()) == "PROCESSING"


def test_no_overrides_means_the_real_behaviour() -> None:
    config = Config(clock="manual", apis=("matcher",), overrides=False)
    with TestClient(create_app(config)) as client:
        api = Api(client, "matcher")
        job = api.new_job()
        for prefer in ("code=404", "status=FAILED", "code=418", "delay=soon"):
            response = api.poll(job, prefer)
            assert response.status_code == 200 and status_of(response.json()) == "QUEUED"
            assert "preference-applied" not in response.headers


def test_an_error_code_on_another_method_never_reaches_the_handler(client: TestClient) -> None:
    """A POST (an upload) asked for an error answers it without creating anything."""
    tried = 0
    for name in APIS:
        api = Api(client, name)
        table = RouteTable({name: (api.runtime.prefix, api.runtime.spec.document)})
        headers = api.new_job()["headers"]
        before = len(client.get(f"/_mock/apis/{name}/jobs").json())
        for route in table.routes[name]:
            codes = [code for code in route.declared_codes() if code >= 400]
            if route.method == "GET" or not codes or "{" in route.path:
                continue
            response = client.request(
                route.method,
                api.runtime.prefix + route.path,
                headers={**headers, "Prefer": f"code={codes[-1]}"},
            )
            assert response.status_code == codes[-1], (name, route.label, response.text)
            tried += 1
        assert len(client.get(f"/_mock/apis/{name}/jobs").json()) == before
    assert tried >= 1


def enums_of_status(node: Any) -> list[set[str]]:
    """Every `status` property's enum anywhere in a document."""
    found = []
    if isinstance(node, dict):
        status = (node.get("properties") or {}).get("status")
        if isinstance(status, dict) and isinstance(status.get("enum"), list):
            found.append(set(status["enum"]))
        for value in node.values():
            found += enums_of_status(value)
    elif isinstance(node, list):
        for value in node:
            found += enums_of_status(value)
    return found


def test_the_statuses_prefer_accepts_are_the_ones_each_spec_declares(client: TestClient) -> None:
    for name in APIS:
        runtime = client.app.mock.apis[name]  # type: ignore[attr-defined]
        model = set(runtime.fixture.statuses.order + runtime.fixture.statuses.terminal)
        declared = enums_of_status(runtime.spec.document)
        if declared:  # Crosmos documents `status` as a plain string
            assert model in declared, (name, model, declared)
