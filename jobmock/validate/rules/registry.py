"""The rule registry: stable rule id -> what the rule checks, its default severity, its function.

A rule is a plain function taking one checked document (of the kind it is registered for) and
yielding `Problem`s; the runner adds the id, the severity and the file position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from jobmock.validate.documents import FixtureDocument, Kind, OverlayDocument, SpecDocument
from jobmock.validate.findings import Problem, Severity

D = TypeVar("D", SpecDocument, OverlayDocument, FixtureDocument)
Check = Callable[[D], Iterator[Problem]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    kind: Kind
    catches: str  # one line: what it reports
    fix: str  # one line: how to make it go away
    check: Callable[[Any], Iterator[Problem]]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, kind: Kind, *, catches: str, fix: str
) -> Callable[[Check[D]], Check[D]]:
    """Register the decorated function as rule `rule_id`."""

    def register(check: Check[D]) -> Check[D]:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, kind, catches, fix, check)
        return check

    return register


def rules_for(kind: Kind) -> list[Rule]:
    return [r for r in RULES.values() if r.kind is kind]
