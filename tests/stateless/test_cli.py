"""`jobmock serve [SPEC_OR_FOLDER ...]`: one document at `/`, several under a prefix each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from jobmock.cli import main
from tests.stateless.conftest import DOCUMENTS

PETSTORE = str(DOCUMENTS / "petstore-3.0.yaml")
FEATURES = str(DOCUMENTS / "features.yaml")


def serve(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["serve", "--store", "memory://", *arguments])
    return result.exit_code, result.output


def test_one_document_is_served_at_the_root() -> None:
    code, output = serve(PETSTORE, "--get", "/pets/1")
    assert code == 0
    assert set(json.loads(output)) >= {"id", "name"}


def test_the_control_api_lists_it() -> None:
    code, output = serve(PETSTORE, "--get", "/_mock/apis")
    assert code == 0
    assert json.loads(output) == [
        {
            "name": "petstore-3-0",
            "title": "Swagger Petstore",
            "prefix": "",
            "openapi": "/openapi.json",
            "docs": "/ui/",
        }
    ]


def test_two_documents_are_served_under_their_file_names() -> None:
    code, output = serve(
        PETSTORE, FEATURES, "--get", "/features/shapes/2", "-H", "X-API-Key: dev-features-apiKey"
    )
    assert (code, json.loads(output)) == (0, {"kind": "Circle", "radius": 2.5, "label": None})
    code, output = serve(PETSTORE, FEATURES, "--get", "/petstore-3-0/pets/1")
    assert code == 0 and "id" in json.loads(output)


def test_prefix_names_a_documents_mount() -> None:
    code, output = serve(FEATURES, "--prefix", f"shop={PETSTORE}", "--get", "/shop/pets/1")
    assert code == 0 and "id" in json.loads(output)


def test_a_folder_serves_its_documents(tmp_path: Path) -> None:
    shutil.copy(PETSTORE, tmp_path / "pets.yaml")
    shutil.copy(FEATURES, tmp_path / "features.yaml")
    (tmp_path / "notes.json").write_text('{"not": "a document"}')
    code, output = serve(str(tmp_path), "--get", "/pets/pets/1")
    assert code == 0 and "id" in json.loads(output)


def test_a_document_that_cannot_be_served_is_one_line_and_exit_2(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(
        '{\n  "swagger": "2.0",\n  "info": {"title": "x", "version": "1"},\n  "paths": {}\n}\n'
    )
    code, output = serve(str(old), "--get", "/")
    assert code == 2
    assert output == (
        f"jobmock: {old}:2:14: Swagger 2.0 is not served; convert it to OpenAPI 3"
        " (e.g. swagger2openapi)\n"
    )


def test_two_documents_of_one_name_need_a_prefix(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    shutil.copy(PETSTORE, tmp_path / "a" / "shop.yaml")
    (tmp_path / "b").mkdir()
    shutil.copy(FEATURES, tmp_path / "b" / "shop.yaml")
    code, output = serve(str(tmp_path / "a" / "shop.yaml"), str(tmp_path / "b" / "shop.yaml"))
    assert code == 2
    assert "two documents would be served under /shop" in output


def test_a_generically_named_document_takes_its_folders_name(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    shutil.copy(PETSTORE, tmp_path / "shop" / "openapi.yaml")  # README: "Your own API"
    code, output = serve(str(tmp_path / "shop" / "openapi.yaml"), FEATURES, "--get", "/shop/pets/1")
    assert code == 0, output
    assert set(json.loads(output)) >= {"id", "name"}


BOOLEAN_BOUND = """\
openapi: 3.1.0
info: {title: bounds, version: '1'}
paths:
  /numbers:
    get:
      parameters:
        - name: id
          in: query
          schema:
            type: number
            maximum: 20
            exclusiveMaximum: true
            default: 12
      responses:
        '200': {description: ok}
"""


def test_an_invalid_schema_is_refused_where_validate_finds_it(tmp_path: Path) -> None:
    # JSON Schema 2020-12 Validation, 6.2.3: "The value of "exclusiveMaximum" MUST be a number";
    # openapi-spec-validator's check reads `true` as the maximum 1 and refuses the default at no
    # place ("1:1: 12 is greater than or equal to the maximum of True"); `jobmock validate`
    # locates the schema's own error, and serve and contract say that one
    document = tmp_path / "bounds.yaml"
    document.write_text(BOOLEAN_BOUND)
    line = BOOLEAN_BOUND.splitlines().index("            exclusiveMaximum: true") + 1
    expected = (
        f"jobmock: {document}:{line}:13: not a valid JSON Schema 2020-12 schema: true is not of"
        " type 'number'; change this value (oas-structure)\n"
    )
    assert serve(str(document), "--get", "/numbers") == (2, expected)
    contract = CliRunner().invoke(main, ["contract", str(document)])
    assert (contract.exit_code, contract.output) == (2, expected)
