"""Fixture files: each API's tenants, credentials, lifecycle scenarios and seed jobs, as data.

`fixtures/<api>.yaml` is written in the API's own vocabulary (its status values, its field names).
The file is checked against `jobmock.fixture_schema.FIXTURE_SCHEMA` and then for meaning (scenario
statuses belong to the API, jobs name known tenants and scenarios); every problem is a FixtureError
with file and line.

`rules` choose the scenario of a job a client starts through the vendor's own endpoint: the first
rule whose `match` holds for what was sent wins, else `default_scenario`. A match names a `field`
(a dotted path into the job's facts; through a list it looks at every element) and one test:
`contains` (text, ignoring case), `equals` (the value) or `pattern` (a regular expression, searched,
ignoring case). For example `{match: {field: fileName, contains: fail}, scenario: fails}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from jobmock.errors import FixtureError
from jobmock.faults import Fault, FaultError, parse_fault
from jobmock.fixture_schema import FIXTURE_SCHEMA
from jobmock.scenarios import Phase, Scenario, ScenarioError, StatusModel, check_scenario
from jobmock.yamlfast import fast_load
from jobmock.yamlsource import SourceMap

_VALIDATOR = Draft202012Validator(FIXTURE_SCHEMA)


@dataclass(frozen=True)
class Credential:
    value: str
    scopes: frozenset[str] = frozenset()
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tenant:
    name: str
    credentials: tuple[Credential, ...]
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedJob:
    id: str
    tenant: str
    scenario: str
    age: float  # seconds the job has been running when the server starts
    fields: Mapping[str, Any]


def values_at(facts: Any, path: str) -> Iterator[Any]:
    """The values at a dotted path; a list on the way contributes each of its elements."""
    if isinstance(facts, list | tuple):
        for item in facts:
            yield from values_at(item, path)
        return
    if not path:
        yield facts
        return
    head, _, rest = path.partition(".")
    if isinstance(facts, Mapping) and head in facts:
        yield from values_at(facts[head], rest)


@dataclass(frozen=True)
class Rule:
    """`match: {field: <path>, <test>: <value>}` -> `scenario`."""

    field: str
    test: str  # contains | equals | pattern
    value: Any
    scenario: str
    description: str = ""

    def matching(self, facts: Mapping[str, Any]) -> tuple[str, ...]:
        """The values at `field` that pass the test (empty: the rule does not apply)."""
        found = []
        for value in values_at(facts, self.field):
            if isinstance(value, Mapping | list | tuple) or value is None:
                continue
            text = str(value)
            if self.test == "contains":
                ok = str(self.value).lower() in text.lower()
            elif self.test == "equals":
                ok = value == self.value or text == str(self.value)
            else:
                ok = re.search(str(self.value), text, re.IGNORECASE) is not None
            if ok:
                found.append(text)
        return tuple(found)


@dataclass(frozen=True)
class Choice:
    """The scenario a new job follows, and the rule (with the values it matched) that chose it."""

    scenario: str
    rule: Rule | None = None
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fixture:
    """One API's fixture file, checked."""

    api: str
    path: Path
    statuses: StatusModel
    tenants: Mapping[str, Tenant]
    scenarios: Mapping[str, Scenario]
    scenario_fields: Mapping[str, Mapping[str, Any]]  # per scenario: fields new jobs start with
    default_scenario: str
    jobs: tuple[SeedJob, ...]
    defaults: Mapping[str, Any]
    source: SourceMap
    faults: tuple[Fault, ...] = ()  # latency and error faults for this API (jobmock.faults)
    rules: tuple[Rule, ...] = ()

    def tenant(self, name: str | None) -> Tenant:
        return self.tenants[name] if name else next(iter(self.tenants.values()))

    def choose(self, facts: Mapping[str, Any]) -> Choice:
        """The first rule that matches `facts`, else the default scenario."""
        for rule in self.rules:
            matched = rule.matching(facts)
            if matched:
                return Choice(rule.scenario, rule, matched)
        return Choice(self.default_scenario)


def load_fixture(path: Path, api: str | None = None) -> Fixture:
    loaded = fast_load(path, FixtureError)
    data, source = loaded.data, loaded.source
    if not isinstance(data, dict):
        raise source.error((), "a fixture file must be a mapping", FixtureError)
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: len(list(e.absolute_path)))
    if errors:
        error = errors[-1] if errors[-1].validator != "additionalProperties" else errors[0]
        at = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise source.error(tuple(error.absolute_path), f"{at}: {error.message}", FixtureError)
    if api is not None and data["api"] != api:
        raise source.error(("api",), f"api is {data['api']!r}, expected {api!r}", FixtureError)

    try:
        statuses = StatusModel(
            order=tuple(data["statuses"]["order"]), terminal=tuple(data["statuses"]["terminal"])
        )
    except ScenarioError as exc:
        raise source.error(("statuses",), str(exc), FixtureError) from None
    tenants: dict[str, Tenant] = {}
    seen_credentials: dict[str, str] = {}
    for index, raw in enumerate(data["tenants"]):
        if raw["name"] in tenants:
            raise source.error(
                ("tenants", index, "name"), f"duplicate tenant {raw['name']!r}", FixtureError
            )
        creds = []
        for c_index, c in enumerate(raw["credentials"]):
            if c["value"] in seen_credentials:
                raise source.error(
                    ("tenants", index, "credentials", c_index, "value"),
                    f"credential already belongs to tenant {seen_credentials[c['value']]!r}",
                    FixtureError,
                )
            seen_credentials[c["value"]] = raw["name"]
            creds.append(
                Credential(c["value"], frozenset(c.get("scopes", ())), c.get("attributes", {}))
            )
        tenants[raw["name"]] = Tenant(raw["name"], tuple(creds), raw.get("data", {}))

    scenarios: dict[str, Scenario] = {}
    scenario_fields: dict[str, Mapping[str, Any]] = {}
    for index, raw in enumerate(data["scenarios"]):
        where: tuple[str | int, ...] = ("scenarios", index)
        if raw["name"] in scenarios:
            raise source.error(
                (*where, "name"), f"duplicate scenario {raw['name']!r}", FixtureError
            )
        phases = tuple(
            Phase(p["status"], p.get("seconds"), p.get("progress", {})) for p in raw["phases"]
        )
        try:
            scenario = Scenario(raw["name"], phases, raw.get("description", ""))
            check_scenario(scenario, statuses)
        except (ScenarioError, LookupError) as exc:
            message = (
                str(exc) if str(exc).startswith("scenario") else f"scenario {raw['name']!r}: {exc}"
            )
            raise source.error(where, message, FixtureError) from None
        scenarios[raw["name"]] = scenario
        scenario_fields[raw["name"]] = raw.get("fields", {})

    default = data.get("default_scenario") or next(iter(scenarios))
    if default not in scenarios:
        raise source.error(("default_scenario",), f"unknown scenario {default!r}", FixtureError)

    jobs = []
    ids: set[str] = set()
    for index, raw in enumerate(data.get("jobs", ())):
        where = ("jobs", index)
        if raw["tenant"] not in tenants:
            raise source.error(
                (*where, "tenant"), f"unknown tenant {raw['tenant']!r}", FixtureError
            )
        if raw["scenario"] not in scenarios:
            raise source.error(
                (*where, "scenario"), f"unknown scenario {raw['scenario']!r}", FixtureError
            )
        job_id = str(raw["id"])
        if job_id in ids:
            raise source.error((*where, "id"), f"duplicate job id {job_id!r}", FixtureError)
        ids.add(job_id)
        jobs.append(
            SeedJob(
                job_id,
                raw["tenant"],
                raw["scenario"],
                float(raw.get("age", 0)),
                raw.get("fields", {}),
            )
        )

    rules = []
    for index, raw in enumerate(data.get("rules", ())):
        where = ("rules", index)
        if raw["scenario"] not in scenarios:
            raise source.error(
                (*where, "scenario"), f"unknown scenario {raw['scenario']!r}", FixtureError
            )
        test = next(k for k in raw["match"] if k != "field")
        if test == "pattern":
            try:
                re.compile(raw["match"][test])
            except re.error as exc:
                message = f"invalid pattern {raw['match'][test]!r}: {exc}"
                raise source.error((*where, "match", test), message, FixtureError) from None
        rules.append(
            Rule(
                raw["match"]["field"],
                test,
                raw["match"][test],
                raw["scenario"],
                raw.get("description", ""),
            )
        )

    faults = []
    for index, raw in enumerate(data.get("faults", ())):
        try:
            faults.append(parse_fault(raw, api=data["api"]))
        except FaultError as exc:
            raise source.error(("faults", index), f"faults/{index}: {exc}", FixtureError) from None

    return Fixture(
        api=data["api"],
        path=path,
        statuses=statuses,
        tenants=tenants,
        scenarios=scenarios,
        scenario_fields=scenario_fields,
        default_scenario=default,
        jobs=tuple(jobs),
        defaults=data.get("defaults", {}),
        source=source,
        faults=tuple(faults),
        rules=tuple(rules),
    )
