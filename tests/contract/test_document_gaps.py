"""Answers no server could give within the document, listed under `Document gaps` with the check,
the pointer and why: a `oneOf` whose branches are twins (no value fits exactly one), and an
operation whose answer has no finite value (a schema that requires itself). A `oneOf` whose
branches only overlap has valid answers, so a value fitting two stays a failure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from jobmock.cli import main
from tests.servers import serve_in_thread

# JSON Schema 2020-12 (OpenAPI 3.1.0's Schema Object) on oneOf: "An instance validates
# successfully against this keyword if it validates successfully against exactly one schema
# defined by this keyword's value." Empty and NotFound differ in a `default` only (an annotation),
# so a value fits both or neither: no answer of GET /error validates. /overlap's branches differ:
# {} fits the first only, so an answer that fits both is the server's choice, not the document's.
TWINS = """\
openapi: 3.1.0
info: {title: Twins, version: '1'}
paths:
  /error:
    get:
      responses:
        '200':
          description: an error, said two ways
          content:
            application/json:
              schema:
                type: object
                properties:
                  detail: {$ref: '#/components/schemas/Either'}
  /overlap:
    get:
      responses:
        '200':
          description: a detail, or not
          content:
            application/json:
              schema:
                oneOf:
                  - {type: object, properties: {detail: {type: object}}}
                  - {type: object, required: [detail], properties: {detail: {type: object}}}
components:
  schemas:
    Either:
      oneOf:
        - {$ref: '#/components/schemas/Empty'}
        - {$ref: '#/components/schemas/NotFound'}
    Empty: {type: object, properties: {error: {type: string, default: EMPTY}}}
    NotFound: {type: object, properties: {error: {type: string, default: NOT_FOUND}}}
"""

TWIN_GAP = (
    "  twins GET /error: response_schema_conformance at #/components/schemas/Either/oneOf: every"
    " branch of this oneOf has an identical twin, so no value fits exactly one: no answer can be"
    " valid"
)


def contract(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contract", "--max-examples", "3", "--seed", "3", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def twice() -> Starlette:
    """Both routes answer {"detail": {"error": "x"}}: it fits Empty and NotFound, and both
    branches of /overlap's oneOf."""

    async def answer(request: Request) -> JSONResponse:
        return JSONResponse({"detail": {"error": "x"}})

    return Starlette(routes=[Route("/error", answer), Route("/overlap", answer)])


def test_an_answer_a_twin_oneof_refuses_is_a_gap_and_an_overlapping_ones_a_failure(
    tmp_path: Path,
) -> None:
    twins = tmp_path / "twins.yaml"
    twins.write_text(TWINS)
    with serve_in_thread(twice()) as url:
        code, output = contract("--spec", str(twins), "--url", url)
    assert code == 1, output  # /overlap: a value fitting one branch exists
    assert "1. twins GET /overlap: response_schema_conformance - Response violates schema" in output
    gaps = output.split("Document gaps (1):")[1].splitlines()
    assert gaps[1].startswith(TWIN_GAP), output
    assert "GET /error" not in output.split("Document gaps")[0].split("Failures")[1]


def test_jobmock_answering_a_twin_oneof_passes_with_the_gap(tmp_path: Path) -> None:
    # jobmock answers the first branch's value (jobmock.stateless.twins): the gap, and no failure
    twins = tmp_path / "twins.yaml"
    twins.write_text(TWINS.replace("  /overlap:", "  /unused:"))
    code, output = contract(str(twins), "--api", "twins")
    assert code == 0, output
    assert TWIN_GAP in output, output


# TreeNode requires `parent`, a TreeNode: a value needs a parent without end, so no finite JSON
# value is one (@readme/oas-examples 8.2.2, 3.0 circular-request-bodies.json, `POST /direct`).
# LinkedNode's `next` is optional, so {"id": ""} is one: /linked is answered.
CIRCULAR = """\
openapi: 3.0.3
info: {title: Circular, version: '1'}
paths:
  /direct:
    post:
      responses:
        '200':
          description: a tree
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TreeNode'}
  /linked:
    post:
      responses:
        '200':
          description: a list
          content:
            application/json:
              schema: {$ref: '#/components/schemas/LinkedNode'}
components:
  schemas:
    TreeNode:
      type: object
      required: [id, parent]
      properties:
        id: {type: string}
        parent: {$ref: '#/components/schemas/TreeNode'}
    LinkedNode:
      type: object
      required: [id]
      properties:
        id: {type: string}
        next: {$ref: '#/components/schemas/LinkedNode'}
"""

ENDLESS = (
    "at #/components/schemas/TreeNode: answered 501: its 200 answer: no finite value satisfies"
    " it: every TreeNode requires parent, another TreeNode (#/components/schemas/TreeNode)"
)


def test_an_answer_no_finite_value_satisfies_is_a_gap_said_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    circular = tmp_path / "circular.yaml"
    circular.write_text(CIRCULAR)
    code, output = contract(str(circular), "--api", "circular")
    assert code == 0, output
    # the operation's mapping: the line after the first `post:`, at its indentation
    lines = CIRCULAR.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "post:" in text) + 1
    column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
    assert (
        f"jobmock: {circular}:{line}:{column}: post /direct cannot be answered: its 200 response"
        " cannot be generated: the document's gap: no finite value satisfies it: every TreeNode"
        " requires parent, another TreeNode (#/components/schemas/TreeNode) (it answers 501)"
    ) in caplog.messages, caplog.messages
    assert f"  circular POST /direct: not_a_server_error {ENDLESS}" in output, output
    assert f"  circular POST /direct: status_code_conformance {ENDLESS}" in output, output
    assert re.search(r"circular  POST /linked  \d+ calls  passed", output), output


def test_a_server_error_other_than_501_there_stays_a_failure() -> None:
    import yaml

    from jobmock.contract.document_gaps import gap_of

    document: dict[str, Any] = yaml.safe_load(CIRCULAR)
    assert gap_of("not_a_server_error", 500, (), document, "POST /direct") is None
    assert gap_of("not_a_server_error", 501, (), document, "POST /linked") is None
    gap = gap_of("not_a_server_error", 501, (), document, "POST /direct")
    assert gap is not None and gap.pointer() == "#/components/schemas/TreeNode"
