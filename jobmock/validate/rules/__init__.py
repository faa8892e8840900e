"""Every rule `jobmock validate` runs, registered by importing its module."""

from jobmock.validate.rules import (
    declarations,
    fixtures,
    operations,
    overlays,
    references,
    structure,
    values,
)
from jobmock.validate.rules.registry import RULES, Rule, rule, rules_for

__all__ = [
    "RULES",
    "Rule",
    "declarations",
    "fixtures",
    "operations",
    "overlays",
    "references",
    "rule",
    "rules_for",
    "structure",
    "values",
]
