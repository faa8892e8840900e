"""Latency and faults as configuration: slow answers, declared errors and dropped connections.

A fault is data: its `kind` (a key of :data:`FAULT_KINDS`), where it applies (`api`, `route`: `*`,
an operationId or `METHOD /path/template`), the fraction of matching requests it hits (`rate`) and
the kind's own settings::

    {"kind": "latency", "ms": 300}                      every answer 300 ms late
    {"kind": "latency", "min_ms": 100, "max_ms": 800}   a random delay in that range
    {"kind": "error", "rate": 0.2}                      a fifth of the answers: a declared 5xx/429
    {"kind": "error", "rate": 0.5, "status": [429], "retry_after": 2}
    {"kind": "drop", "rate": 0.1, "api": "matcher"}     the connection closes mid-answer

An error fault answers only codes the served spec declares for that operation (5xx, or 429 with
`Retry-After`), rendered by that API's own envelope; a route that declares none is left alone.
Without `status`, only the codes the vendor declares: the 503 every overlay adds for a store
outage (`x-jobmock-inferred`) is injected when `status` names it.

Faults come from `jobmock serve --fault`, then each fixture's `faults:` section (the configured
baseline), and can be replaced at run time through `PUT /_mock/faults`. The settings in force live
in the store (`jobmock.frontend.fault_injection`), so every worker agrees, and decisions are seeded: the n-th
request of a route since the settings last changed rolls `Random(f"{seed}:{api}:{operationId}:{n}")`,
n counted by each worker (several workers each replay their own share), so the same requests after
the same `PUT /_mock/faults` (or `POST /_mock/reset`) meet the same faults: a failing UI test replays.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from jobmock.documents.routes import Route
from jobmock.errors import ApiError, error_for_status

MAX_MS = 120_000  # the longest delay a fault may add


class FaultError(ValueError):
    """A fault setting that cannot apply: malformed, or naming no served route."""


@dataclass(frozen=True)
class Fault:
    """One fault rule (see the module docstring); `kind` picks its behaviour in FAULT_KINDS."""

    kind: str
    api: str = "*"
    route: str = "*"
    rate: float = 1.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    status: tuple[int, ...] = ()
    retry_after: int = 1
    description: str = ""

    def applies_to(self, route: Route) -> bool:
        return self.api in ("*", route.api) and route.matches(self.route)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "api": self.api, "route": self.route}
        data["rate"] = self.rate
        data.update(FAULT_KINDS[self.kind].settings(self))
        if self.description:
            data["description"] = self.description
        return data


@dataclass
class Outcome:
    """What the faults that hit one request do to it."""

    delay_ms: float = 0.0
    error: ApiError | None = None
    drop: bool = False
    kinds: list[str] = field(default_factory=list)


def error_codes(route: Route, wanted: Iterable[int] = ()) -> list[int]:
    """The codes an error fault may answer on `route`: declared 5xx and 429 (those of `wanted`).

    Unasked, only those the vendor declares: the 503 jobmock infers for a store outage is
    answered only when `wanted` names it."""
    declared = [code for code in route.declared_codes() if code >= 500 or code == 429]
    wanted = set(wanted)
    if not wanted:
        return [code for code in declared if str(code) not in route.inferred]
    return [code for code in declared if code in wanted]


def reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def injected_error(code: int, retry_after: int) -> ApiError:
    error = error_for_status(code, reason(code))
    error.slug = reason(code).lower().replace(" ", "_")
    error.headers["X-Jobmock-Fault"] = "error"
    if code in (429, 503):
        error.headers["Retry-After"] = str(retry_after)
    return error


@dataclass(frozen=True)
class FaultKind:
    """How one kind of fault behaves: its own settings, their JSON, and what a hit does."""

    keys: frozenset[str]  # settings besides kind, api, route, rate, description
    settings: Callable[[Fault], dict[str, Any]]
    hit: Callable[[Fault, Route, random.Random, Outcome], None]
    check: Callable[[Fault, list[Route]], str | None] = lambda fault, routes: None


def _latency_settings(fault: Fault) -> dict[str, Any]:
    if fault.min_ms == fault.max_ms:
        return {"ms": fault.min_ms}
    return {"min_ms": fault.min_ms, "max_ms": fault.max_ms}


def _latency(fault: Fault, route: Route, rng: random.Random, outcome: Outcome) -> None:
    outcome.delay_ms += rng.uniform(fault.min_ms, fault.max_ms)
    outcome.kinds.append("latency")


def _error_settings(fault: Fault) -> dict[str, Any]:
    return {"status": list(fault.status), "retry_after": fault.retry_after}


def _error(fault: Fault, route: Route, rng: random.Random, outcome: Outcome) -> None:
    codes = error_codes(route, fault.status)
    if codes and outcome.error is None:
        outcome.error = injected_error(rng.choice(codes), fault.retry_after)
        outcome.kinds.append("error")


def _check_error(fault: Fault, routes: list[Route]) -> str | None:
    if any(error_codes(route, fault.status) for route in routes):
        return None
    wanted = f" among {list(fault.status)}" if fault.status else ""
    declared = "; ".join(
        f"{r.api} {r.label}: {', '.join(map(_named, r.codes, r.inferred_marks()))}" for r in routes
    )
    hint = (
        "; jobmock's own codes (*) are answered only when `status` names them"
        if not fault.status and any(r.inferred for r in routes)
        else ""
    )
    return f"no route it selects declares a 5xx or 429{wanted} (declared: {declared}){hint}"


def _named(code: str, inferred: bool) -> str:
    return f"{code}*" if inferred else code


def _drop(fault: Fault, route: Route, rng: random.Random, outcome: Outcome) -> None:
    outcome.drop = True
    outcome.kinds.append("drop")


FAULT_KINDS: dict[str, FaultKind] = {
    "latency": FaultKind(frozenset({"ms", "min_ms", "max_ms"}), _latency_settings, _latency),
    "error": FaultKind(
        frozenset({"status", "retry_after"}), _error_settings, _error, check=_check_error
    ),
    "drop": FaultKind(frozenset(), lambda fault: {}, _drop),
}
"""Fault kinds by name: a new kind is one entry here (and one in specs/control.yaml's enum)."""

_MS = {"type": "number", "minimum": 0, "maximum": MAX_MS}
FAULT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind"],
    "properties": {
        "kind": {"enum": sorted(FAULT_KINDS)},
        "api": {"type": "string", "minLength": 1},
        "route": {"type": "string", "minLength": 1},
        "rate": {"type": "number", "minimum": 0, "maximum": 1},
        "ms": _MS,
        "min_ms": _MS,
        "max_ms": _MS,
        "status": {
            "type": "array",
            "items": {
                "type": "integer",
                "anyOf": [{"const": 429}, {"minimum": 500, "maximum": 599}],
            },
        },
        "retry_after": {"type": "integer", "minimum": 0, "maximum": 86400},
        "description": {"type": "string"},
    },
}
"""One fault as JSON (fixtures' `faults:` items, `--fault` in JSON form, specs/control.yaml)."""

_VALIDATOR = Draft202012Validator(FAULT_SCHEMA)


def parse_fault(raw: Any, *, api: str | None = None) -> Fault:
    """A Fault from its JSON form; `api` is the default (and only allowed) API, for fixtures."""
    if not isinstance(raw, Mapping):
        raise FaultError(f"a fault is a mapping with a `kind`, got {raw!r}")
    error = best_match(_VALIDATOR.iter_errors(dict(raw)))
    if error is not None:
        at = "/".join(map(str, error.absolute_path))
        raise FaultError(f"{at + ': ' if at else ''}{error.message}")
    kind = FAULT_KINDS[raw["kind"]]
    extra = set(raw) - kind.keys - {"kind", "api", "route", "rate", "description"}
    if extra:
        allowed = ", ".join(sorted(kind.keys)) or "none"
        raise FaultError(
            f"{raw['kind']} faults take no {', '.join(sorted(extra))} (their settings: {allowed})"
        )
    if "ms" in raw and ({"min_ms", "max_ms"} & set(raw)):
        raise FaultError("give either ms (a fixed delay) or min_ms and max_ms (a random one)")
    if raw["kind"] == "latency" and "ms" not in raw and not {"min_ms", "max_ms"} <= set(raw):
        raise FaultError("latency faults need ms, or min_ms and max_ms")
    low = float(raw.get("ms", raw.get("min_ms", 0.0)))
    high = float(raw.get("ms", raw.get("max_ms", low)))
    if high < low:
        raise FaultError(f"max_ms ({high:g}) is below min_ms ({low:g})")
    if api is not None and raw.get("api", api) != api:
        raise FaultError(f"a fault in {api}'s fixture applies to {api}, not {raw['api']!r}")
    return Fault(
        kind=raw["kind"],
        api=str(raw.get("api", api or "*")),
        route=str(raw.get("route", "*")),
        rate=float(raw.get("rate", 1.0)),
        min_ms=low,
        max_ms=high,
        status=tuple(raw.get("status", ())),
        retry_after=int(raw.get("retry_after", 1)),
        description=str(raw.get("description", "")),
    )


def parse_option(text: str) -> dict[str, Any]:
    """`--fault KIND[:key=value,...]` (or a JSON object) as a fault's JSON form, checked.

    `latency:ms=300`, `latency:ms=100-800`, `error:rate=0.2,status=500+503`, `drop:rate=0.1,api=gu1`.
    """
    text = text.strip()
    if text.startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FaultError(f"not JSON: {exc}") from None
    else:
        kind, _, rest = text.partition(":")
        raw = {"kind": kind.strip()}
        for item in filter(None, (part.strip() for part in rest.split(","))):
            key, sep, value = item.partition("=")
            if not sep:
                raise FaultError(f"{item!r} is not key=value")
            raw[key.strip()] = _value(key.strip(), value.strip())
    parse_fault(raw)
    return dict(raw)


def _value(key: str, value: str) -> Any:
    if key == "status":
        return [_number(part) for part in value.split("+")]
    if key == "ms" and "-" in value.strip("-"):
        raise FaultError("a random delay is min_ms=LOW,max_ms=HIGH (ms=N is a fixed one)")
    return _number(value) if key in ("rate", "ms", "min_ms", "max_ms", "retry_after") else value


def _number(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # the schema says what is wrong with it


@dataclass(frozen=True)
class FaultSettings:
    """The faults in force: `enabled` switches them all off without forgetting them."""

    enabled: bool = True
    seed: int = 0
    faults: tuple[Fault, ...] = ()
    revision: int = 0  # grows with every change at run time; request counts restart with it

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "seed": self.seed,
            "revision": self.revision,
            "faults": [fault.to_json() for fault in self.faults],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultSettings:
        return cls(
            enabled=bool(data.get("enabled", True)),
            seed=int(data.get("seed", 0)),
            faults=tuple(parse_fault(raw) for raw in data.get("faults", ())),
            revision=int(data.get("revision", 0)),
        )
