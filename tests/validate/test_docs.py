"""docs/validate.md documents every rule with its severity, and every output format."""

from __future__ import annotations

import re
from pathlib import Path

from jobmock.validate.formats import FORMATS
from jobmock.validate.rules import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "validate.md"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", re.MULTILINE)


def test_every_rule_is_in_the_rules_table_with_its_severity() -> None:
    documented = dict(ROW.findall(DOC.read_text(encoding="utf-8")))
    assert documented == {rule.id: rule.severity.value for rule in RULES.values()}


def test_every_format_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [name for name in FORMATS if f"- `{name}`" not in text] == []


def test_every_validate_option_is_documented() -> None:
    import click

    from jobmock.cli import validate

    text = DOC.read_text(encoding="utf-8")
    options = [
        opt
        for param in validate.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    ]
    assert [opt for opt in options if opt not in text] == []
