"""Every corpus document produces exactly the findings it announces, rule and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock.validate import ValidateOptions, validate_paths
from jobmock.validate.rules import RULES
from tests.validate.expectations import CORPUS, corpus_files, expectations

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


SPECS = [p for p in FILES if p.parent.name == "specs" and not p.name.endswith(".overlay.yaml")]


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_nothing_openapi_spec_validator_rejects_passes(path: Path) -> None:
    """The structure check reads openapi-spec-validator's schemas itself: where the library says
    a document is invalid, `validate` must report an error in it too."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from jobmock.documents.reader import read

    # read as YAML 1.2, as OpenAPI says (PyYAML's safe_load reads an unquoted date as a date)
    document = read(path).data
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0", "3.1")):
        rejected = True
    else:
        cls = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
        try:
            rejected = next(iter(cls(document).iter_errors()), None) is not None
        except Exception:  # an unresolvable $ref is raised, not reported
            rejected = True
    ours = validate_paths([path], ValidateOptions())
    files = {Path(p).resolve() for p in ours.files}  # the document and the files it `$ref`s
    has_error = any(
        f.severity.value == "error" and Path(f.file).resolve() in files for f in ours.findings
    )
    assert has_error or not rejected
