"""Rulesets, severities, the config file (jobmock.yaml, pyproject.toml) and `--list-rules`."""

from __future__ import annotations

import re
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobmock.cli import main
from jobmock.validate import Severity, ValidateOptions, validate_paths
from jobmock.validate.configuration import RULESETS, Settings, load_settings, rules_table
from jobmock.validate.rules import RULES
from tests.validate.expectations import CORPUS

SECURITY = CORPUS / "specs" / "security-no-401.yaml"
NO_SCHEMA = CORPUS / "specs" / "response-no-schema.yaml"
DOC = Path(__file__).resolve().parents[2] / "docs" / "validate.md"


def invoke(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    """The command, run from `cwd` (the config is looked up from there)."""
    with chdir(cwd):
        result = CliRunner().invoke(main, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_advice_is_a_warning_and_a_valid_document_exits_0(tmp_path: Path) -> None:
    code, out, _ = invoke(SECURITY.resolve(), cwd=tmp_path)
    assert code == 0
    assert out.count("warning [security-no-401]") == 2
    assert out.endswith("0 errors, 2 warnings in 1 file\n")


def test_strict_ruleset_gives_the_errors_back(tmp_path: Path) -> None:
    code, out, err = invoke("--ruleset", "strict", SECURITY.resolve(), cwd=tmp_path)
    assert code == 1
    assert out.count("error [security-no-401]") == 2
    assert err == "jobmock: validate found 2 error(s), 0 warning(s)\n"


def test_minimal_ruleset_turns_the_advice_off(tmp_path: Path) -> None:
    code, out, _ = invoke("--ruleset", "minimal", SECURITY.resolve(), cwd=tmp_path)
    assert code == 0
    assert out == "1 file checked, no problems\n"


def test_jobmock_yaml_is_found_from_the_working_directory_up(tmp_path: Path) -> None:
    (tmp_path / "jobmock.yaml").write_text(
        "validate:\n  rules:\n    security-no-401: error\n", encoding="utf-8"
    )
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    code, out, _ = invoke(SECURITY.resolve(), cwd=below)
    assert code == 1
    assert out.count("error [security-no-401]") == 2


def test_override_applies_to_the_files_its_glob_matches(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("vendor-a.yaml", "ours.yaml"):
        (specs / name).write_text(SECURITY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "jobmock.yaml").write_text(
        "validate:\n"
        "  ruleset: strict\n"
        "  overrides:\n"
        "    - files: specs/vendor-*.yaml\n"
        "      rules: {security-no-401: off}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("specs", cwd=tmp_path)
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines()[:-1]} == {"specs/ours.yaml"}


def test_pyproject_table_sets_ruleset_and_levels(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.jobmock.validate]\nruleset = "minimal"\n'
        'rules = { response-no-schema = "on" }\n',
        encoding="utf-8",
    )
    code, out, _ = invoke(NO_SCHEMA.resolve(), cwd=tmp_path)
    assert code == 0
    assert "warning [response-no-schema]" in out
    assert invoke(SECURITY.resolve(), cwd=tmp_path)[1] == "1 file checked, no problems\n"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "jobmock.yaml").write_text("validate: {ruleset: strict}\n", encoding="utf-8")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "pyproject.toml").write_text("[project]\nname = 'x'\n", "utf-8")
    assert load_settings(None, None, tmp_path / "inner").ruleset == "strict"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "validate:\n  rules:\n    security-no-410: off\n",
            "jobmock.yaml:3:5: unknown rule 'security-no-410' (did you mean 'security-no-401'?)",
        ),
        (
            "validate:\n  rules:\n    enum-duplicate: loud\n",
            "jobmock.yaml:3:21: enum-duplicate: 'loud' is not a level (error, warning, off or on)",
        ),
        (
            "validate:\n  rulset: strict\n",
            "jobmock.yaml:2:3: unknown key 'rulset' (allowed: ruleset, rules, overrides)",
        ),
        (
            "validate:\n  ruleset: lax\n",
            "jobmock.yaml:2:12: unknown ruleset 'lax' (recommended, strict, minimal)",
        ),
    ],
    ids=["unknown-rule", "bad-level", "unknown-key", "unknown-ruleset"],
)
def test_a_bad_config_is_one_line_and_exit_2(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "jobmock.yaml").write_text(config, encoding="utf-8")
    code, out, err = invoke(SECURITY.resolve(), cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"jobmock: {tmp_path / message}\n"


def test_list_rules_prints_the_table_the_docs_show(tmp_path: Path) -> None:
    code, out, _ = invoke("--list-rules", cwd=tmp_path)
    assert code == 0
    shown = re.search(
        r"<!-- list-rules -->\n(.*?)<!-- /list-rules -->", DOC.read_text("utf-8"), re.S
    )
    assert shown is not None and out == shown.group(1)
    assert [line.split("`")[1] for line in out.splitlines()[2:]] == sorted(
        RULES, key=lambda r: [line.split("`")[1] for line in out.splitlines()[2:]].index(r)
    )
    assert len(out.splitlines()) == len(RULES) + 2


def test_list_rules_shows_the_ruleset_and_config_levels(tmp_path: Path) -> None:
    (tmp_path / "jobmock.yaml").write_text(
        "validate:\n  rules: {example-invalid: warning}\n", "utf-8"
    )
    _, out, _ = invoke("--list-rules", "--ruleset", "minimal", cwd=tmp_path)
    assert "| `security-no-401` | off |" in out
    assert "| `example-invalid` | warning |" in out
    assert "| `oas-structure` | error |" in out


WORDS = st.sampled_from(["error", "warning", "off", "on"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ruleset=st.sampled_from(sorted(RULESETS)),
    words=st.dictionaries(st.sampled_from(["security-no-401", "response-no-schema"]), WORDS),
)
def test_levels_only_filter_and_restamp_the_findings(ruleset: str, words: dict[str, str]) -> None:
    """Whatever the config says, a run reports exactly the strict run's findings whose rule is
    not off, each at the level the settings give its rule."""
    path = CORPUS / "specs" / "ignore-inline.yaml"
    every = validate_paths([path], ValidateOptions(ruleset="strict"))
    chosen = Settings(ruleset=ruleset, rules=words)
    expected = []
    for finding in every.findings:
        level = chosen.level(RULES[finding.rule], Path(finding.file))
        if level is not None:
            expected.append((finding.rule, finding.line, level))
    options = ValidateOptions(config=_config(words, ruleset))
    got = [(f.rule, f.line, f.severity) for f in validate_paths([path], options).findings]
    assert got == expected
    if ruleset == "strict" and not words:
        assert {severity for *_, severity in got} == {Severity.ERROR}


def _config(words: dict[str, str], ruleset: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="jobmock-config-"))
    lines = [f"    {rule}: {word}" for rule, word in words.items()]
    body = f"validate:\n  ruleset: {ruleset}\n  rules:" + (
        "\n" + "\n".join(lines) if lines else " {}"
    )
    (folder / "jobmock.yaml").write_text(body + "\n", encoding="utf-8")
    return folder / "jobmock.yaml"


def test_rules_table_default_is_every_rule_at_its_default_severity() -> None:
    table = rules_table(Settings())
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity.value} |" in table
