"""Errors are rendered on the event loop: connexion sends an error handler that is not a coroutine
function through a worker thread (a thread hop per error answer)."""

from __future__ import annotations

from typing import Any

import connexion.middleware.exceptions
import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

BEARER = {
    "Authorization": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJhY21lIiwiaXNzIjoiam9ibW9jayJ9.ZGV2LWFjbWU"
}
CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"


def test_an_error_answer_takes_no_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an error handler was sent to a worker thread")

    monkeypatch.setattr(connexion.middleware.exceptions, "run_in_threadpool", no_thread)
    app = create_app(Config(apis=("matcher",), journal=False))
    with TestClient(app, base_url="http://localhost") as client:
        missing = (
            f"/matcher/v1/imports/contexts/{CONTEXT}/jobs/019c96a0-0000-7000-8000-000000000000"
        )
        response = client.get(missing, headers=BEARER)
        unauthorized = client.get(missing)
    # Matcher's documented envelope (specs/matcher.yaml): code is the status as a string
    assert response.status_code == 404
    assert response.json()["code"] == "404"
    assert unauthorized.status_code == 401
    assert unauthorized.json()["code"] == "401"
