"""`jobmock init SPEC [--out FOLDER]`: a project folder for a user's document, and what was found.

The folder holds a copy of the document (bundled into one file when it `$ref`s others) and
`fixture.yaml`: the binding of the best upload-then-poll pair (`jobmock.polling.detect`), the
status property's values as statuses, one scenario per terminal value, and one tenant holding the
development credential of every security scheme (`jobmock.stateless.credentials`). What could not
be decided is written as `FILL-IN` under its key and listed, so `jobmock serve` and `jobmock
validate` point at the line to edit; with no pair at all the binding is written commented out, and
the folder serves the document stateless (with the fixture's tenants) until it is filled in.
The written folder is loaded once before `init` reports success, so what it writes is what
`serve` accepts.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import encode_pointer
from jobmock.errors import SetupError
from jobmock.http.auth import SCHEME_ATTRIBUTE, scheme_kind
from jobmock.polling.detect import Found, Pair, find, outcomes
from jobmock.polling.project import FIXTURE_FILE
from jobmock.stateless.credentials import (
    DEV_TENANT,
    credential_header,
    dev_credential,
    scheme_order,
    schemes,
)

FILL_IN = "FILL-IN"
FIRST_SECONDS = 2.0  # the first phase (queued, pending...): a short wait
LATER_SECONDS = 10.0  # every later non-terminal phase
FAILED_PROGRESS = 0.5  # where progress stops in a scenario that does not succeed


@dataclass
class Plan:
    """What init writes, and what it says."""

    api: str
    found: Found
    lines: list[str] = field(default_factory=list)  # the fixture, as text
    said: list[str] = field(default_factory=list)  # the report
    todo: list[str] = field(default_factory=list)  # keys to fill in, with what goes there


PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")
RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _flow(value: Any) -> str:
    """A YAML flow value: plain words unquoted, anything else as JSON (which YAML reads)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and PLAIN.fullmatch(value) and value.lower() not in RESERVED:
        return value
    return json.dumps(value)


def _name(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-") or "scenario"


def _binding(plan: Plan, pair: Pair | None) -> None:
    lines = plan.lines
    lines.append("binding:")
    if pair is None:
        plan.todo += [
            "binding/create/operation: the operationId of the POST or PUT that starts a job",
            "binding/create/id: where its answer carries the id ({body: /id}, {header: Location}"
            " or {link: NAME})",
            "binding/status/operation and parameter: the GET that reports the job, and its path"
            " parameter taking the id",
        ]
        create, status, parameter, place, at = FILL_IN, FILL_IN, FILL_IN, "body", "/id"
    else:
        create, status = str(pair.create.operation_id), str(pair.status.operation_id)
        parameter, place, at = pair.parameter, pair.id_place, pair.id_at
    lines += [
        "  create:",
        f"    operation: {_flow(create)}",
        f"    id: {{{place}: {_flow(at)}}}",
        "  status:",
        f"    operation: {_flow(status)}",
        f"    parameter: {_flow(parameter)}",
    ]
    prop = pair.prop if pair is not None else None
    if prop is None:
        lines.append(f"    property: {FILL_IN}")
        plan.todo.append(
            "binding/status/property: a JSON pointer to the status in the status answer (and"
            " `statuses` its values)"
        )
    else:
        lines.append(f"    property: {_flow(prop.text)}")
        lines.append(f"  outcomes: {_flow(outcomes(prop.terminal))}")
    if pair is not None and pair.progress:
        lines.append("  counters: {progress: 100}")
        if pair.progress[0] != ("progress",):
            lines.append(f"  fields: {{{_flow(encode_pointer(pair.progress[0]))}: progress}}")


def _statuses(plan: Plan, pair: Pair | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prop = pair.prop if pair is not None else None
    order, terminal = (prop.order, prop.terminal) if prop else (("running",), ("done",))
    if not order:
        order = ("running",)
        plan.todo.append("statuses/order: the status has no value before it finishes")
    plan.lines += [
        "statuses:",
        f"  order: {_flow(list(order))}",
        f"  terminal: {_flow(list(terminal))}",
    ]
    return order, terminal


def _scenarios(
    plan: Plan, pair: Pair | None, order: tuple[str, ...], terminal: tuple[str, ...]
) -> list[str]:
    ends = outcomes(terminal)
    success = [t for t in terminal if ends[t] == "success"]
    default = success[0] if success else terminal[0]
    plan.lines += [f"default_scenario: {_flow(_name(default))}", "scenarios:"]
    counted = pair is not None and bool(pair.progress)
    for end in terminal:
        plan.lines += [f"  - name: {_flow(_name(end))}", "    phases:"]
        for index, status in enumerate(order):
            seconds = FIRST_SECONDS if index == 0 and len(order) > 1 else LATER_SECONDS
            phase: dict[str, Any] = {"status": status, "seconds": seconds}
            if counted and index == len(order) - 1:
                phase["progress"] = {"progress": 1 if ends[end] == "success" else FAILED_PROGRESS}
            plan.lines.append(f"      - {_flow(phase)}")
        plan.lines.append(f"      - {{status: {_flow(end)}}}")
    return [_name(t) for t in terminal]


def _tenants(plan: Plan, document: dict[str, Any]) -> list[str]:
    """One tenant, `dev`, with a credential for every scheme: a job is one caller's whichever
    documented credential it sends (a tenant per scheme made a job created with an API key
    invisible, 404, to the same caller polling with its bearer token)."""
    declared = schemes(document)
    plan.lines.append("tenants:")
    if not declared:
        plan.lines += [
            f"  - name: {DEV_TENANT}",
            "    description: the document declares no security; any caller is this tenant",
            "    credentials:",
            f"      - value: {_flow(f'dev-{plan.api}')}",
        ]
        return [f"{DEV_TENANT} (no security declared)"]
    plan.lines += [
        f"  - name: {DEV_TENANT}",
        "    description: signs in with any of the document's security schemes (one credential"
        " each); its jobs answer to all of them",
        "    credentials:",
    ]
    said = []
    for name in scheme_order(document):
        scheme = declared[name]
        value = dev_credential(plan.api, name, scheme)
        plan.lines += [
            f"      - value: {_flow(value)}",
            f"        attributes: {_flow({SCHEME_ATTRIBUTE: scheme_kind(scheme)})}",
        ]
        header = credential_header(plan.api, name, scheme)
        shown = ", ".join(f"{k}: {v}" for k, v in header.items()) or value
        said.append(f"{name} ({shown})")
    return [f"{DEV_TENANT}, by any scheme: {', '.join(said)}"]


def plan_for(document: dict[str, Any], api: str, source: str) -> Plan:
    plan = Plan(api, find(document))
    pair = plan.found.best
    plan.lines += [
        f"# Written by `jobmock init {source}`: edit it, then `jobmock serve` this folder.",
        f"api: {_flow(api)}",
    ]
    start = len(plan.lines)
    _binding(plan, pair)
    if pair is None:  # nothing to bind: the folder serves the document stateless until it is
        plan.lines[start:] = [f"# {line}" for line in plan.lines[start:]]
        plan.lines.insert(start, "# no upload-then-poll pair was found: fill in and uncomment")
    order, terminal = _statuses(plan, pair)
    names = _scenarios(plan, pair, order, terminal)
    tenants = _tenants(plan, document)
    if pair is not None:
        plan.said.append(
            f"  jobs      {pair.create.label} starts a job; {pair.status.label} reports it"
        )
        plan.said.append(
            f"            the id: {pair.how} {pair.id_at} of its {pair.code} answer ->"
            f" {{{pair.parameter}}}"
        )
        for other in plan.found.pairs[1:]:
            plan.said.append(f"            also: {other.create.label} -> {other.status.label}")
    else:
        plan.said.append("  jobs      no POST or PUT answers an id that a GET's path takes")
    for operation in plan.found.unnamed:
        plan.said.append(f"            {operation.label} could be bound once it has an operationId")
    if pair is not None and pair.prop is not None:
        plan.said.append(
            f"  status    {pair.prop.text} of {pair.status.operation_id}'s answer:"
            f" {', '.join(order)} -> {' | '.join(terminal)}"
        )
    plan.said.append(f"  scenarios {', '.join(names)} (default: {names[0] if names else '-'})")
    plan.said.append(f"  tenants   {'; '.join(tenants)}")
    if pair is not None and pair.progress:
        plan.said.append(f"  progress  {encode_pointer(pair.progress[0])} (counter progress)")
    return plan


def init(spec: Path, out: Path | None) -> str:
    """Write the project folder for `spec`; the report `jobmock init` prints."""
    from jobmock.documents.bundle import Bundler, refs
    from jobmock.documents.reader import read
    from jobmock.errors import SpecError
    from jobmock.polling.project import load_project
    from jobmock.stateless.documents import api_name, load_document

    name = api_name(spec)
    served = load_document(spec, name)  # refuses what cannot be served: file:line, exit 2
    folder = out if out is not None else Path(name)
    if (folder / FIXTURE_FILE).exists():
        raise SetupError(
            f"{folder / FIXTURE_FILE} exists already; edit it, or --out another folder"
        )
    loaded = read(spec, SpecError)
    external = any(not holder["$ref"].startswith("#") for _, holder in refs(loaded.data))
    target = folder / (f"{spec.stem}.yaml" if external else spec.name)
    api = api_name(target.resolve())  # the name `jobmock serve FOLDER` will give it
    plan = plan_for(served.document, api, str(spec))
    folder.mkdir(parents=True, exist_ok=True)
    if external:  # one file: the folder stands alone
        import yaml

        bundled = Bundler(loaded, spec).bundle(spec)
        target.write_text(yaml.safe_dump(bundled, sort_keys=False, allow_unicode=True))
    elif spec.resolve() != target.resolve():
        shutil.copyfile(spec, target)
    fixture = folder / FIXTURE_FILE
    fixture.write_text("\n".join(plan.lines) + "\n")
    if not plan.todo or plan.found.best is None:
        load_project(fixture, load_document(target, api), api)  # what serve will read
    report = [f"jobmock init: wrote {folder}/ ({target.name}, {FIXTURE_FILE})", *plan.said]
    if plan.todo and plan.found.best is None:
        report.append(
            f"  to fill in (the binding is commented out in {fixture}; served stateless until then):"
        )
    elif plan.todo:
        report.append(f"  to fill in ({FILL_IN} in {fixture}):")
        report += [f"    {item}" for item in plan.todo]
    report.append(f"next: jobmock serve {folder}   then   jobmock contract {folder}")
    return "\n".join(report)
