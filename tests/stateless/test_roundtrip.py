"""Ids an answer hands out inside wrappers (`{"data": {...}}`, arrays' items), at any depth: a
value the document's own paths refuse is a contradiction jobmock answers around and names at
start (`jobmock.stateless.roundtrip`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.stateless.roundtrip import feeds, narrowing

# the shape of ReadMe's API (npm @readme/oas-examples 8.2.2, 3.1 readme.json): a category is
# answered as {"data": {..., "section": enum [guide, reference]}}, yet the path that reads the
# section's categories takes {section} in [guides, reference]: only `reference` is both.
CATEGORIES = """\
openapi: 3.1.0
info: {title: categories, version: '1'}
paths:
  /categories:
    post:
      operationId: createCategory
      responses:
        '201':
          description: the category
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {$ref: '#/components/schemas/Category'}
    get:
      operationId: getCategories
      responses:
        '200':
          description: the categories
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, minItems: 1, items: {$ref: '#/components/schemas/Category'}}
  /categories/{section}:
    get:
      operationId: getSection
      parameters:
        - {name: section, in: path, required: true, schema: {type: string, enum: [guides, reference]}}
      responses:
        '200': {description: the section's categories}
  /categories/{section}/{title}:
    patch:
      operationId: updateCategory
      parameters:
        - {name: section, in: path, required: true, schema: {type: string, enum: [guides, reference]}}
        - {name: title, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the category
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {$ref: '#/components/schemas/Category'}
components:
  schemas:
    Category:
      type: object
      required: [title, section]
      properties:
        title: {type: string}
        section: {type: string, enum: [guide, reference]}
        parent: {$ref: '#/components/schemas/Category'}
"""


def served(tmp_path: Path) -> TestClient:
    document = tmp_path / "api.yaml"
    document.write_text(CATEGORIES)
    return TestClient(create_app(Config(documents=(f"={document}",))))


def test_a_wrapped_property_is_answered_within_what_the_paths_take(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="jobmock"), served(tmp_path) as client:
        created = client.post("/categories").json()
        listed = client.get("/categories").json()
        updated = client.patch("/categories/guides/x").json()
        fresh = [
            client.post("/categories", headers={"Prefer": "dynamic=true"}).json() for _ in range(5)
        ]
    assert created["data"]["section"] == "reference"
    assert updated["data"]["section"] == "reference"  # PATCH below /categories/{section}
    assert listed["data"] and all(item["section"] == "reference" for item in listed["data"])
    assert all(answer["data"]["section"] == "reference" for answer in fresh)
    document = tmp_path / "api.yaml"
    line = next(n for n, text in enumerate(CATEGORIES.splitlines(), 1) if "section: {type" in text)
    column = CATEGORIES.splitlines()[line - 1].index("{") + 1
    warnings = [r.getMessage() for r in caplog.records if "contradicts itself" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(
        "jobmock: 1 answer property schema(s) hand out ids the document's own paths refuse"
    )
    assert (
        # one schema, named once: for the first operation that answers it (GET before POST)
        f"  {document}:{line}:{column}: data[].section (getCategories's answer) is not held to"
        " enum: ['guides', 'reference'], which path parameter section of /categories/{section}"
        " requires"
    ) in warnings[0]


def test_the_shallowest_property_feeds_and_a_schema_met_again_ends_the_walk() -> None:
    document: dict[str, Any] = yaml.safe_load(CATEGORIES)
    found = {(feed.operation, feed.label()) for feed in feeds(document)}
    # Category.parent is a Category: its section is deeper, and the walk ends there
    assert found == {
        ("createCategory", "data.section"),
        ("getCategories", "data[].section"),
        ("updateCategory", "data.section"),
    }
    narrowed = narrowing(feeds(document))
    within = {"enum": ["guides", "reference"]}
    assert narrowed["getCategories"] == {
        "properties": {"data": {"items": {"properties": {"section": within}}}}
    }


def test_a_wrapped_property_the_paths_take_whole_is_no_contradiction() -> None:
    document: dict[str, Any] = yaml.safe_load(
        CATEGORIES.replace("enum: [guide, reference]}", "enum: [reference]}")
    )
    assert feeds(document) == []  # every section an answer may hold is one the path takes


def test_a_wrapped_property_no_path_value_fits_keeps_its_own_values(tmp_path: Path) -> None:
    # enum [guide] and the path's [guides, reference] share nothing: the answer still validates
    # against its own schema (a 200, not a 501), the contradiction named at start as above
    document = tmp_path / "api.yaml"
    document.write_text(CATEGORIES.replace("enum: [guide, reference]}", "enum: [guide]}"))
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        created = client.post("/categories")
    assert created.status_code == 201
    assert created.json()["data"]["section"] == "guide"
