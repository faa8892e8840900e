"""A document that contradicts itself: `nullable: true` beside an enum without null (GitHub's
`state_reason`). jobmock takes null there and names the schema at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

DOCUMENT = """\
openapi: 3.0.3
info: {title: issues, version: '1'}
paths:
  /issues:
    patch:
      operationId: updateIssue
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                state_reason: {type: string, enum: [completed, not_planned], nullable: true}
                kind: {type: string, enum: [bug, null], nullable: true}
      responses:
        '200':
          description: the issue
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}, example: {ok: true}}
        '422': {description: refused}
"""


@pytest.fixture
def issues(tmp_path: Path) -> Path:
    document = tmp_path / "issues.yaml"
    document.write_text(DOCUMENT)
    return document


def test_the_contradiction_is_named_at_start(
    issues: Path, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(Config(documents=(f"={issues}",)))
    # line 13, column 52: the enum of `state_reason`; `kind` lists null and is no contradiction
    assert caplog.messages == [
        "jobmock: 1 schema(s) contradict themselves: `nullable: true` with an `enum` that has no "
        "null (OpenAPI 3.0.3: the enum refuses null). jobmock takes null there; a checker strict "
        "to 3.0.3 (schemathesis' negative_data_rejection) reports null accepted:\n"
        f"  {issues}:13:52: nullable: true, yet its enum has no null"
    ]


def test_null_is_taken_where_nullable_says_so_and_other_values_are_refused(issues: Path) -> None:
    with TestClient(create_app(Config(documents=(f"={issues}",)))) as client:
        taken = client.patch("/issues", json={"state_reason": None})
        assert (taken.status_code, taken.json()) == (200, {"ok": True})
        refused = client.patch("/issues", json={"state_reason": "bogus"})
        assert refused.status_code == 422
