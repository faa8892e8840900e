"""Every corpus document produces exactly the findings it announces, rule and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.validate import ValidateOptions, validate_paths
from jobmock.validate.rules import RULES
from tests.validate.corpus import CORPUS, corpus_files, expectations

FILES = corpus_files()


def findings_in(path: Path) -> set[tuple[str, int | None]]:
    report = validate_paths([path], ValidateOptions())
    return {(f.rule, f.line) for f in report.findings if Path(f.file).resolve() == path.resolve()}


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_corpus_document(path: Path) -> None:
    assert findings_in(path) == expectations(path)


def test_every_rule_has_a_broken_document() -> None:
    covered = {rule for path in FILES for rule, _ in expectations(path)}
    assert sorted(set(RULES) - covered) == []


def test_every_expectation_names_a_rule() -> None:
    named = {rule for path in FILES for rule, _ in expectations(path)}
    assert sorted(named - set(RULES)) == []
