"""Fixtures: well-formed, in the vocabulary of their API's spec, and rendering valid bodies.

The status vocabulary is found in the served spec itself: the `status` property (searched through
`properties`, `$ref`, `allOf`/`oneOf`/`anyOf`) of the 200 JSON body of a GET operation; when
several operations have one, the one whose enum holds most of the fixture's statuses is the job
status operation. Rendering runs `handlers/<api>.py`'s `render(view)` on a job of every scenario
(and every seed job) in each of its phases, at a fixed mock time so runs repeat.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobmock.documents.pointers import Pointer
from jobmock.fixtures.loading import Fixture, Tenant
from jobmock.model.lifecycle import Job
from jobmock.validate.documents import FixtureDocument, Kind, SpecDocument
from jobmock.validate.findings import Position, Problem, Severity
from jobmock.validate.openapi import Node, Operation, deref, mapping, operations, responses
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import SchemaSet, describe

if TYPE_CHECKING:
    from jobmock.engine.handlers import Handlers

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: the mock time rendered jobs are created at


@rule(
    "fixture-invalid",
    Severity.ERROR,
    Kind.FIXTURE,
    catches="the fixture file is malformed: unknown key, bad duration, unknown tenant or scenario, "
    "a status outside the file's own `statuses`, a lifecycle going backwards; a project "
    "fixture's `binding` that does not fit its document",
    fix="follow the message (it is the error `jobmock serve` would stop on)",
)
def malformed(doc: FixtureDocument) -> Iterator[Problem]:
    if doc.error is not None:
        error = doc.error
        yield Problem(error.message, position=Position(doc.path, error.line, error.column))


@rule(
    "fixture-spec-missing",
    Severity.WARNING,
    Kind.FIXTURE,
    catches="no OpenAPI document for the fixture's `api`, so its statuses and rendered bodies "
    "cannot be checked against a spec",
    fix="name an API that has a spec: `<api>.yaml` in the `specs/` folder beside the fixture's "
    "folder, or among jobmock's own",
)
def spec_missing(doc: FixtureDocument) -> Iterator[Problem]:
    if doc.api is not None and doc.spec is None:
        yield Problem(
            f"no OpenAPI document for API {doc.api!r} (expected specs/{doc.api}.yaml)", ("api",)
        )


@dataclass(frozen=True)
class StatusOperation:
    operation: Operation
    schema_pointer: Pointer  # the 200 JSON body's schema
    values: tuple[Any, ...]  # what its `status` allows


def _enum(document: dict[str, Any], node: Node) -> list[Any]:
    node = deref(document, node)
    schema = mapping(node.value)
    values: list[Any] = list(schema["enum"]) if isinstance(schema.get("enum"), list) else []
    if "const" in schema:
        values.append(schema["const"])
    for key in ("oneOf", "anyOf", "allOf"):
        for index, sub in enumerate(schema.get(key) or ()):
            values += _enum(document, Node((*node.pointer, key, index), sub))
    return values


def _status_values(document: dict[str, Any], root: Node) -> list[Any]:
    """The values the first (shallowest) `status` property under `root` allows."""
    queue, seen = [root], set()
    while queue:
        node = deref(document, queue.pop(0))
        if node.pointer in seen or not isinstance(node.value, dict):
            continue
        seen.add(node.pointer)
        properties = mapping(node.value.get("properties"))
        if "status" in properties:
            status = Node((*node.pointer, "properties", "status"), properties["status"])
            values = _enum(document, status)
            if values:
                return values
        for name, sub in properties.items():
            queue.append(Node((*node.pointer, "properties", name), sub))
        for key in ("allOf", "oneOf", "anyOf"):
            for index, sub in enumerate(node.value.get(key) or ()):
                queue.append(Node((*node.pointer, key, index), sub))
    return []


def status_operation(spec: SpecDocument, statuses: list[str]) -> StatusOperation | None:
    """The GET operation whose 200 body's `status` enum best covers `statuses`."""
    best: tuple[tuple[int, bool], StatusOperation] | None = None
    for operation in operations(spec.document):
        if operation.method != "get":
            continue
        ok = responses(spec.document, operation).get("200")
        for media, media_type in mapping(mapping(ok.value if ok else None).get("content")).items():
            if "json" not in media or "schema" not in mapping(media_type):
                continue
            pointer = (*ok.pointer, "content", media, "schema") if ok else ()
            values = _status_values(spec.document, Node(pointer, media_type["schema"]))
            if values:
                candidate = StatusOperation(operation, pointer, tuple(values))
                score = (sum(s in values for s in statuses), operation.path.endswith("}"))
                if best is None or score > best[0]:
                    best = (score, candidate)
    return best[1] if best else None


@rule(
    "fixture-status-undeclared",
    Severity.ERROR,
    Kind.FIXTURE,
    catches="a status in the fixture's `statuses` is not in the `status` enum of its API's served "
    "spec: the mock would answer with a value the contract forbids",
    fix="use the API's own spelling (case included), or declare the value in the spec's overlay",
)
def undeclared_statuses(doc: FixtureDocument) -> Iterator[Problem]:
    if doc.fixture is None or doc.spec is None:
        return
    statuses = [*doc.fixture.statuses.order, *doc.fixture.statuses.terminal]
    found = status_operation(doc.spec, statuses)
    if found is None:
        return
    allowed = ", ".join(map(str, found.values))
    for group in ("order", "terminal"):
        for index, status in enumerate(getattr(doc.fixture.statuses, group)):
            if status not in found.values:
                yield Problem(
                    f"status {status!r} is not declared by {doc.spec.path.name}: "
                    f"{found.operation.label} answers `status` in [{allowed}]; use one of those "
                    "or declare it in the overlay",
                    ("statuses", group, index),
                )


def _jobs(fixture: Fixture, handlers: Handlers) -> Iterator[tuple[Pointer, str, Job, Tenant, bool]]:
    """(where, label, job, tenant, per_phase): a new job of every scenario, then the seed jobs."""
    defaults = mapping(fixture.defaults.get("fields"))
    for index, name in enumerate(fixture.scenarios):
        tenant = fixture.tenant(None)
        fields: Mapping[str, Any] = {**defaults, **fixture.scenario_fields.get(name, {})}
        rng = random.Random(f"jobmock-validate:{fixture.api}:{name}")
        job_id, fields = handlers.new_job(index + 1, rng, tenant, dict(fields), EPOCH)
        yield (
            ("scenarios", index),
            f"scenario {name!r}",
            Job(fixture.api, str(job_id), tenant.name, name, EPOCH, fields),
            tenant,
            True,
        )
    for index, seed in enumerate(fixture.jobs):
        fields = {**fixture.scenario_fields.get(seed.scenario, {}), **seed.fields}
        job = Job(fixture.api, seed.id, seed.tenant, seed.scenario, EPOCH, fields)
        yield ("jobs", index), f"job {seed.id!r}", job, fixture.tenants[seed.tenant], False


def _render(handlers: Handlers, fixture: Fixture, job: Job, tenant: Tenant, phase: int) -> Any:
    from jobmock.engine.mock import JobView
    from jobmock.model.lifecycle import render

    scenario = fixture.scenarios[job.scenario]
    seconds = scenario.phases[phase].seconds
    t = job.created_at + scenario.offsets[phase] + (seconds / 2 if seconds else 1.0)
    view = JobView(job, scenario, render(job, scenario, fixture.statuses, t), tenant, t)
    return handlers.render(view)


@rule(
    "fixture-render-invalid",
    Severity.ERROR,
    Kind.FIXTURE,
    catches="a scenario (or seed job), in one of its phases, renders through `handlers/<api>.py` "
    "into a body that breaks the status operation's 200 schema, or does not render at all",
    fix="give the jobs the fields the schema needs (`defaults.fields`, scenario or job `fields`), "
    "or fix the handler's `render`",
)
def render_invalid(doc: FixtureDocument) -> Iterator[Problem]:
    fixture, spec = doc.fixture, doc.spec
    if fixture is None or spec is None or doc.handlers is None:
        return
    found = status_operation(spec, [*fixture.statuses.order, *fixture.statuses.terminal])
    if found is None:
        return
    from jobmock.engine.handlers import load_handlers

    handler = f"handlers/{doc.handlers.name}"
    try:
        with (
            warnings.catch_warnings()
        ):  # what the handler's imports warn about is not the fixture's
            warnings.simplefilter("ignore")
            handlers = load_handlers(fixture.api, doc.handlers.parent, need=("render",))
    except Exception as exc:
        yield Problem(f"cannot import {handler}: {type(exc).__name__}: {exc}", ("api",))
        return
    checker = SchemaSet(spec.document, spec.version)
    target = f"{found.operation.label} 200"
    try:
        cases = list(_jobs(fixture, handlers))
    except Exception as exc:
        yield Problem(f"{handler} new_job() raised {type(exc).__name__}: {exc}", ("api",))
        return
    for where, label, job, tenant, per_phase in cases:
        failures: list[tuple[int, str]] = []
        for phase, step in enumerate(fixture.scenarios[job.scenario].phases):
            try:
                body = _render(handlers, fixture, job, tenant, phase)
            except Exception as exc:
                failures.append(
                    (phase, f"{step.status}: {handler} render() raised {type(exc).__name__}: {exc}")
                )
                continue
            errors = checker.errors(found.schema_pointer, body)
            if errors:
                failures.append(
                    (
                        phase,
                        f"{step.status}: the body does not match {target}, {describe(errors[0])}",
                    )
                )
        if failures:
            phase, first = failures[0]
            also = ", ".join(str(p) for p, _ in failures[1:])
            others = f" (also phases {also})" if also else ""
            yield Problem(
                f"{label}, phase {phase} {first}{others}; give the job the fields the schema needs "
                f"or fix {handler}",
                (*where, "phases", phase) if per_phase else where,
            )
