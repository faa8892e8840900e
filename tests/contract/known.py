"""Failures the contract suite found in jobmock and that are not fixed yet, one line each.

Every check stays on: a failure listed here is still reported by every run, and the suite only
lets it pass because it is written down with where the fix belongs. Each bug is also pinned by a
request that reproduces it in `test_regressions.py` (strict xfail): once the fix lands that test
passes unexpectedly and fails the suite, and the entry here goes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from jobmock.contract import CheckFailure


@dataclass(frozen=True)
class KnownBug:
    api: str  # a glob: "*" for every API
    operation: str  # a glob: "*" for every operation, "POST *" for every POST
    check: str
    text: str  # a substring of the failure's message
    where: str  # where the fix belongs

    def matches(self, failure: CheckFailure) -> bool:
        return (
            fnmatchcase(failure.api, self.api)
            and fnmatchcase(failure.operation, self.operation)
            and self.check == failure.check
            and self.text in failure.message
        )


KNOWN_BUGS = [
    KnownBug(
        "matcher",
        "GET /v1/imports/contexts/{contextId}/jobs",
        "positive_data_acceptance",
        "",
        "Matcher's list route (in progress): a schema-valid `cursor` it cannot decode is 400; "
        "the overlay should say what a cursor is (a pattern) or the route accept it",
    ),
    KnownBug(
        "matcher",
        "POST /v1/imports/contexts/{contextId}/sources/{sourceId}/upload",
        "positive_data_acceptance",
        "",
        "Matcher's upload route: the served spec takes any binary `file`, the route refuses with "
        "400 what it cannot parse as the format (content rules the overlay does not state)",
    ),
    KnownBug(
        "gu1",
        "POST *",
        "positive_data_acceptance",
        "",
        "gu1's upload routes: the served spec takes any binary `file`, the routes refuse with "
        "400 a file they cannot read as CSV/XLSX (content rules the spec does not state)",
    ),
]


def known(failure: CheckFailure) -> KnownBug | None:
    return next((bug for bug in KNOWN_BUGS if bug.matches(failure)), None)
