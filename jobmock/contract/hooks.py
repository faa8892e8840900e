"""What jobmock adds to a schemathesis run: live ids in generated cases, and a tenant check.

- `LiveIds` is a `map_case` hook: random ids almost always answer "not found", which never
  exercises a 200 schema, so most positive cases get the path parameters of a job the server
  really has (round robin, deterministic); one in `ratio` keeps its random ids. Negative path
  parameters and stateful steps (whose ids come from OpenAPI links) are left alone.
- `tenant_isolation` is a check: a job read as the run's tenant is read again as every other
  identity the target has; another tenant that gets it is a failure. A route whose path names
  nothing (a caller's own list, SeekrFlow's `GET /v1/flow/alignment/ingestion/`) reads no one
  job, so it is not replayed. Schemathesis' own
  `object_level_authorization` only compares identities of a WFC document over listed or linked
  resources, which single-route status APIs do not have.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis.core.failures import Severity
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from jobmock.contract.targets import Identity, LiveJob, Target, path_parameters
from jobmock.internals.schemathesis import KeyedFailure, send_probe

FEEDABLE_PHASES = frozenset({TestPhase.EXAMPLES, TestPhase.COVERAGE, TestPhase.FUZZING})


class LiveIds:
    """`map_case` hook giving positive cases the path parameters of live jobs.

    The order gives each other tenant's job once (their 403/404), then walks every job of the
    run's tenant through its scenario (under the poll clock a poll moves a job one phase, so
    each job comes round as many times as its scenario has phases), then starts over.
    """

    def __init__(self, target: Target, ratio: int, protected: frozenset[str] = frozenset()) -> None:
        self.target = target
        self.ratio = max(1, ratio)
        self.protected = protected  # ids of jobs a shared server had before the run: never touched
        self.candidates: dict[str, list[dict[str, str]]] = {}
        self._counters: dict[str, int] = {}  # cases seen, per operation
        self._fed: dict[str, int] = {}  # cases given live ids, per operation
        self._lock = threading.Lock()

    def prepare(self, templates: list[tuple[str, list[str]]]) -> None:
        """`templates`: each operation's path (relative to the API prefix) and path parameters."""
        known = {job.id: self._job_parameters(job, templates) for job in self.target.jobs}
        for template, names in templates:
            if names:
                # the parameters a job shows (an upload route gets the context, not the source)
                plan = [
                    {name: known[job.id][name] for name in names if name in known[job.id]}
                    for job in self.walk()
                ]
                self.candidates[template] = [values for values in plan if values]

    def _job_parameters(
        self, job: LiveJob, templates: list[tuple[str, list[str]]]
    ) -> dict[str, str]:
        """Every path parameter value the job's status path shows (context, tenant, id...)."""
        if self.target.is_control:
            return {"api": job.api, "id": job.id}
        relative = job.status_path.removeprefix(self.target.prefix)
        found: dict[str, str] = {}
        for template, _ in templates:
            found.update(path_parameters(template, relative) or {})
        return found

    def walk(self) -> list[LiveJob]:
        """Jobs in feeding order (see the class docstring)."""
        owner = self.target.primary.tenant if self.target.primary else None
        own = [job for job in self.target.jobs if job.tenant == owner]
        phases = {job.id: len(self.target.scenarios.get(job.scenario, ())) or 1 for job in own}
        order = [
            job
            for turn in range(max(phases.values(), default=0))
            for job in own
            if turn < phases[job.id]
        ]
        return [job for job in self.target.jobs if job.tenant != owner] + order

    def __call__(self, context: Any, case: Any) -> Any:
        values = self.candidates.get(case.operation.path)
        meta = case.meta
        if case.method.upper() != case.operation.method.upper():
            return case  # an undeclared method (unsupported_method): it never reaches a job
        if not values or (
            meta is not None
            and (
                meta.phase.name not in FEEDABLE_PHASES
                or meta.is_negative_at(ParameterLocation.PATH)
            )
        ):
            return case
        label = case.operation.label
        theirs = any(str(v) in self.protected for v in (case.path_parameters or {}).values())
        with self._lock:
            n = self._counters.get(label, 0)
            self._counters[label] = n + 1
            if n % self.ratio == self.ratio - 1 and not theirs:
                return case
            fed = self._fed.get(label, 0)
            self._fed[label] = fed + 1
        case.path_parameters = {**case.path_parameters, **values[fed % len(values)]}
        return case


class TenantLeak(KeyedFailure):
    """Another tenant's credentials read a job."""

    code = "JM401"
    checks = ("tenant_isolation",)
    kind_title = "Another tenant read this job"

    def __init__(self, *, operation: str, message: str, case_id: str | None = None) -> None:
        super().__init__(
            operation=operation, message=message, case_id=case_id, severity=Severity.CRITICAL
        )

    @property
    def unique_key(self) -> str:
        return self.message


Probe = Callable[[str, str, Identity, int, Any], None]  # operation, path, identity, status, body


@dataclass
class Isolation:
    """What `tenant_isolation` needs for one schema: the target and where to report probes."""

    target: Target
    on_probe: Probe
    probed: set[tuple[str, str]] = field(default_factory=set)


_ACTIVE: dict[int, Isolation] = {}
_ACTIVE_LOCK = threading.Lock()


def activate(schema: Any, isolation: Isolation) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE[id(schema)] = isolation


def deactivate(schema: Any) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE.pop(id(schema), None)


@schemathesis.check
def tenant_isolation(ctx: Any, response: Any, case: Any) -> bool | None:
    """A job one tenant reads is not readable with another tenant's credentials."""
    isolation = _ACTIVE.get(id(case.operation.schema))
    if isolation is None or case.method.upper() != "GET" or not 200 <= response.status_code < 300:
        return None
    if "{" not in case.operation.path:  # the caller's own collection: every tenant has one
        return None
    target = isolation.target
    owner = target.primary
    if owner is None or owner.tenant is None:
        return None
    path = case.formatted_path
    for identity in target.identities[1:]:
        key = (path, identity.name)
        if key in isolation.probed:
            continue
        isolation.probed.add(key)
        probe = case.derive()
        for name in owner.headers:
            probe.headers.pop(name, None)
        probe.headers.update(identity.headers)
        answer = send_probe(ctx, case, probe)
        body = _json(answer)
        sent = _path(answer.request.url)
        isolation.on_probe(case.operation.label, sent, identity, answer.status_code, body)
        if identity.tenant != owner.tenant and 200 <= answer.status_code < 300:
            raise TenantLeak(
                operation=case.operation.label,
                message=f"`{identity.name}` (tenant {identity.tenant}) got {answer.status_code} for "
                f"GET {path}, a job of tenant {owner.tenant}",
                case_id=probe.id,
            )
    return None


def _path(url: Any) -> str:
    return urlsplit(str(url or "")).path


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
