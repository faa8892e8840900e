"""A published multi-megabyte API description that is valid OpenAPI exits 0 with the default
ruleset, its advice reported as warnings; `--ruleset strict` makes that advice errors (exit 1).

The description is taken from the npm registry as a user would get it (tests/npm.py's
`npm_member`: one file of the packed package, kept in the gitignored `.published/` between runs);
without npm or the registry the test skips, under CI it fails. What the document is, and why its
findings are right, is in docs/validate.md ("Published descriptions").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.npm import npm_member

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".published"
# GitHub Enterprise Server's REST description: GitHub's published one (github/rest-api-description)
# with Octokit's `x-octokit` extensions added, as @octokit/openapi ships it (MIT)
PACKAGE = "@octokit/openapi@23.0.2"
MEMBER = "package/generated/ghes-3.19.json"
ADVICE = {"security-no-401", "path-param-no-404", "response-no-schema", "example-invalid"}


def validate(document: Path, folder: Path, *options: str) -> tuple[int, dict[str, object]]:
    """`jobmock validate DOCUMENT --format json` run as a user runs it, from an empty folder (no
    config file found on the way up from it but a tmp folder's)."""
    done = subprocess.run(
        [sys.executable, "-m", "jobmock", "validate", str(document), "--format", "json", *options],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.stderr.count("\n") <= 1 and "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def published() -> Path:
    return npm_member(CACHE, PACKAGE, MEMBER)


def test_a_valid_published_description_exits_0_with_its_advice_as_warnings(
    published: Path, tmp_path: Path
) -> None:
    assert published.stat().st_size > 5_000_000  # several megabytes
    code, report = validate(published, tmp_path)
    findings = report["findings"]
    assert isinstance(findings, list)
    assert code == 0, [f for f in findings if f["severity"] == "error"][:5]
    rules = {f["rule"] for f in findings}
    assert findings and all(f["severity"] == "warning" for f in findings)
    assert rules <= ADVICE, rules - ADVICE  # only jobmock's advice and the SHOULDs

    strict_code, strict = validate(published, tmp_path, "--ruleset", "strict")
    assert strict_code == 1
    strict_findings = strict["findings"]
    assert isinstance(strict_findings, list)
    assert len(strict_findings) == len(findings)  # the same findings, every one an error now
    assert all(f["severity"] == "error" for f in strict_findings)
