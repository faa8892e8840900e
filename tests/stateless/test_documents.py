"""A user's document: `$ref`s across files bundled, 3.0 upgraded, what cannot be served refused
with one `file:line: reason`."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.errors import SpecError
from jobmock.stateless.documents import load_document, upgrade

MAIN = """\
openapi: 3.1.0
info: {title: Split, version: '1'}
paths:
  /things/{id}:
    parameters:
      - $ref: 'parts/parameters.yaml#/components/parameters/Id'
    get:
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema: {$ref: 'parts/schemas.yaml#/components/schemas/Thing'}
"""
SCHEMAS = """\
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        parts:
          type: array
          items: {$ref: '#/components/schemas/Thing'}
        owner: {$ref: 'owner.yaml'}
"""
OWNER = "type: object\nproperties:\n  name: {type: string}\n"
PARAMETERS = """\
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / next(iter(files))


def test_refs_across_files_are_bundled_into_components(tmp_path: Path) -> None:
    main = write(
        tmp_path,
        {
            "main.yaml": MAIN,
            "parts/schemas.yaml": SCHEMAS,
            "parts/owner.yaml": OWNER,
            "parts/parameters.yaml": PARAMETERS,
        },
    )
    document = load_document(main, "split").document
    item = document["paths"]["/things/{id}"]
    assert item["parameters"] == [{"$ref": "#/components/parameters/Id"}]
    schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Thing"}
    assert document["components"]["schemas"]["Thing"] == {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
    }


def test_a_ref_to_nothing_names_its_file_and_line(tmp_path: Path) -> None:
    main = write(
        tmp_path,
        {
            "main.yaml": MAIN.replace("#/components/schemas/Thing", "#/components/schemas/Nope"),
            "parts/schemas.yaml": SCHEMAS,
            "parts/parameters.yaml": PARAMETERS,
        },
    )
    with pytest.raises(SpecError) as raised:
        load_document(main, "split")
    assert str(raised.value) == (
        f"{main}:13:30: $ref to nothing: schemas.yaml#/components/schemas/Nope"
    )


def test_a_local_ref_to_nothing_names_its_line(tmp_path: Path) -> None:
    text = MAIN.replace("parts/schemas.yaml#", "#").replace(
        "- $ref: 'parts/parameters.yaml#/components/parameters/Id'",
        "- {name: id, in: path, required: true, schema: {type: string}}",
    )
    main = write(tmp_path, {"main.yaml": text})
    with pytest.raises(SpecError) as raised:
        load_document(main, "split")
    assert str(raised.value) == f"{main}:13:30: $ref to nothing: #/components/schemas/Thing"


def test_a_ref_to_a_missing_file_names_its_line(tmp_path: Path) -> None:
    main = write(tmp_path, {"main.yaml": MAIN})
    with pytest.raises(SpecError) as raised:
        load_document(main, "split")
    missing = tmp_path / "parts" / "parameters.yaml"
    assert str(raised.value) == f"{main}:6:15: $ref to a missing file {missing}"


def test_swagger_2_is_refused_at_its_version_line(tmp_path: Path) -> None:
    main = write(
        tmp_path,
        {"old.yaml": "# a comment\nswagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n"},
    )
    with pytest.raises(SpecError) as raised:
        load_document(main, "old")
    assert str(raised.value) == (
        f"{main}:2:10: Swagger 2.0 is not served; convert it to OpenAPI 3 (e.g. swagger2openapi)"
    )


def test_a_3_0_document_is_upgraded_to_the_3_1_that_means_the_same() -> None:
    document = {
        "openapi": "3.0.3",
        "paths": {},
        "components": {
            "schemas": {
                "A": {"type": "string", "nullable": True, "enum": ["x"]},
                "B": {"$ref": "#/components/schemas/A", "nullable": True, "description": "b"},
                "C": {
                    "type": "number",
                    "minimum": 0,
                    "exclusiveMinimum": True,
                    "maximum": 9,
                    "exclusiveMaximum": False,
                },
            }
        },
    }
    upgraded = upgrade(document)
    assert upgraded["openapi"] == "3.1.0"
    assert upgraded["components"]["schemas"] == {
        "A": {"type": ["string", "null"], "enum": ["x", None]},
        "B": {"description": "b", "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
        "C": {"type": "number", "exclusiveMinimum": 0, "maximum": 9},
    }


def test_a_security_requirement_naming_an_undeclared_scheme_names_its_line(tmp_path: Path) -> None:
    # 3.1.0, Security Requirement Object: each name "MUST correspond to a security scheme which
    # is declared in the Security Schemes under the Components Object" (connexion raised KeyError)
    document = tmp_path / "cache.yaml"
    document.write_text(
        "openapi: 3.0.3\n"
        "info: {title: Cache, version: '1'}\n"
        "paths:\n"
        "  /cache:\n"
        "    get:\n"
        "      security:\n"
        "        - api_key: []\n"
        "      responses:\n"
        "        '204': {description: cached}\n"
    )
    with pytest.raises(SpecError) as raised:
        load_document(document, "cache")
    assert str(raised.value) == (
        f"{document}:7:20: security names 'api_key', which components.securitySchemes does not"
        " declare"
    )


def test_a_path_item_ref_to_another_path_is_served_as_that_path(tmp_path: Path) -> None:
    # 3.1.0, Path Item Object: `$ref` "allows for a referenced definition of this path item";
    # connexion follows it, so jobmock must find the operation under the referring path too
    document = tmp_path / "mirror.yaml"
    document.write_text(
        "openapi: 3.1.0\n"
        "info: {title: Mirror, version: '1'}\n"
        "paths:\n"
        "  /mirror:\n"
        "    $ref: '#/paths/~1source'\n"
        "  /source:\n"
        "    get:\n"
        "      responses:\n"
        "        '200':\n"
        "          description: the source\n"
        "          content:\n"
        "            application/json:\n"
        "              schema: {const: source}\n"
    )
    assert load_document(document, "mirror").document["paths"]["/mirror"] == {
        "get": {
            "responses": {
                "200": {
                    "description": "the source",
                    "content": {"application/json": {"schema": {"const": "source"}}},
                }
            }
        }
    }


# DigitalOcean's public description, in small: an operation, a tag's description and a recursive
# schema, each a `$ref` to a target outside any components/ of its file
SPLIT_AS_DIGITALOCEAN = {
    "main.yaml": """\
openapi: 3.0.0
info: {title: Agents, version: '1'}
tags:
  - name: agents
    description: {$ref: 'intro.yaml#/introduction'}
paths:
  /agents:
    get: {$ref: 'agents_list.yaml'}
""",
    "intro.yaml": "introduction: Agents answer questions.\n",
    "agents_list.yaml": """\
operationId: agents_list
tags: [agents]
responses:
  '200':
    description: the agents
    content:
      application/json:
        schema: {$ref: 'definitions.yaml#/agent'}
""",
    "definitions.yaml": """\
agent:
  type: object
  properties:
    name: {type: string}
    child_agents:
      type: array
      items: {$ref: '#/agent'}
""",
}


def test_a_recursive_target_outside_components_is_named_in_components(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, SPLIT_AS_DIGITALOCEAN), "agents").document
    operation = document["paths"]["/agents"]["get"]
    assert operation["operationId"] == "agents_list"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/agent"}
    assert document["components"]["schemas"]["agent"] == {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "child_agents": {"type": "array", "items": {"$ref": "#/components/schemas/agent"}},
        },
    }


def test_a_ref_to_a_string_is_that_string(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, SPLIT_AS_DIGITALOCEAN), "agents").document
    assert document["tags"] == [{"name": "agents", "description": "Agents answer questions."}]


def test_a_document_refused_for_a_problem_in_another_file_names_that_file_and_line(
    tmp_path: Path,
) -> None:
    # the operation is a `$ref` (followed by serve; validate's `ref-not-allowed` is not why it is
    # refused); its file's only parameter has no `in` (op.yaml line 2, column 5, where the item's
    # first key is written): no Parameter Object
    main = write(
        tmp_path,
        {
            "main.yaml": "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /things:\n"
            "    get: {$ref: 'op.yaml'}\n",
            "op.yaml": "parameters:\n  - name: limit\n    schema: {type: integer}\n"
            "responses:\n  '200': {description: the things}\n",
        },
    )
    with pytest.raises(SpecError) as raised:
        load_document(main, "split")
    assert str(raised.value) == (
        f"{tmp_path / 'op.yaml'}:2:5: not valid OpenAPI 3.0: 'in' is a required property; add `in`"
        " here (oas-structure)"
    )
