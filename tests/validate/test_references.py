"""External `$ref` targets are checked where they are used, reported at the `$ref`."""

from __future__ import annotations

from pathlib import Path

from jobmock.validate import ValidateOptions, validate_paths
from tests.validate.expectations import CORPUS

DOC = CORPUS / "specs" / "ref-target-invalid.yaml"


def test_broken_targets_are_reported_at_the_ref_naming_the_other_file() -> None:
    report = validate_paths([DOC], ValidateOptions())
    assert [(f.rule, f.line, f.message) for f in report.findings] == [
        (
            "ref-target-invalid",
            14,
            "$ref 'external/ref-target.yaml#/BadParameter' leads to invalid OpenAPI "
            "(external/ref-target.yaml:11:3): 'in' is a required property; add `in` here",
        ),
        (
            "ref-target-invalid",
            27,
            "$ref 'external/ref-target.yaml#/Broken' leads to a schema that is not JSON Schema "
            '2020-12 (external/ref-target.yaml:8:9): "text" is not one of ["array", "boolean", '
            '"integer", "null", "number", "object", "string"]; change this value',
        ),
        (
            "ref-target-invalid",
            27,
            "$ref 'external/ref-target.yaml#/Broken' leads to a schema that is not JSON Schema "
            "2020-12 (external/ref-target.yaml:9:13): \"id\" is not of type 'array'; change this "
            "value",
        ),
    ]


def test_a_valid_target_is_quiet(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "parts.yaml").write_text("Job: {type: object}\n", encoding="utf-8")
    (folder / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Job: {$ref: 'parts.yaml#/Job'}\n",
        encoding="utf-8",
    )
    assert validate_paths([folder / "api.yaml"], ValidateOptions()).findings == []
