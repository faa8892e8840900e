"""What a run reached: (operation, status code, job status) observations, and the gaps.

`gaps()` lists every declared status code an operation never answered with and every phase of
every scenario whose status no 2xx body showed, less what the caller excludes (with a reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, order=True)
class Observation:
    api: str
    operation: str  # "GET /v1/jobs/{id}", as schemathesis labels it
    status_code: int
    job_status: str | None = None
    scenario: str | None = None


@dataclass
class Observations:
    seen: set[Observation] = field(default_factory=set)

    def add(self, observation: Observation) -> None:
        self.seen.add(observation)

    def update(self, other: Observations) -> None:
        self.seen |= other.seen

    def codes(self, api: str, operation: str) -> set[int]:
        return {o.status_code for o in self.seen if o.api == api and o.operation == operation}

    def states(self, api: str) -> set[tuple[str, str]]:
        """(scenario, job status) pairs shown by a 2xx body."""
        return {
            (o.scenario, o.job_status)
            for o in self.seen
            if o.api == api and o.scenario and o.job_status and 200 <= o.status_code < 300
        }


def declared_codes(document: Mapping[str, Any]) -> dict[str, set[int]]:
    """Operation label -> the status codes its responses declare (`default` and `4XX` aside)."""
    found: dict[str, set[int]] = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                codes = {
                    int(code) for code in operation.get("responses", {}) if str(code).isdigit()
                }
                found[f"{method.upper()} {path}"] = codes
    return found


@dataclass(frozen=True)
class Gap:
    api: str
    what: str  # "GET /jobs/{id} never answered 403" / "scenario fails never showed FAILED"

    def __str__(self) -> str:
        return f"{self.api}: {self.what}"


def gaps(
    api: str,
    document: Mapping[str, Any],
    scenarios: Mapping[str, Iterable[str]],
    observations: Observations,
    excluded: Mapping[tuple[str, str, int], str] | None = None,
) -> list[Gap]:
    """What `api` declares or scenarios promise that no observation shows.

    `excluded` maps (api, operation, status code) to the reason the mock can never answer it.
    """
    excluded = excluded or {}
    missing: list[Gap] = []
    for operation, codes in sorted(declared_codes(document).items()):
        seen = observations.codes(api, operation)
        for code in sorted(codes - seen):
            if (api, operation, code) not in excluded:
                missing.append(Gap(api, f"{operation} never answered {code}"))
    states = observations.states(api)
    for scenario, phases in scenarios.items():
        for status in dict.fromkeys(phases):
            if (scenario, status) not in states:
                missing.append(Gap(api, f"scenario {scenario!r} never showed status {status!r}"))
    return missing
