"""In-process clients for the served APIs: manual clock, so every phase is reached deterministically."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.documents.conformance import ResponseChecker
from jobmock.documents.specs import load_spec
from jobmock.engine import resources
from jobmock.serving.app import create_app

T = TypeVar("T")


class MockClient:
    """A test client plus the control-API moves tests need."""

    def __init__(self, client: TestClient, app: Any) -> None:
        self.http = client
        self.app = app
        self._checkers: dict[str, ResponseChecker] = {}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.http.get(url, **kwargs)

    def call(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`await function(*args)` on the app's event loop (the started client's portal)."""
        portal = self.http.portal
        assert portal is not None, "the client is not started"
        return portal.call(function, *args)

    def create(self, api: str, **body: Any) -> dict[str, Any]:
        response = self.http.post(f"/_mock/apis/{api}/jobs", json=body)
        assert response.status_code == 201, response.text
        job: dict[str, Any] = response.json()
        return job

    def advance(self, seconds: float) -> None:
        response = self.http.post("/_mock/clock", json={"advance_seconds": seconds})
        assert response.status_code == 200, response.text

    def move(self, api: str, job_id: str, to: str = "next") -> Any:
        return self.http.post(f"/_mock/apis/{api}/jobs/{job_id}/transitions", json={"to": to})

    def tenant_headers(self, api: str, tenant: str) -> dict[str, str]:
        tenants = {
            t["name"]: t["headers"] for t in self.http.get(f"/_mock/apis/{api}/tenants").json()
        }
        headers: dict[str, str] = tenants[tenant]
        return headers

    def checker(self, api: str) -> ResponseChecker:
        if api not in self._checkers:
            if api == "control":
                document = load_spec(resources.specs_dir() / "control.yaml").document
            else:
                document = self.app.mock.apis[api].spec.document
            self._checkers[api] = ResponseChecker(document)
        return self._checkers[api]

    def assert_conforms(self, api: str, path_template: str, method: str, response: Any) -> None:
        """The response validates against what the served spec declares for its status code."""
        media_type = response.headers.get("content-type", "application/json").split(";")[0]
        body = response.json() if response.content else None
        errors = self.checker(api).errors(
            path_template, method, response.status_code, body, media_type
        )
        assert not errors, f"{response.status_code} {response.text}\n" + "\n".join(errors)


@pytest.fixture
def client_for() -> Iterator[Callable[..., MockClient]]:
    """`client_for("matcher", ...)`: a started mock serving those APIs on a manual clock."""
    opened: list[TestClient] = []

    def make(*apis: str, **options: Any) -> MockClient:
        app = create_app(Config(apis=apis, **{"clock": "manual", **options}))
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return MockClient(client, app)

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(request: pytest.FixtureRequest, client_for: Callable[..., MockClient]) -> MockClient:
    """A started mock of the test module's `API` (manual clock)."""
    return client_for(request.module.API)


@pytest.fixture
def acme(request: pytest.FixtureRequest, client: MockClient) -> dict[str, str]:
    """The headers tenant `acme` of the module's `API` sends."""
    return client.tenant_headers(request.module.API, "acme")
