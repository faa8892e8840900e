"""The specification's prohibitions its JSON Schema cannot express: each rule's exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.validate import ValidateOptions, validate_paths
from jobmock.validate.rules.declarations import regex_problem
from tests.validate.expectations import CORPUS

SPECS = CORPUS / "specs"


def messages(name: str, rule: str) -> list[tuple[int | None, str]]:
    report = validate_paths([SPECS / name], ValidateOptions())
    return [(f.line, f.message) for f in report.findings if f.rule == rule]


def test_duplicate_parameters() -> None:
    assert messages("parameter-duplicate.yaml", "parameter-duplicate") == [
        (14, "/jobs lists the header parameter `X-Trace` twice (also item 0); remove one"),
        (24, "GET /jobs lists the query parameter `limit` twice (also item 0); remove one"),
    ]


def test_invalid_patterns() -> None:
    assert messages("pattern-invalid.yaml", "pattern-invalid") == [
        (
            17,
            '`pattern` "[" is not a regular expression (unterminated character set at position '
            "0); correct it",
        ),
        (
            20,
            '`patternProperties` key "^x-(" is not a regular expression (missing ), unterminated '
            "subpattern at position 3); correct it",
        ),
    ]


@pytest.mark.parametrize(
    "pattern", [r"^(?<year>[0-9]{4})$", r"^\p{L}+$", r"^\P{Lu}$", r"(?<=a)b", r"(?<!a)b", r"\d+"]
)
def test_ecma_262_syntax_is_a_regular_expression(pattern: str) -> None:
    assert regex_problem(pattern) is None


def test_server_variable_default_outside_its_enum() -> None:
    assert messages("server-variable-default.yaml", "server-variable-default") == [
        (
            16,
            'server variable `region`: default "asia" is not one of its enum ["eu", "us"]; add '
            "it or choose one of them",
        )
    ]


def test_example_and_examples_together() -> None:
    message = (
        "`example` and `examples` are mutually exclusive; keep one (move the `example` into "
        "`examples` under a name)"
    )
    assert messages("example-and-examples.yaml", "example-and-examples") == [
        (17, message),
        (26, message),
    ]


def test_example_and_examples_in_3_0_is_reported_once_by_its_rule(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: A.\n          content:\n"
        "            application/json:\n              schema: {type: integer}\n"
        "              example: 1\n              examples: {one: {value: 1}}\n",
        encoding="utf-8",
    )
    report = validate_paths([path], ValidateOptions())
    assert [(f.rule, f.line) for f in report.findings] == [("example-and-examples", 12)]
