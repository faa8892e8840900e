"""What a run leaves on a jobmock server it shares: only what it created, removed afterwards.

`jobmock contract --url` against a developer's running `jobmock serve` must not wipe their work.
Without `--reset`, such a server is shared: the run

- never calls the control operations that act on every job at once (`SERVER_WIDE`: reset, the
  clock, faults, the request journal); they are reported as skipped, and `--reset` runs them too;
- feeds generated cases only the jobs it created itself, so its transitions, deletes and polls
  (a poll moves a job under the poll clock) touch nothing else;
- remembers every id its own successful writes answered (bodies and `Location`), and at the end
  deletes the jobs that appeared during the run with one of those ids, and no other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Control operations that change every job or the whole server (schemathesis labels).
SERVER_WIDE: Mapping[str, str] = {
    "POST /reset": "deletes every job",
    "POST /clock": "moves every job's time",
    "PUT /faults": "changes every route's answers",
    "DELETE /faults": "clears faults someone else set",
    "DELETE /requests": "empties every client's request journal",
}
READS = frozenset({"GET", "HEAD", "OPTIONS"})
SKIPPED_REASON = "not run against a shared server ({why}); --reset runs it"


@dataclass
class Footprint:
    """Ids the run's own writes were answered with, and the jobs each API had before it."""

    before: dict[str, set[str]] = field(default_factory=dict)  # api -> job ids at the start
    answered: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, body: Any, location: str | None = None) -> None:
        """Every string or integer in `body`, and each path segment of a link among them or of a
        `Location` (an API may answer with the new job's page only)."""
        found: set[str] = set()
        for leaf in [*_leaves(body), *([location] if location else [])]:
            found.add(leaf)
            if "/" in leaf:
                found.update(s for s in urlsplit(leaf).path.split("/") if s)
        with self._lock:
            self.answered |= found

    def after_call(self, context: Any, case: Any, response: Any) -> None:
        """schemathesis `after_call` hook: a successful write may have created a job."""
        if case.method.upper() in READS or not 200 <= response.status_code < 300:
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        locations = response.headers.get("location") or [None]  # lowercased name -> values
        self.remember(body, locations[0])

    def created(self, api: str, now: Iterable[str]) -> list[str]:
        """Of the jobs `api` has now, those the run created."""
        before = self.before.get(api, set())
        return [job for job in now if job not in before and job in self.answered]


def _leaves(node: Any) -> Iterable[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
            yield str(item)
