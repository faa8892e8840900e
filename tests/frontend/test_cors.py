"""CORS: preflights answered on every route before security, the headers a client needs exposed,
`--cors-origin` restricting, and a real cross-origin page in Chromium polling every API's job."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.documents.routes import RouteTable
from jobmock.serving.app import create_app

ORIGIN = "http://localhost:5173"


def preflight(
    client: TestClient, path: str, method: str, headers: str, origin: str = ORIGIN
) -> Any:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(create_app(Config(clock="manual"))) as client:
        yield client


def concrete(path: str) -> str:
    """A path template with its parameters filled in (a preflight never reaches routing)."""
    return path.replace("{", "").replace("}", "")


def test_every_vendor_route_and_the_control_api_answer_preflight(client: TestClient) -> None:
    table = RouteTable(
        {name: (rt.prefix, rt.spec.document) for name, rt in client.app.mock.apis.items()}  # type: ignore[attr-defined]
    )
    paths = [
        (f"/{route.api}{concrete(route.path)}", route.method)
        for routes in table.routes.values()
        for route in routes
    ]
    paths += [("/_mock/apis/matcher/jobs", "POST"), ("/_mock/faults", "PUT"), ("/_mock/", "GET")]
    assert len(paths) >= 8
    wanted = "authorization,x-requested-with,x-request-id,x-idempotency-key,prefer,content-type"
    for path, method in paths:
        response = preflight(client, path, method, wanted)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert method in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert all(name in allowed for name in wanted.split(",")), allowed


def test_answers_expose_the_headers_a_client_reads(client: TestClient) -> None:
    response = client.get("/matcher/v1/imports/contexts/x/jobs/y", headers={"Origin": ORIGIN})
    assert response.status_code == 401  # errors carry CORS headers too, so a UI can read them
    assert response.headers["access-control-allow-origin"] == ORIGIN
    exposed = response.headers["access-control-expose-headers"]
    for name in ("X-Request-Id", "X-Idempotency-Replayed", "Retry-After", "Preference-Applied"):
        assert name in exposed


ELSEWHERE = "https://evil.example"


def test_local_origins_are_allowed_and_others_refused_by_default() -> None:
    with TestClient(create_app(Config(clock="manual"))) as client:
        for origin in ("http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:4173"):
            ok = preflight(client, "/_mock/apis", "GET", "authorization", origin=origin)
            assert ok.headers["access-control-allow-origin"] == origin
        refused = preflight(client, "/_mock/apis", "GET", "authorization", origin=ELSEWHERE)
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        for lookalike in ("http://localhost.evil.example", "http://127.0.0.1.evil.example"):
            fooled = preflight(client, "/_mock/apis", "GET", "authorization", origin=lookalike)
            assert "access-control-allow-origin" not in fooled.headers, lookalike


def test_cors_origin_adds_an_origin_and_star_allows_any() -> None:
    config = Config(clock="manual", cors_origins=("http://app.test:3000",))
    with TestClient(create_app(config)) as client:
        ok = preflight(client, "/_mock/apis", "GET", "authorization", origin="http://app.test:3000")
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "http://app.test:3000"
        assert preflight(client, "/_mock/apis", "GET", "authorization").status_code == 200
        refused = preflight(client, "/_mock/apis", "GET", "authorization", origin=ELSEWHERE)
        assert refused.status_code == 400
        simple = client.get("/_mock/apis", headers={"Origin": ELSEWHERE})
        assert "access-control-allow-origin" not in simple.headers
    with TestClient(create_app(Config(clock="manual", cors_origins=("*",)))) as client:
        anywhere = preflight(client, "/_mock/apis", "GET", "authorization", origin=ELSEWHERE)
        # credentials are allowed, so the preflight names the origin rather than `*`
        assert anywhere.headers["access-control-allow-origin"] == ELSEWHERE


POLL_EVERY_API = """
async (base) => {
  const statusOf = body => (body.content || body.job || body).status;  // Claret: content, gu1: job
  const control = (path, init) => fetch(base + '/_mock' + path, init).then(async r => {
    if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
    return r.status === 204 ? null : r.json();
  });
  const results = {};
  for (const api of await control('/apis')) {
    const job = await control(`/apis/${api.name}/jobs`, {
      method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
    const seen = [];
    let body = null;
    for (let poll = 0; poll < 50; poll++) {
      const r = await fetch(base + job.status_path, {headers: job.headers});
      body = await r.json();
      if (r.status !== 200) throw new Error(api.name + ': ' + r.status + ' ' + JSON.stringify(body));
      if (seen[seen.length - 1] !== statusOf(body)) seen.push(statusOf(body));
      if ((await control(`/apis/${api.name}/jobs/${job.id}`)).terminal) break;
      await control('/clock', {method: 'POST', headers: {'Content-Type': 'application/json'},
                               body: JSON.stringify({advance_seconds: 30})});
    }
    const r = await fetch(base + job.status_path, {headers: job.headers});
    results[api.name] = {seen, final: statusOf(await r.json()),
                         requestId: r.headers.get('X-Request-Id')};
  }
  return results;
}
"""


def test_a_page_on_another_origin_creates_and_polls_a_job_of_every_api(
    serve: Callable[..., Any], page_server: Callable[[str], str], page: Any
) -> None:
    server = serve()
    page.goto(page_server("<!doctype html><title>app on another origin</title><p>app</p>"))
    assert page.evaluate("location.origin") != server.url
    results = page.evaluate(POLL_EVERY_API, server.url)
    apis = server.app.mock.apis
    assert set(results) == set(apis), json.dumps(results)
    for name, result in results.items():
        terminal = apis[name].fixture.statuses.terminal
        assert result["final"] in terminal, (name, result)
        assert len(result["seen"]) >= 2, (name, result)  # it really moved while polled
