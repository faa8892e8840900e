"""A document split across files as one (`jobmock.documents.bundle`): each node of the bundled
document is located in the file it was written in, and discriminator mappings follow too."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobmock.documents.bundle import BundledSource, Bundler
from jobmock.documents.reader import read
from jobmock.stateless.documents import load_document

ROOT = """\
openapi: 3.0.3
info: {title: Split, version: '1'}
paths:
  /pets:
    $ref: 'paths.yaml#/pets'
  /pets/{id}:
    get:
      $ref: 'operations/get_pet.yaml'
"""
PATHS = """\
pets:
  get:
    operationId: listPets
    responses:
      '200':
        description: The pets.
        content:
          application/json:
            schema:
              type: array
              items: {$ref: 'schemas.yaml#/components/schemas/Pet'}
"""
GET_PET = """\
operationId: getPet
parameters:
  - {name: id, in: path, required: true, schema: {type: string}}
responses:
  '200':
    description: One pet.
    content:
      application/json:
        schema:
          oneOf:
            - $ref: '../schemas.yaml#/Cat'
            - $ref: '../schemas.yaml#/Dog'
          discriminator:
            propertyName: kind
            mapping:
              cat: '../schemas.yaml#/Cat'
              dog: '../schemas.yaml#/Dog'
"""
SCHEMAS = """\
components:
  schemas:
    Pet:
      type: object
      properties:
        kind: {type: string, enum: [cat, dog], nullable: true}
Cat:
  type: object
  properties:
    kind: {type: string}
Dog:
  type: object
  properties:
    kind: {type: string}
"""


@pytest.fixture
def split(tmp_path: Path) -> Path:
    for name, text in {
        "paths.yaml": PATHS,
        "operations/get_pet.yaml": GET_PET,
        "schemas.yaml": SCHEMAS,
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    root = tmp_path / "api.yaml"
    root.write_text(ROOT, encoding="utf-8")
    return root


def bundled(root: Path) -> tuple[dict[str, Any], BundledSource]:
    bundler = Bundler(read(root), root)
    document = bundler.bundle(root)
    source = bundler.source
    assert isinstance(source, BundledSource)
    return document, source


def place(source: BundledSource, pointer: tuple[str | int, ...]) -> tuple[str, int | None]:
    found, inner = source.where(pointer)
    return found.file.name, found.locate(inner)[0]


def test_each_node_is_located_in_the_file_it_is_written_in(split: Path) -> None:
    document, source = bundled(split)
    get = ("paths", "/pets/{id}", "get")
    # the lines are those of the files above
    assert place(source, (*get, "operationId")) == ("get_pet.yaml", 1)
    assert place(source, (*get, "responses", "200", "description")) == ("get_pet.yaml", 6)
    assert place(source, ("paths", "/pets", "get", "operationId")) == ("paths.yaml", 3)
    assert place(source, ("components", "schemas", "Pet", "properties", "kind")) == (
        "schemas.yaml",
        6,
    )
    assert place(source, ("info", "title")) == ("api.yaml", 2)
    assert document["paths"]["/pets"]["get"]["operationId"] == "listPets"


def test_a_discriminator_mapping_to_another_file_names_a_component(split: Path) -> None:
    document, source = bundled(split)
    schema = document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    mapping = schema["discriminator"]["mapping"]
    assert mapping == {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}
    assert document["components"]["schemas"]["Cat"] == {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
    }
    assert place(source, ("components", "schemas", "Dog", "properties", "kind")) == (
        "schemas.yaml",
        14,
    )


def test_a_start_warning_names_the_referenced_file_and_line(
    split: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="jobmock"):
        load_document(split, "split")
    # schemas.yaml line 6, column 36: the value of `enum: [cat, dog]`, beside `nullable: true`
    schemas = split.parent / "schemas.yaml"
    assert [m.splitlines()[1] for m in caplog.messages] == [
        f"  {schemas.resolve()}:6:36: nullable: true, yet its enum has no null"
    ]


# A tree of mappings: the invariant holds for any document and any way of splitting it.
KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
TREES = st.recursive(
    st.integers(0, 9) | st.text(alphabet="xyz", max_size=3),
    lambda inner: st.dictionaries(KEYS, inner, min_size=1, max_size=3),
    max_leaves=12,
)


def mappings(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The pointer of every mapping below the root."""
    if not isinstance(node, dict):
        return []
    found = [path] if path else []
    for key, value in node.items():
        found += mappings(value, (*path, key))
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=st.dictionaries(KEYS, TREES, min_size=1, max_size=3), data=st.data())
def test_any_split_bundles_back_to_the_document_and_locates_each_part_in_its_file(
    tree: dict[str, Any], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    folder = tmp_path_factory.mktemp("split")
    candidates = mappings(tree)
    moved = data.draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
    moved.sort(key=len, reverse=True)  # deepest first: an outer file holds the inner $ref
    written = json.loads(json.dumps(tree))
    owner: dict[tuple[str, ...], str] = {}
    for index, pointer in enumerate(moved):
        parent = written
        for part in pointer[:-1]:
            parent = parent[part]
        name = f"part{index}.json"
        (folder / name).write_text(json.dumps(parent[pointer[-1]]), encoding="utf-8")
        parent[pointer[-1]] = {"$ref": name}
        owner[pointer] = name
    root = folder / "root.json"
    root.write_text(json.dumps(written), encoding="utf-8")

    bundler = Bundler(read(root), root)
    assert bundler.bundle(root) == tree
    for pointer in mappings(tree):
        within = [p for p in owner if pointer[: len(p)] == p]
        expected = owner[max(within, key=len)] if within else "root.json"
        assert bundler.source.error(pointer, "here").file.name == expected  # type: ignore[union-attr]
