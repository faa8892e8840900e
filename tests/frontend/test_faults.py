"""Faults as configuration: latency, declared errors, dropped connections; from `--fault`, fixtures
and `/_mock/faults`; seeded so a run replays; kept in the store so workers agree."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.documents.conformance import ResponseChecker
from jobmock.documents.routes import RouteTable
from jobmock.documents.specs import load_spec
from jobmock.engine import resources
from jobmock.errors import FixtureError, SourceError
from jobmock.frontend.fault_injection import FaultControl, RequestDraws
from jobmock.frontend.faults import (
    Fault,
    FaultError,
    FaultSettings,
    parse_fault,
    parse_option,
)
from jobmock.serving.app import create_app
from jobmock.store import MemoryStore

CONTROL = ResponseChecker(load_spec(resources.specs_dir() / "control.yaml").document)


def conforms(response: Any, template: str = "/faults", method: str = "get") -> None:
    media = response.headers.get("content-type", "application/json").split(";")[0]
    body = response.json() if response.content else None
    errors = CONTROL.errors(template, method, response.status_code, body, media)
    assert not errors, f"{response.status_code} {response.text}\n" + "\n".join(errors)


class Poller:
    def __init__(self, client: TestClient, api: str = "matcher") -> None:
        self.client = client
        job = client.post(f"/_mock/apis/{api}/jobs", json={}).json()
        self.path, self.headers = job["status_path"], job["headers"]

    def get(self, **headers: str) -> Any:
        return self.client.get(self.path, headers={**self.headers, **headers})

    def codes(self, n: int) -> list[int]:
        return [self.get().status_code for _ in range(n)]


@pytest.fixture
def mock() -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**options: Any) -> TestClient:
        client = TestClient(create_app(Config(**{"clock": "manual", **options})))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


# --- the fault language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "fault"),
    [
        ("latency:ms=300", Fault("latency", min_ms=300, max_ms=300)),
        ("latency:min_ms=100,max_ms=800", Fault("latency", min_ms=100, max_ms=800)),
        (
            "error:rate=0.2,status=500+503,api=matcher",
            Fault("error", api="matcher", rate=0.2, status=(500, 503)),
        ),
        ("drop:rate=0.1,route=getIngestionJob", Fault("drop", route="getIngestionJob", rate=0.1)),
        (
            '{"kind": "error", "status": [429], "retry_after": 5}',
            Fault("error", status=(429,), retry_after=5),
        ),
    ],
)
def test_fault_options_read_like_their_json(option: str, fault: Fault) -> None:
    parsed = parse_fault(parse_option(option))
    assert parsed == fault
    assert parse_fault(parsed.to_json()) == parsed  # round trip through the control API's JSON


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("explode", "'explode' is not one of"),
        ("error:rate=2", "2 is greater than the maximum of 1"),
        ("error:ms=3", "error faults take no ms"),
        ("latency", "latency faults need ms, or min_ms and max_ms"),
        ("latency:ms=1,max_ms=2", "either ms"),
        ("latency:min_ms=9,max_ms=2", "max_ms (2) is below min_ms (9)"),
        ("latency:ms=100-800", "min_ms=LOW,max_ms=HIGH"),
        ("error:status=404", "status/0"),
        ("drop:rate", "'rate' is not key=value"),
    ],
)
def test_bad_fault_options_say_what_is_wrong(option: str, message: str) -> None:
    with pytest.raises(FaultError, match=None) as caught:
        parse_option(option)
    assert message in str(caught.value)


DOCUMENT = {
    "paths": {
        "/jobs/{id}": {
            "get": {"operationId": "getJob", "responses": {"200": {}, "429": {}, "503": {}}},
        },
        "/health": {"get": {"operationId": "health", "responses": {"200": {}}}},
    }
}


def test_error_faults_answer_only_declared_codes_429_with_retry_after() -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs
        thread.submit(asyncio.run, error_faults_answer_only_declared_codes()).result()


async def error_faults_answer_only_declared_codes() -> None:
    routes = RouteTable({"api": ("/api", DOCUMENT)})
    fault = Fault("error", rate=1, retry_after=7)
    control = FaultControl(MemoryStore(), routes, FaultSettings(faults=(fault,)))
    job, health = routes.routes["api"]
    seen = set()
    for _ in range(40):
        outcome = await control.decide(job)
        assert outcome is not None and outcome.error is not None
        seen.add(outcome.error.status)
        if outcome.error.status in (429, 503):
            assert outcome.error.headers["Retry-After"] == "7"
    assert seen == {429, 503}
    assert await control.decide(health) is None  # declares no 5xx or 429: left alone
    with pytest.raises(FaultError, match="no route it selects declares a 5xx or 429"):
        control.check(Fault("error", route="health"))


# --- configured faults ---------------------------------------------------------------------------


def test_latency_on_one_api_only(mock: Callable[..., TestClient]) -> None:
    client = mock(faults=({"kind": "latency", "api": "matcher", "ms": 250},))
    matcher, crosmos = Poller(client), Poller(client, "crosmos")
    started = time.monotonic()
    assert matcher.get().status_code == 200
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    assert crosmos.get().status_code == 200
    assert time.monotonic() - started < 0.25


def test_error_faults_answer_in_the_apis_own_envelope(mock: Callable[..., TestClient]) -> None:
    client = mock(faults=(parse_option("error:rate=1,api=matcher"),))
    response = Poller(client).get()
    assert response.status_code == 500
    assert response.json() == {
        "code": "500",
        "title": "internal_server_error",
        "message": "an unexpected error occurred",
    }
    assert response.headers["x-jobmock-fault"] == "error"
    runtime = client.app.mock.apis["matcher"]  # type: ignore[attr-defined]
    checker = ResponseChecker(runtime.spec.document)
    template = "/v1/imports/contexts/{contextId}/jobs/{jobId}"
    assert not checker.errors(template, "get", 500, response.json(), "application/json")


def test_a_request_with_prefer_gets_what_it_asked_for(mock: Callable[..., TestClient]) -> None:
    client = mock(faults=(parse_option("error:rate=1"),))
    poller = Poller(client)
    assert poller.get().status_code == 500
    assert poller.get(Prefer="status=COMPLETED").status_code == 200
    assert poller.get(Prefer="code=404").status_code == 404


def test_configured_faults_that_cannot_apply_stop_the_server_with_a_reason() -> None:
    with pytest.raises(SourceError, match="--fault: error fault on crosmos"):
        create_app(Config(apis=("crosmos",), faults=(parse_option("error:api=crosmos"),)))
    with pytest.raises(SourceError, match="route 'nope' names no route of any served API"):
        create_app(Config(apis=("matcher",), faults=(parse_option("drop:route=nope"),)))


def fixtures_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "fixtures"
    shutil.copytree(resources.fixtures_dir(), folder)
    with (folder / "matcher.yaml").open("a") as file:
        file.write(text)
    return folder


def test_a_fixtures_faults_section(mock: Callable[..., TestClient], tmp_path: Path) -> None:
    folder = fixtures_with(
        tmp_path, "faults:\n  - {kind: error, rate: 1, route: getIngestionJob}\n"
    )
    client = mock(apis=("matcher", "gu1"), fixtures_dir=folder)
    assert Poller(client).get().status_code == 500
    assert Poller(client, "gu1").get().status_code == 200
    faults = client.get("/_mock/faults").json()["faults"]
    assert faults == [
        {"kind": "error", "api": "matcher", "route": "getIngestionJob", "rate": 1.0}
        | {"status": [], "retry_after": 1}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("faults:\n  - {kind: error, rate: 7}\n", "faults/0/rate: 7 is greater than the maximum"),
        ("faults:\n  - {kind: drop, api: gu1}\n", "applies to matcher, not 'gu1'"),
        ("faults:\n  - {kind: drop, route: nope}\n", "route 'nope' names no route of matcher"),
    ],
)
def test_a_bad_fixture_fault_is_located(tmp_path: Path, text: str, message: str) -> None:
    folder = fixtures_with(tmp_path, text)
    with pytest.raises(FixtureError) as caught:
        create_app(Config(apis=("matcher",), fixtures_dir=folder))
    assert message in str(caught.value)
    assert caught.value.line is not None and caught.value.line > 90  # the appended lines


# --- the control API -----------------------------------------------------------------------------


def test_faults_through_the_control_api(mock: Callable[..., TestClient]) -> None:
    client = mock(seed=3)
    configured = client.get("/_mock/faults")
    conforms(configured)
    assert configured.json() == {"enabled": True, "seed": 3, "revision": 0, "faults": []}
    poller = Poller(client)
    put = client.put("/_mock/faults", json={"faults": [{"kind": "error", "api": "matcher"}]})
    conforms(put, method="put")
    assert put.json()["revision"] == 1 and put.json()["seed"] == 3
    assert poller.get().status_code == 500
    off = client.put("/_mock/faults", json={**put.json(), "enabled": False, "revision": None})
    assert off.status_code == 400  # revision is not for the client to set
    off = client.put("/_mock/faults", json={"enabled": False, "faults": put.json()["faults"]})
    assert off.json()["enabled"] is False and off.json()["faults"] == put.json()["faults"]
    assert poller.get().status_code == 200
    deleted = client.delete("/_mock/faults")
    assert deleted.status_code == 204 and not deleted.content
    assert client.get("/_mock/faults").json()["faults"] == []


def test_the_control_api_refuses_faults_that_cannot_apply(mock: Callable[..., TestClient]) -> None:
    client = mock()
    cases = {
        400: {"faults": [{"kind": "latency", "ms": -1}]},
        422: {"faults": [{"kind": "error", "api": "crosmos"}]},
    }
    for status, body in cases.items():
        response = client.put("/_mock/faults", json=body)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        conforms(response, method="put")
    unknown = client.put("/_mock/faults", json={"faults": [{"kind": "drop", "api": "nope"}]})
    assert unknown.status_code == 422 and "no API named 'nope'" in unknown.json()["detail"]


def test_reset_brings_back_the_configured_faults(mock: Callable[..., TestClient]) -> None:
    client = mock(faults=(parse_option("latency:ms=1"),))
    client.delete("/_mock/faults")
    assert client.get("/_mock/faults").json()["faults"] == []
    client.post("/_mock/reset")
    assert client.get("/_mock/faults").json()["faults"][0]["kind"] == "latency"


def test_the_same_settings_replay_the_same_faults(mock: Callable[..., TestClient]) -> None:
    client = mock()
    poller = Poller(client)
    flaky = {"seed": 11, "faults": [{"kind": "error", "api": "matcher", "rate": 0.5}]}
    client.put("/_mock/faults", json=flaky)
    first = poller.codes(24)
    assert {200, 500} == set(first)
    client.put("/_mock/faults", json=flaky)
    assert poller.codes(24) == first
    client.put("/_mock/faults", json={**flaky, "seed": 12})
    assert poller.codes(24) != first
    again = mock()  # another server, same settings, same answers
    other = Poller(again)
    again.put("/_mock/faults", json=flaky)
    assert other.codes(24) == first


WRITES = (  # every Store method that changes something
    *("put", "delete", "add_transition", "next_sequence", "set_clock", "update_clock"),
    *("remember", "lease", "settle", "clear"),
)


def test_a_fault_decision_writes_nothing_to_the_store(
    mock: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = mock()
    poller = Poller(client)
    client.put("/_mock/faults", json={"seed": 5, "faults": [{"kind": "error", "rate": 0.5}]})
    store = client.app.mock.store  # type: ignore[attr-defined]
    writes: list[str] = []
    for name in WRITES:
        method = getattr(store, name)

        async def counted(*args: Any, _name: str = name, _method: Any = method) -> Any:
            writes.append(_name)
            return await _method(*args)

        monkeypatch.setattr(store, name, counted)
    assert {200, 500} == set(poller.codes(40))  # decided, seeded, and counted in this worker
    assert writes == []


def test_workers_sharing_a_store_share_the_faults(
    mock: Callable[..., TestClient], tmp_path: Path
) -> None:
    store = f"sqlite://{tmp_path / 'state.db'}"
    one, two = mock(store=store), mock(store=store)
    poller_one = Poller(one)
    poller_two = Poller(two)
    one.put("/_mock/faults", json={"seed": 5, "faults": [{"kind": "error", "rate": 0.5}]})
    assert two.get("/_mock/faults").json()["seed"] == 5
    codes = [p.get().status_code for _ in range(12) for p in (poller_one, poller_two)]
    single = mock()
    alone = Poller(single)
    single.put("/_mock/faults", json={"seed": 5, "faults": [{"kind": "error", "rate": 0.5}]})
    # each worker counts its own requests (no store write per request): both replay one sequence
    assert codes == [code for code in alone.codes(12) for _worker in (one, two)]


# --- a dropped connection needs a socket ---------------------------------------------------------


def test_a_dropped_connection_is_a_network_error(serve: Callable[..., Any]) -> None:
    server = serve(apis=("matcher",), faults=(parse_option("drop:rate=1"),))
    with httpx.Client(base_url=server.url) as http:
        job = http.post("/_mock/apis/matcher/jobs", json={}).json()
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(job["status_path"], headers=job["headers"])
        http.delete("/_mock/faults")
        assert http.get(job["status_path"], headers=job["headers"]).status_code == 200


def test_frontend_settings_travel_to_worker_processes() -> None:
    config = Config(
        cors_origins=("http://localhost:5173",),
        overrides=False,
        faults=(parse_option("error:rate=0.5,status=500"), parse_option("latency:ms=20")),
    )
    assert Config.from_json(config.to_json()) == config


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), rate=st.sampled_from([0.05, 0.2, 0.5, 0.9]))
def test_a_rate_is_met_over_many_requests_and_each_decision_replays(seed: int, rate: float) -> None:
    """The n-th request's draws depend on (seed, route, n) only, fall in [0, 1), and a fault of
    rate r hits about r of the requests (2,000 requests: within 5 points, > 4 standard deviations)."""
    keys = [f"{seed}:matcher:getIngestionJob:{n}" for n in range(1, 2001)]
    first = [RequestDraws(key).random() for key in keys]
    assert first == [RequestDraws(key).random() for key in keys]
    assert all(0.0 <= draw < 1.0 for draw in first)
    assert abs(sum(draw < rate for draw in first) / len(first) - rate) <= 0.05
    draws = RequestDraws(keys[0])
    assert [draws.random() for _ in range(3)] != [first[0]] * 3  # later draws of a request move on
    assert draws.choice([500, 502, 503]) in (500, 502, 503)
    assert 10.0 <= draws.uniform(10.0, 20.0) <= 20.0


def test_a_fault_refused_for_jobmocks_own_codes_says_how_to_name_them() -> None:
    """Crosmos declares no 5xx on its job route; the 401, 404 and 503 there are jobmock's
    overlay's (specs/crosmos.overlay.yaml): an error fault must name 503 to answer it."""
    faults = ({"kind": "error", "rate": 0.2},)
    with pytest.raises(SourceError) as refused:
        create_app(Config(apis=("crosmos",), faults=faults))
    assert "GET /api/v1/jobs/{job_id}: 200, 422, 401*, 404*, 503*" in str(refused.value)
    assert "jobmock's own codes (*) are answered only when `status` names them" in str(
        refused.value
    )
    create_app(Config(apis=("crosmos",), faults=({**faults[0], "status": [503]},)))
