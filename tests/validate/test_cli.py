"""`jobmock validate` through click: exit codes, formats, and one-line errors for unreadable files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator

from jobmock.cli import main, validate
from jobmock.validate.formats import FORMATS
from tests.validate.expectations import CORPUS
from tests.validate.test_formats import ANNOTATION, SARIF_SCHEMA

CLEAN = CORPUS / "specs" / "shelf.yaml"
ERRORS = CORPUS / "specs" / "example-invalid-3.1.yaml"
WARNING_ONLY = CORPUS / "specs" / "path-param-no-404.yaml"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_clean_exits_0() -> None:
    code, out, _ = invoke(CLEAN)
    assert code == 0
    assert out.endswith("no problems\n")


def test_errors_exit_1() -> None:
    code, out, _ = invoke(ERRORS)
    assert code == 1
    assert "[example-invalid]" in out


def test_warnings_exit_0_unless_strict() -> None:
    assert invoke(WARNING_ONLY)[0] == 0
    assert invoke("--strict", WARNING_ONLY)[0] == 1
    assert invoke("--strict", CLEAN)[0] == 0


def test_yaml_syntax_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: '1'\n", encoding="utf-8"
    )
    code, out, err = invoke(broken)
    assert code == 2
    assert out == ""
    assert re.fullmatch(rf"jobmock: {re.escape(str(broken))}:\d+:\d+: invalid YAML: .+\n", err), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file or directory"), ("just: a mapping\n", "not an OpenAPI document")],
    ids=["missing", "unknown-kind"],
)
def test_unusable_files_exit_2(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "thing.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = invoke(path)
    assert code == 2
    assert problem in err and err.count("\n") == 1


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = invoke("--format", "xml", CLEAN)
    assert code == 2
    assert "xml" in err


def test_every_format_parses() -> None:
    code, out, _ = invoke("--format", "json", ERRORS)
    assert code == 1
    # its `# expect:` line names 7 findings: default-invalid and example-and-examples are errors
    assert json.loads(out)["summary"] == {"errors": 2, "warnings": 5}

    code, out, _ = invoke("--format", "github", ERRORS)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 7 and all(ANNOTATION.fullmatch(line) for line in lines), lines

    code, out, _ = invoke("--format", "sarif", ERRORS)
    assert code == 1
    assert list(Draft4Validator(SARIF_SCHEMA).iter_errors(json.loads(out))) == []
    assert len(json.loads(out)["runs"][0]["results"]) == 7


def test_output_goes_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    code, out, _ = invoke("--format", "sarif", "--output", target, ERRORS)
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_format_choices_are_the_registered_formats() -> None:
    option = next(p for p in validate.params if p.name == "output_format")
    assert sorted(option.type.choices) == sorted(FORMATS)  # type: ignore[attr-defined]


def test_folders_are_their_yaml_files() -> None:
    code, out, _ = invoke("--format", "json", CORPUS / "fixtures")
    files = json.loads(out)["files"]
    assert code == 1
    assert {Path(f).name for f in files} >= {p.name for p in (CORPUS / "fixtures").glob("*.yaml")}
