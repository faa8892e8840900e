"""`jobmock contract` on a user's own document: in-process (`contract SPEC_OR_FOLDER`) and against
any server (`--spec SPEC --url URL`)."""

from __future__ import annotations

import shutil
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from jobmock.cli import main
from jobmock.config import Config
from jobmock.serving.app import create_app
from tests.servers import serve_in_thread

DOCUMENTS = Path(__file__).parents[1] / "stateless" / "documents"
PETSTORE = DOCUMENTS / "petstore-3.1.yaml"  # the OpenAPI Initiative's, not written here


def contract(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contract", "--max-examples", "5", "--seed", "3", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_folder_is_tested_in_process_as_jobmock_serves_it(tmp_path: Path) -> None:
    shutil.copy(PETSTORE, tmp_path / "petstore.yaml")
    code, output = contract(str(tmp_path), "--api", "petstore")
    assert code == 0, output
    for operation in ("GET /pets", "POST /pets", "GET /pets/{petId}"):
        assert f"petstore  {operation}  " in output, output


def test_a_server_is_tested_against_the_document_given_with_spec() -> None:
    app = create_app(Config(documents=(f"={PETSTORE}",)))
    with serve_in_thread(app) as url:
        code, output = contract("--spec", str(PETSTORE), "--url", url)
    assert code == 0, output
    assert "petstore-3-1  GET /pets/{petId}  " in output, output


def wrong_pets() -> Starlette:
    """GET /pets answers a pet whose `name` is a number, and never asks for credentials."""

    async def pets(request: object) -> JSONResponse:
        return JSONResponse([{"id": 1, "name": 7}])

    return Starlette(routes=[Route("/pets", pets)])


def test_a_server_that_breaks_the_document_fails_naming_the_check() -> None:
    with serve_in_thread(wrong_pets()) as url:
        code, output = contract("--spec", str(PETSTORE), "--url", url)
    assert code == 1, output
    assert "petstore-3-1 GET /pets: response_schema_conformance" in output, output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spec", str(PETSTORE)], "--spec names the document of the server at --url"),
        ([str(PETSTORE), "--url", "http://127.0.0.1:9"], "tested against the document given"),
    ],
)
def test_spec_and_url_go_together(args: list[str], message: str) -> None:
    code, output = contract(*args)
    assert code == 2
    assert message in output


def test_a_spec_jobmock_cannot_read_is_one_line_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("swagger: '2.0'\ninfo: {title: old, version: '1'}\npaths: {}\n")
    code, output = contract("--spec", str(broken), "--url", "http://127.0.0.1:9")
    assert code == 2
    assert f"{broken}:1:10: Swagger 2.0 is not served" in output, output


@pytest.mark.parametrize(
    ("status", "declared", "gap"),
    [
        (401, ("200",), True),  # Twilio: basic auth required, only 2xx declared
        (422, ("200",), True),
        (404, ("200", "400"), True),  # a 400 says nothing of a missing resource
        (422, ("200", "400"), False),  # invalid input has a declared status: 400
        (403, ("200", "401"), False),
        (401, ("200", "4XX"), False),
        (500, ("200",), False),  # a server error is never the document's gap
        (418, ("200",), False),  # nor a 4xx that is no refusal of a request
    ],
)
def test_a_gap_is_a_refusal_whose_kind_the_operation_declares_no_status_for(
    status: int, declared: tuple[str, ...], gap: bool
) -> None:
    from jobmock.contract.document_gaps import document_gap

    assert document_gap(status, declared) is gap


def test_refusals_the_document_declares_no_status_for_are_its_gaps_not_failures(
    tmp_path: Path,
) -> None:
    from tests.stateless.test_refusals import DOCUMENT

    calls = tmp_path / "calls.yaml"
    calls.write_text(DOCUMENT)
    with serve_in_thread(create_app(Config(documents=(f"={calls}",)))) as url:
        code, output = contract(
            "--spec",
            str(calls),
            "--url",
            url,
            "-H",
            "Authorization: Basic ZGV2OmRldi1jYWxscy1iYXNpYw==",
        )
    assert code == 0, output
    assert "Document gaps (" in output, output
    assert (
        "calls GET /calls/{Sid}.json: status_code_conformance at"
        " #/paths/~1calls~1{Sid}.json/get/responses: 401 undocumented"
    ) in output, output


ONLY_ERRORS = """\
openapi: 3.1.0
info: {title: Statuses, version: '1'}
paths:
  /teapot:
    get:
      responses:
        '400': {description: the only answer documented}
  /broken:
    get:
      responses:
        '503': {description: always down}
  /interim:
    get:
      responses:
        '100': {description: 'continue (interim, never final)'}
  /fine:
    get:
      responses:
        '200': {description: ok}
"""


@pytest.mark.parametrize(
    "check, operation, expected",
    [
        (
            "positive_data_acceptance",
            "GET /teapot",
            "declares no success response (only 400): a valid request gets one of those",
        ),
        ("not_a_server_error", "GET /broken", "declares no final answer but server errors (503)"),
        ("not_a_server_error", "GET /interim", "declares no final answer but server errors (100)"),
        ("positive_data_acceptance", "GET /fine", None),  # it declares a success: a failure
        ("not_a_server_error", "GET /teapot", None),  # a 5xx where it declares a 4xx: a failure
        ("status_code_conformance", "GET /interim", "declares no final answer (only 100, interim)"),
        ("negative_data_rejection", "GET /teapot", None),
    ],
)
def test_answers_an_operation_declares_no_other_choice_for_are_the_documents_gaps(
    check: str, operation: str, expected: str | None
) -> None:
    import yaml

    from jobmock.contract.document_gaps import gap_of

    document = yaml.safe_load(ONLY_ERRORS)
    gap = gap_of(check, None, (), document, operation)
    assert (gap and gap.why) == expected
    if gap is not None:  # where the document says it: the operation's responses
        method, _, path = operation.partition(" ")
        assert gap.at == ("paths", path, method.lower(), "responses")


def test_a_server_answering_only_what_an_operation_declares_passes_with_its_gaps(
    tmp_path: Path,
) -> None:
    # a server that keeps to the document: each route answers the one status it declares (a
    # 1xx cannot be a final answer: the server answers 501 there)
    from starlette.responses import Response

    def answering(status: int) -> t.Any:
        async def endpoint(request: object) -> Response:
            return Response(status_code=status)

        return endpoint

    app = Starlette(
        routes=[
            Route("/teapot", answering(400)),
            Route("/broken", answering(503)),
            Route("/interim", answering(501)),
            Route("/fine", answering(200)),
        ]
    )
    statuses = tmp_path / "statuses.yaml"
    statuses.write_text(ONLY_ERRORS)
    with serve_in_thread(app) as url:
        code, output = contract("--spec", str(statuses), "--url", url)
    assert code == 0, output
    assert (
        "statuses GET /teapot: positive_data_acceptance at #/paths/~1teapot/get/responses:"
        " declares no success response (only 400): a valid request gets one of those"
    ) in output, output
    assert (
        "statuses GET /broken: not_a_server_error at #/paths/~1broken/get/responses:"
        " declares no final answer but server errors (503)"
    ) in output
    assert (
        "statuses GET /interim: status_code_conformance at #/paths/~1interim/get/responses:"
        " declares no final answer (only 100, interim)"
    ) in output


def test_jobmock_answers_an_operation_declaring_no_success_204(tmp_path: Path) -> None:
    statuses = tmp_path / "statuses.yaml"
    statuses.write_text(ONLY_ERRORS)
    with TestClient(create_app(Config(documents=(f"={statuses}",)))) as client:
        assert client.get("/teapot").status_code == 204
        assert client.get("/interim").status_code == 204  # 1xx: interim, never the answer
        assert client.get("/broken").status_code == 204  # a 503 is no answer to a valid request


def test_an_ignored_header_parameters_invalid_value_accepted_is_the_documents_gap() -> None:
    from jobmock.contract.document_gaps import gap_of

    # readme.json (npm @readme/oas-examples 8.2.2, 3.1) declares `accept` on POST /owlbot/ask
    document = {
        "paths": {
            "/ask": {
                "post": {
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "Accept", "in": "header", "schema": {"enum": ["a"]}},
                    ]
                }
            }
        }
    }
    message = "Invalid component: parameter `accept` in header - invalid enum value"
    gap = gap_of("negative_data_rejection", None, (), document, "POST /ask", message)
    assert gap is not None
    assert gap.why == "declares header parameter accept, which OpenAPI says to ignore"
    assert gap.pointer() == "#/paths/~1ask/post/parameters/1"
    other = "Invalid component: parameter `x-trace` in header - invalid enum value"
    assert gap_of("negative_data_rejection", None, (), document, "POST /ask", other) is None
