"""`jobmock validate` on a document split across files reads it as `jobmock serve` does (one
bundler): an operation or path item written in another file is checked there, and each finding
names the file and line where the problem is written, not the root's `$ref` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.validate import ValidateOptions, validate_paths
from tests.validate.expectations import CORPUS

ROOT = """\
openapi: 3.0.3
info:
  title: Split
  version: '1'
paths:
  /jobs:
    $ref: 'parts.yaml#/jobs'
  /jobs/{id}:
    get:
      $ref: 'parts.yaml#/getJob'
"""
PARTS = """\
jobs:
  get:
    operationId: listJobs
    responses:
      '200':
        description: The jobs.
        content:
          application/json:
            schema:
              type: array
              items: {$ref: 'schemas.yaml#/Job'}
getJob:
  operationId: getJob
  parameters:
    - {name: id, in: path, required: true, schema: {type: string}}
  responses:
    '200':
      description: One job.
      content:
        application/json:
          schema: {$ref: 'schemas.yaml#/Job'}
    '404':
      description: No such job.
"""
SCHEMAS = """\
Job:
  type: object
  required: [id]
  properties:
    id: {type: string}
    progress:
      type: integer
      maximum: 100
      default: 150
"""


def write(folder: Path, schemas: str = SCHEMAS, parts: str = PARTS) -> Path:
    (folder / "parts.yaml").write_text(parts, encoding="utf-8")
    (folder / "schemas.yaml").write_text(schemas, encoding="utf-8")
    root = folder / "api.yaml"
    root.write_text(ROOT, encoding="utf-8")
    return root


def places(root: Path) -> list[tuple[str, int | None, int | None, str]]:
    report = validate_paths([root], ValidateOptions())
    return [(Path(f.file).name, f.line, f.column, f.rule) for f in report.findings]


# api.yaml line 10, column 13: the operation's `$ref` (OpenAPI 3.0.0, Path Item Object: `get |
# Operation Object`, no Reference Object there); every split document below has it
NOT_ALLOWED = ("api.yaml", 10, 13, "ref-not-allowed")
CLEAN = SCHEMAS.replace("default: 150", "default: 0")


def test_an_operation_behind_a_ref_is_read_as_the_operation_it_names(tmp_path: Path) -> None:
    # one finding, the `$ref` itself: no "responses is required", no path parameter missing
    root = write(tmp_path, CLEAN)
    report = validate_paths([root], ValidateOptions())
    assert places(root) == [NOT_ALLOWED]
    assert sorted(Path(p).name for p in report.files) == ["api.yaml", "parts.yaml", "schemas.yaml"]


def test_a_problem_in_a_referenced_schema_is_reported_at_its_own_line(tmp_path: Path) -> None:
    # schemas.yaml line 9: `default: 150` above `maximum: 100` (OpenAPI 3.0.3: "the default
    # value MUST conform to the defined type for the Schema Object")
    root = write(tmp_path)
    assert places(root) == [NOT_ALLOWED, ("schemas.yaml", 9, 7, "default-invalid")]


def test_a_structure_error_in_a_referenced_file_is_reported_there(tmp_path: Path) -> None:
    # `type: text` (schemas.yaml line 2) is no type of the OpenAPI 3.0 Schema Object; the
    # operation's parameter without `in` (parts.yaml line 15) is no Parameter Object, so no
    # path parameter declares {id} (said at its `parameters:` key, line 14)
    schemas = SCHEMAS.replace("  type: object", "  type: text").replace(
        "default: 150", "default: 0"
    )
    parts = PARTS.replace("{name: id, in: path,", "{name: id,")
    root = write(tmp_path, schemas, parts)
    assert places(root) == [
        NOT_ALLOWED,
        ("parts.yaml", 14, 3, "path-params-mismatch"),
        ("parts.yaml", 15, 7, "oas-structure"),
        ("schemas.yaml", 2, 3, "oas-structure"),
    ]


def test_a_ref_to_nothing_in_a_referenced_file_is_reported_where_it_is_written(
    tmp_path: Path,
) -> None:
    # parts.yaml line 11: `schemas.yaml#/Jbo` names nothing in schemas.yaml (which has `Job`)
    parts = PARTS.replace(
        "items: {$ref: 'schemas.yaml#/Job'}", "items: {$ref: 'schemas.yaml#/Jbo'}"
    )
    root = write(tmp_path, CLEAN, parts)
    report = validate_paths([root], ValidateOptions())
    assert [(Path(f.file).name, f.line, f.column, f.rule) for f in report.findings] == [
        NOT_ALLOWED,
        ("parts.yaml", 11, 29, "ref-unresolved"),
    ]
    assert "did you mean '#/Job'?" in report.findings[1].message


def test_a_referenced_file_that_is_not_yaml_is_one_finding_at_its_own_line(tmp_path: Path) -> None:
    # both `$ref`s to schemas.yaml (parts.yaml lines 11 and 21) meet the same broken file: it is
    # said once, where libyaml stops reading it (line 2, after the unclosed `[` of line 1)
    root = write(tmp_path, "Job: [unclosed\n")
    report = validate_paths([root], ValidateOptions())
    assert [(Path(f.file).name, f.line, f.rule) for f in report.findings] == [
        ("api.yaml", 10, "ref-not-allowed"),
        ("schemas.yaml", 2, "ref-unresolved"),
    ]


@pytest.mark.parametrize(
    ("schemas", "root", "code"),
    [
        (CLEAN, ROOT.split("  /jobs/{id}:")[0], 0),  # clean: the operation's `$ref` left out
        (SCHEMAS, ROOT.split("  /jobs/{id}:")[0], 1),  # a finding in the referenced file
        (SCHEMAS, "openapi: [3.0.3\n", 2),  # a root that is not YAML: unusable input
    ],
)
def test_exit_codes_follow_the_readme(tmp_path: Path, schemas: str, root: str, code: int) -> None:
    path = write(tmp_path, schemas)
    path.write_text(root, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == code, result.output


def test_the_corpus_external_targets_are_reported_in_their_file() -> None:
    # external/ref-target.yaml: `Broken` (line 7) has `type: text` (line 8) and `required: id`
    # (line 9), `BadParameter` (line 10) has no `in`; each is used where that is invalid
    root = CORPUS / "specs" / "ref-target-invalid.yaml"
    assert places(root) == [
        ("ref-target.yaml", 8, 3, "oas-structure"),
        ("ref-target.yaml", 9, 3, "oas-structure"),
        ("ref-target.yaml", 10, 1, "oas-structure"),
    ]
