"""jobmock.frontend.guards: a `Host` naming another server is refused (DNS rebinding), and so is a
cross-site page's write to the control API, while local pages, IPs and non-browsers pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.frontend.guards import HostGuard, host_name
from jobmock.serving.app import create_app

SERVE = Config(clock="manual", allowed_hosts=())  # what `jobmock serve` runs with by default


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(SERVE), base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("[::1]:8000", True),
        ("192.168.1.20:8000", True),  # an IP is this server's own address: nothing to rebind
        ("localhost:8000", True),
        ("app.localhost", True),
        ("LOCALHOST.", True),
        ("evil.example:8000", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
    ],
)
def test_which_hosts_are_answered_by_default(host: str, allowed: bool) -> None:
    assert HostGuard(app=None, allowed=()).allows(host) is allowed  # type: ignore[arg-type]


def test_allowed_host_adds_names_and_domains() -> None:
    guard = HostGuard(app=None, allowed=("mock.test", "*.dev.test"))  # type: ignore[arg-type]
    assert guard.allows("mock.test:8000") and guard.allows("api.dev.test")
    assert not guard.allows("dev.test.evil") and not guard.allows("other.test")
    assert host_name("[::1]:8000") == "::1" and host_name("a.test:1") == "a.test"


def test_a_rebound_name_is_refused_before_any_api(client: TestClient) -> None:
    response = client.get("/_mock/apis", headers={"Host": "evil.example:8000"})
    assert response.status_code == 421
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/misdirected-request",
        "title": "Misdirected Request",
        "status": 421,
        "detail": "this server does not answer for host 'evil.example:8000'"
        " (jobmock serve --allowed-host NAME allows it)",
    }
    assert client.get("/_mock/apis", headers={"Host": "localhost:8000"}).status_code == 200


def test_a_cross_site_page_may_not_change_the_mock(client: TestClient) -> None:
    # a form post needs no preflight: the browser sends it, and only the server can refuse it
    form = {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    refused = client.post("/_mock/reset", headers=form)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "a page on https://evil.example may not change the mock"
        " (jobmock serve --cors-origin ORIGIN allows it)"
    )
    sandboxed = client.post(
        "/_mock/reset", headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )
    assert sandboxed.status_code == 403
    assert client.get("/_mock/apis", headers={"Origin": "https://evil.example"}).status_code == 200


def test_local_pages_and_non_browsers_may_change_the_mock(client: TestClient) -> None:
    assert client.post("/_mock/reset").status_code == 200  # curl, a test: no Origin
    local = client.post("/_mock/reset", headers={"Origin": "http://localhost:5173"})
    assert local.status_code == 200


def test_cors_origin_lets_that_page_change_the_mock() -> None:
    config = SERVE.replace(cors_origins=("https://preview.example",))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8000") as client:
        allowed = client.post("/_mock/reset", headers={"Origin": "https://preview.example"})
        assert allowed.status_code == 200
        assert (
            client.post("/_mock/reset", headers={"Origin": "https://evil.example"}).status_code
            == 403
        )
