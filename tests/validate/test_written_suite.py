"""Our own pass/fail suite for OpenAPI 3.1, written from the specification's text: every `pass`
document exits 0 with the default ruleset, every `fail` document is refused by exactly the error
rules it names.

No package registry CI reaches ships the OpenAPI Initiative's `tests/schema` documents (Debian's
`openapi-specification` has the specification text and the 3.0 schema, npm's schema packages and
PyPI's validators ship neither `pass/` nor `fail/`), so `oas31/` is written here, each document by
us; `test_oai_suite.py` still runs the OAI's own where a checkout is named. Each document opens
with the sentence of the specification it tests (`# OpenAPI 3.1.0, <where>: "<quote>"`), and the
quote is checked against the text Debian's `openapi-specification` installs, so a citation cannot
drift from the specification.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jobmock.validate import ValidateOptions, validate_paths
from tests.requirements import require

SUITE = Path(__file__).parent / "oas31"
PASS = sorted((SUITE / "pass").glob("*.yaml"))
FAIL = sorted((SUITE / "fail").glob("*.yaml"))
SPEC_TEXT = Path("/usr/share/openapi-specification/versions/3.1.0.md")  # Debian's package

_CITE = re.compile(r'# OpenAPI 3\.1\.0, ([^:]+): "(.*)"$')
_REFUSED = re.compile(r"# refused by: (.+)$")

# Rules jobmock does not have yet: the document is refused by the specification's text, and
# jobmock misses it (a strict xfail turns into a failure the day a rule catches it).
MISSED: dict[str, str] = {}


def _header(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def citations(path: Path) -> list[tuple[str, str]]:
    return [m.groups() for line in _header(path) if (m := _CITE.match(line))]  # type: ignore[misc]


def refused_by(path: Path) -> set[str]:
    for line in _header(path):
        if match := _REFUSED.match(line):
            return {rule.strip() for rule in match.group(1).split(",")}
    raise AssertionError(f"{path.name}: a fail document names its rules (`# refused by: ...`)")


def normalized(markdown: str) -> str:
    """The specification's Markdown as read: no anchors, links as their text, no emphasis."""
    text = re.sub(r"<a name=\"[^\"]*\"></a>", "", markdown)
    text = re.sub(r"\[([^\[\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("\\|", "|").replace("**", "").replace("`", "").replace("_not_", "not")
    return re.sub(r"\s+", " ", text)


def _errors(path: Path) -> set[str]:
    report = validate_paths([path], ValidateOptions())
    return {f.rule for f in report.errors}


@pytest.mark.parametrize("path", PASS, ids=[p.name for p in PASS])
def test_pass_documents_exit_0(path: Path) -> None:
    assert _errors(path) == set()


_FAIL_CASES = [
    pytest.param(p, marks=pytest.mark.xfail(reason=MISSED[p.name], strict=True))
    if p.name in MISSED
    else p
    for p in FAIL
]


@pytest.mark.parametrize("path", _FAIL_CASES, ids=[p.name for p in FAIL])
def test_fail_documents_are_refused_by_their_rules(path: Path) -> None:
    assert _errors(path) == refused_by(path)


def test_the_suite_has_both_kinds() -> None:
    assert len(PASS) >= 10 and len(FAIL) >= 10


@pytest.mark.parametrize(
    "path", PASS + FAIL, ids=[f"{p.parent.name}/{p.name}" for p in PASS + FAIL]
)
def test_every_document_cites_the_specification_word_for_word(path: Path) -> None:
    cited = citations(path)
    assert cited, f"{path.name} cites no sentence of the specification"
    require(SPEC_TEXT.is_file(), f"{SPEC_TEXT} is missing (apt-get install openapi-specification)")
    text = normalized(SPEC_TEXT.read_text(encoding="utf-8"))
    assert [quote for _, quote in cited if normalized(quote) not in text] == []


def test_missed_names_only_fail_documents() -> None:
    assert set(MISSED) <= {p.name for p in FAIL}
