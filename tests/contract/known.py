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


# Empty: every failure the suite found is fixed. Schema-valid content an operation refuses for a
# reason no schema can state (a file that does not parse, a cursor the server never issued) is
# not a bug: the overlays mark that documented answer `x-jobmock-content-refusal` (see
# jobmock.contract.schemas).
KNOWN_BUGS: list[KnownBug] = []


def known(failure: CheckFailure) -> KnownBug | None:
    return next((bug for bug in KNOWN_BUGS if bug.matches(failure)), None)
