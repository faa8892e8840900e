"""The runner: what it reads, how it reports a rule's own failure, exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobmock.validate import Report, Severity, ValidateOptions, validate_paths
from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Finding, Problem
from jobmock.validate.rules import RULES, Rule
from tests.validate.expectations import CORPUS

SHELF = CORPUS / "specs" / "shelf.yaml"


def test_a_crashing_rule_becomes_a_finding_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: SpecDocument) -> Iterator[Problem]:
        yield from ()
        raise KeyError("surprise")

    monkeypatch.setitem(
        RULES, "test-broken", Rule("test-broken", Severity.WARNING, Kind.OPENAPI, "", "", broken)
    )
    report = validate_paths([SHELF], ValidateOptions())
    [finding] = report.findings
    assert (finding.rule, finding.severity) == ("test-broken", Severity.ERROR)
    assert "internal error in rule test-broken (KeyError" in finding.message
    assert report.exit_code() == 1


def test_an_overlay_alone_is_checked_with_its_document() -> None:
    report = validate_paths(
        [CORPUS / "specs" / "overlay-provenance.overlay.yaml"], ValidateOptions()
    )
    assert {Path(p).name for p in report.files} == {
        "overlay-provenance.yaml",
        "overlay-provenance.overlay.yaml",
    }
    assert [(f.rule, Path(f.file).name, f.line) for f in report.findings] == [
        ("example-invalid", "overlay-provenance.overlay.yaml", 17)
    ]


def test_a_fixture_without_rendering_skips_only_the_render_rule() -> None:
    path = CORPUS / "fixtures" / "fixture-status-undeclared.yaml"
    rendered = {f.rule for f in validate_paths([path], ValidateOptions()).findings}
    plain = {f.rule for f in validate_paths([path], ValidateOptions(render=False)).findings}
    assert rendered - plain == {"fixture-render-invalid"}
    assert plain == {"fixture-status-undeclared"}


@pytest.mark.parametrize(
    ("severities", "strict", "code"),
    [
        ((), False, 0),
        ((Severity.WARNING,), False, 0),
        ((Severity.WARNING,), True, 1),
        ((Severity.ERROR,), False, 1),
    ],
)
def test_exit_codes(severities: tuple[Severity, ...], strict: bool, code: int) -> None:
    report = Report([Finding("r", s, "m", Path("f.yaml")) for s in severities])
    assert report.exit_code(strict=strict) == code
