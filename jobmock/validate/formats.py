"""Report formats, keyed by name: `text` (for people), `json`, `github` (workflow annotations) and
`sarif` (SARIF 2.1.0, for code-scanning dashboards). Each is `(report) -> str`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from jobmock.validate.findings import Finding, Report, Severity
from jobmock.validate.rules import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

Formatter = Callable[[Report], str]
FORMATS: dict[str, Formatter] = {}


def output_format(name: str) -> Callable[[Formatter], Formatter]:
    def register(function: Formatter) -> Formatter:
        FORMATS[name] = function
        return function

    return register


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@output_format("text")
def text(report: Report) -> str:
    lines = [f"{f.location}: {f.severity.value} [{f.rule}] {f.message}" for f in report.findings]
    checked = _plural(len(report.files), "file")
    if report.findings:
        lines.append(
            f"{_plural(len(report.errors), 'error')}, "
            f"{_plural(len(report.warnings), 'warning')} in {checked}"
        )
    else:
        lines.append(f"{checked} checked, no problems")
    return "\n".join(lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": PurePath(finding.file).as_posix(),
        "line": finding.line,
        "column": finding.column,
        "pointer": finding.pointer,
    }


@output_format("json")
def json_report(report: Report) -> str:
    body = {
        "files": [PurePath(p).as_posix() for p in report.files],
        "findings": [_finding_json(f) for f in report.findings],
        "summary": {"errors": len(report.errors), "warnings": len(report.warnings)},
    }
    return json.dumps(body, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


@output_format("github")
def github(report: Report) -> str:
    """`::error file=F,line=L,col=C,title=RULE::message`, one line per finding."""
    lines = []
    for f in report.findings:
        properties = [f"file={_escape_property(PurePath(f.file).as_posix())}"]
        if f.line is not None:
            properties.append(f"line={f.line}")
            if f.column is not None:
                properties.append(f"col={f.column}")
        properties.append(f"title={_escape_property(f.rule)}")
        lines.append(f"::{f.severity.value} {','.join(properties)}::{_escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jobmock")
    except PackageNotFoundError:
        return None


@output_format("sarif")
def sarif(report: Report) -> str:
    rule_ids = list(RULES)
    driver: dict[str, Any] = {
        "name": "jobmock validate",
        "rules": [
            {
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.catches},
                "help": {"text": r.fix},
                "defaultConfiguration": {"level": _level(r.severity)},
            }
            for r in RULES.values()
        ],
    }
    if (version := _version()) is not None:
        driver["version"] = version
    results = []
    for f in report.findings:
        physical: dict[str, Any] = {"artifactLocation": {"uri": PurePath(f.file).as_posix()}}
        if f.line is not None:
            region: dict[str, int] = {"startLine": f.line}
            if f.column is not None:
                region["startColumn"] = f.column
            physical["region"] = region
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _level(f.severity),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": physical}],
        }
        if f.rule in RULES:
            result["ruleIndex"] = rule_ids.index(f.rule)
        if f.pointer:
            result["properties"] = {"jsonPointer": f.pointer}
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "artifacts": [{"location": {"uri": PurePath(p).as_posix()}} for p in report.files],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
