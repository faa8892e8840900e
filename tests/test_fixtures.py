"""jobmock.fixtures: the rules that choose a new job's scenario, and where a broken one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmock import resources
from jobmock.errors import FixtureError
from jobmock.fixtures import load_fixture


def test_rules_choose_the_first_matching_scenario() -> None:
    fixture = load_fixture(resources.fixtures_dir() / "matcher.yaml")
    assert fixture.choose({"fileName": "settlements.csv"}).scenario == "completes"
    choice = fixture.choose({"fileName": "Bank_FAILED.csv"})
    assert (choice.scenario, choice.matched) == ("fails", ("Bank_FAILED.csv",))
    assert choice.rule is not None and choice.rule.test == "contains"
    assert fixture.choose({}).scenario == fixture.default_scenario


@pytest.mark.parametrize(
    ("match", "facts", "matched"),
    [
        (
            {"field": "files.filename", "contains": "fail"},
            {"files": [{"filename": "a_fail.pdf"}, {"filename": "b.pdf"}]},
            ("a_fail.pdf",),
        ),
        (
            {"field": "metadata.fileName", "pattern": "^err"},
            {"metadata": {"fileName": "ERR.csv"}},
            ("ERR.csv",),
        ),
        ({"field": "rows", "equals": 3}, {"rows": 3}, ("3",)),
        ({"field": "names", "contains": "x"}, {"names": ["ax", "b", "xy"]}, ("ax", "xy")),
        ({"field": "missing", "contains": "x"}, {"other": "x"}, ()),
    ],
)
def test_a_match_looks_through_paths_and_lists(
    tmp_path: Path, match: dict[str, object], facts: dict[str, object], matched: tuple[str, ...]
) -> None:
    fixture = fixture_with_rules(tmp_path, [{"match": match, "scenario": "fails"}])
    assert fixture.rules[0].matching(facts) == matched


def fixture_with_rules(tmp_path: Path, rules: list[dict[str, object]]) -> object:
    import yaml

    data = yaml.safe_load((resources.fixtures_dir() / "matcher.yaml").read_text())
    data["rules"] = rules
    path = tmp_path / "matcher.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_fixture(path)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"match": {"field": "fileName", "contains": "x"}, "scenario": "nope"}, "unknown scenario"),
        ({"match": {"field": "fileName", "pattern": "("}, "scenario": "fails"}, "invalid pattern"),
        ({"match": {"field": "fileName"}, "scenario": "fails"}, "rules/0/match"),
        (
            {"match": {"field": "f", "contains": "a", "equals": "b"}, "scenario": "fails"},
            "rules/0/match",
        ),
    ],
)
def test_a_broken_rule_names_its_place(
    tmp_path: Path, rule: dict[str, object], problem: str
) -> None:
    with pytest.raises(FixtureError, match=problem) as raised:
        fixture_with_rules(tmp_path, [rule])
    assert raised.value.line is not None
