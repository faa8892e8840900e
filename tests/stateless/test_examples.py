"""Documented examples are answered only where their own schema takes them: one that it refuses
(published documents have them: Twilio's list pages give relative paths where the schema says
`format: uri`) is warned about at start and a value generated from the schema is answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

DOCUMENT = """\
openapi: 3.1.0
info: {title: pages, version: '1'}
paths:
  /page:
    get:
      operationId: getPage
      responses:
        '200':
          description: a page of a list
          content:
            application/json:
              schema:
                type: object
                required: [uri]
                properties:
                  uri: {type: string, format: uri}
              example: {uri: /2010-04-01/Accounts.json}
  /fine:
    get:
      operationId: getFine
      responses:
        '200':
          description: an example that fits
          content:
            application/json:
              schema: {type: object, properties: {uri: {type: string, format: uri}}}
              example: {uri: 'https://api.example.com/accounts'}
"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    document = tmp_path / "pages.yaml"
    document.write_text(DOCUMENT)
    return document


def test_an_example_its_schema_refuses_is_warned_about_at_start(
    pages: Path, caplog: pytest.LogCaptureFixture
) -> None:
    create_app(Config(documents=(f"={pages}",)))
    # the position is the start of the 200 response's mapping (line 9, `description:`)
    assert caplog.messages == [
        "jobmock: 1 documented example(s) do not fit their schemas; a value generated from the "
        "schema is answered instead:\n"
        f"  {pages}:9:11: getPage's 200 example does not fit its schema: "
        "'/2010-04-01/Accounts.json' is not a 'uri' (at /uri)"
    ]


def test_a_generated_value_is_answered_instead_and_a_fitting_example_as_written(
    pages: Path,
) -> None:
    with TestClient(create_app(Config(documents=(f"={pages}",)))) as client:
        page = client.get("/page").json()
        fine = client.get("/fine").json()
    assert page["uri"] != "/2010-04-01/Accounts.json"
    assert ":" in page["uri"]  # a URI has a scheme (RFC 3986, section 3)
    assert fine == {"uri": "https://api.example.com/accounts"}


def test_an_unquoted_date_is_a_string_as_yaml_1_2_reads_it(tmp_path: Path) -> None:
    # OpenAPI 3.1 documents are YAML 1.2: `2024-10-01` is a string there (not a YAML 1.1 date)
    document = tmp_path / "dated.yaml"
    document.write_text(
        "openapi: 3.1.0\ninfo: {title: dated, version: 2024-10-01}\npaths:\n  /day:\n    get:\n"
        "      responses:\n        '200':\n          description: a day\n          content:\n"
        "            application/json:\n              schema: {type: string, format: date}\n"
        "              example: 2024-10-01\n"
    )
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        assert client.get("/day").json() == "2024-10-01"


REFERRED = """\
openapi: 3.0.3
info: {title: issues, version: '1'}
paths:
  /issues:
    get:
      operationId: listIssues
      responses:
        '200':
          description: the issues, as GitHub documents its own (an example is a Reference Object)
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/issue'}}
              examples:
                default: {$ref: '#/components/examples/issue-items'}
                closed: {$ref: '#/components/examples/closed-items'}
components:
  schemas:
    issue:
      type: object
      required: [number, state]
      properties:
        number: {type: integer}
        state: {type: string}
  examples:
    issue-items:
      value: [{number: 1347, state: open}]
    closed-items:
      value: [{number: 1, state: closed}]
"""


def test_an_example_given_by_reference_is_answered(tmp_path: Path) -> None:
    document = tmp_path / "issues.yaml"
    document.write_text(REFERRED)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        # OpenAPI 3.0.3, Media Type Object: examples map to Example Objects or Reference Objects
        assert client.get("/issues").json() == [{"number": 1347, "state": "open"}]
        closed = client.get("/issues", headers={"Prefer": "example=closed"})
        assert closed.json() == [{"number": 1, "state": "closed"}]
