"""What `jobmock validate` reports: findings (one problem, one place) and the report of a run.

A rule yields `Problem`s (a message and where in its document); the runner stamps each with the
rule's id and severity and turns the JSON Pointer into a file, line and column: a `Finding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from jobmock.documents.pointers import Pointer


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Position:
    """A place in an input file (1-based line and column; None when unknown)."""

    file: Path
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Problem:
    """What a rule yields: what is wrong and what to change, and where.

    `pointer` is a path into the rule's document, located at the value it names or, with `key`,
    at its key (the line to change when the key itself is the problem, or where to add under
    it); `position`, when a rule already knows the exact place (a parser error), wins over both.
    """

    message: str
    pointer: Pointer = ()
    key: bool = False
    position: Position | None = None
    severity: Severity | None = None  # None: the rule's default


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    file: Path
    line: int | None = None
    column: int | None = None
    pointer: str = ""  # RFC 6901 JSON Pointer into the document the rule checked

    @property
    def location(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.file), self.line or 0, self.column or 0, self.rule)


@dataclass
class Report:
    """Every finding of one run, and the files it read."""

    findings: list[Finding] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def exit_code(self, *, strict: bool = False) -> int:
        """0 clean, 1 on any error (or, with `strict`, any warning)."""
        return 1 if self.errors or (strict and self.warnings) else 0

    def sort(self) -> None:
        self.findings.sort(key=Finding.sort_key)
