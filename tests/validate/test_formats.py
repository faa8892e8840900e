"""Each output format, on a report with every awkward case: no position, characters GitHub
escapes, a warning next to an error."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft4Validator

from jobmock.validate.findings import Finding, Report, Severity
from jobmock.validate.formats import FORMATS
from jobmock.validate.rules import RULES

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
ANNOTATION = re.compile(
    r"::(error|warning) file=[^,:]+(,line=\d+(,col=\d+)?)?,title=[a-z0-9-]+::[^\r\n]+"
)

REPORT = Report(
    findings=[
        Finding(
            "example-invalid",
            Severity.ERROR,
            "`example` does not match: 50% off, a:b\nsecond line",
            Path("specs/a.yaml"),
            12,
            7,
            "/paths/~1jobs/get",
        ),
        Finding(
            "path-param-no-404",
            Severity.WARNING,
            "GET /jobs/{id} declares no 404",
            Path("specs/a.yaml"),
            20,
            None,
            "/paths/~1jobs~1{id}/get/responses",
        ),
        Finding("fixture-spec-missing", Severity.WARNING, "no spec", Path("fixtures/b.yaml")),
    ],
    files=[Path("specs/a.yaml"), Path("fixtures/b.yaml")],
)


def test_text_is_one_line_per_finding_and_a_summary() -> None:
    lines = FORMATS["text"](REPORT).splitlines()
    assert lines[0].startswith("specs/a.yaml:12:7: error [example-invalid] ")
    assert lines[-1] == "1 error, 2 warnings in 2 files"
    assert FORMATS["text"](Report(files=[Path("x.yaml")])) == "1 file checked, no problems\n"


def test_json_round_trips() -> None:
    body = json.loads(FORMATS["json"](REPORT))
    assert body["summary"] == {"errors": 1, "warnings": 2}
    first = body["findings"][0]
    assert first == {
        "rule": "example-invalid",
        "severity": "error",
        "message": REPORT.findings[0].message,
        "file": "specs/a.yaml",
        "line": 12,
        "column": 7,
        "pointer": "/paths/~1jobs/get",
    }


def test_github_annotations_one_per_line_and_escaped() -> None:
    lines = FORMATS["github"](REPORT).splitlines()
    assert len(lines) == 3
    assert all(ANNOTATION.fullmatch(line) for line in lines), lines
    assert lines[0] == (
        "::error file=specs/a.yaml,line=12,col=7,title=example-invalid::"
        "`example` does not match: 50%25 off, a:b%0Asecond line"
    )
    assert lines[2] == "::warning file=fixtures/b.yaml,title=fixture-spec-missing::no spec"


def test_sarif_validates_against_the_sarif_2_1_0_schema() -> None:
    log = json.loads(FORMATS["sarif"](REPORT))
    errors = sorted(Draft4Validator(SARIF_SCHEMA).iter_errors(log), key=str)
    assert [e.message for e in errors] == []
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    result = run["results"][0]
    assert result["ruleId"] == "example-invalid"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "example-invalid"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12,
        "startColumn": 7,
    }
    assert "region" not in run["results"][2]["locations"][0]["physicalLocation"]


def test_sarif_schema_is_strict_enough_to_catch_a_broken_log() -> None:
    log = json.loads(FORMATS["sarif"](REPORT))
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(Draft4Validator(SARIF_SCHEMA).iter_errors(log))) == 2
