"""Security checked from the ASGI scope (jobmock.http.stack.ScopeSecurity): each way a scheme
carries a credential still works, and the handler's context names the caller, as with
connexion's ConnexionRequest."""

from __future__ import annotations

from typing import Any

import pytest

from jobmock.config import Config
from jobmock.errors import ApiError
from jobmock.http.auth import Credentials, Principal, make_security_map
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.stack import middlewares
from jobmock.http.validators import ValidatorCache, make_validator_map
from jobmock.internals.connexion import current_context


def operation(name: str, scheme: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": name,
            "security": [{scheme: []}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "security from the scope", "version": "1"},
    "paths": {
        "/bearer": operation("by_bearer", "token"),
        "/query": operation("by_query", "query_key"),
        "/cookie": operation("by_cookie", "cookie_key"),
        "/header": operation("by_header", "header_key"),
    },
    "components": {
        "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer"},
            "query_key": {"type": "apiKey", "in": "query", "name": "key"},
            "cookie_key": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "header_key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        }
    },
}


async def whoami(**_: Any) -> Any:
    return {"user": current_context()["user"]}, 200


def render(request: Any, exc: Exception) -> Any:
    from connexion.lifecycle import ConnexionResponse

    status = exc.status if isinstance(exc, ApiError) else 500
    return ConnexionResponse(status_code=status, body=str(exc), mimetype="text/plain")


@pytest.fixture(scope="module")
def client() -> Any:
    credentials = Credentials()
    credentials.add("s3cret", Principal("demo", "acme"))
    app = OpenAPI31App(
        __name__,
        middlewares=middlewares(Config()),
        validator_map=make_validator_map(ValidatorCache()),
        security_map=make_security_map(credentials, lambda request: "demo"),
    )
    app.add_api(SPEC, resolver=lambda op: whoami)
    app.add_error_handler(Exception, render)
    return app.test_client()


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/bearer", {"headers": {"Authorization": "Bearer s3cret"}}),
        ("/query", {"params": {"key": "s3cret"}}),
        ("/cookie", {"headers": {"Cookie": "sid=s3cret"}}),
        ("/header", {"headers": {"X-Key": "s3cret"}}),
    ],
)
def test_each_scheme_finds_its_credential(client: Any, path: str, kwargs: Any) -> None:
    answer = client.get(path, **kwargs)
    assert (answer.status_code, answer.json()) == (200, {"user": "acme"})
    assert client.get(path).status_code == 401  # none sent
    assert client.get(path, headers={"X-Key": "nope"}, params={"key": "nope"}).status_code == 401
