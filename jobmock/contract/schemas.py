"""schemathesis' configuration for a contract run, and loading a target's spec into it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES

from jobmock.contract.options import ContractOptions
from jobmock.contract.targets import Target

NOT_FOUND_MARK = "x-jobmock-not-found"  # a 4xx response that is this API's "no such job"


def schemathesis_config(
    options: ContractOptions,
    seed: int,
    *,
    headers: Mapping[str, str],
    base_url: str | None,
    not_found: Iterable[int] = (),
    mode: str = "all",
    walks: Mapping[str, int] | None = None,
) -> SchemathesisConfig:
    """Every check on; bounded, seeded and replayable; nothing written to disk.

    `walks`: GET paths that show a job -> the examples polling every job through its phases
    takes (the poll clock moves a job one phase per poll).
    `not_found`: codes that mean "no such job" in this API besides 404; a schema-valid request
    that names an unknown job is rightly answered with them (positive_data_acceptance).
    """
    accepted = [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, *map(str, sorted(set(not_found)))]
    data: dict[str, Any] = {
        "seed": seed,
        # Hypothesis' own health checks judge data generation, not the API: a lone string path
        # parameter has almost no negative values that survive serialization (filter_too_much),
        # and a busy machine is slow (too_slow). No contract check is affected.
        "suppress-health-check": ["filter_too_much", "too_slow"],
        "workers": 1,
        "continue-on-failure": True,
        "cache": {"enabled": False},
        "output": {"sanitization": {"enabled": False}},  # curl lines must replay as they are
        "generation": {
            "max-examples": options.max_examples,
            "database": "none",
            "mode": mode,
            "no-shrink": not options.shrink,
        },
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {"expected-statuses": list(dict.fromkeys(accepted))},
        },
        "phases": {
            "examples": {"enabled": mode != "negative"},  # explicit examples are positive
            "stateful": {  # linked sequences run once, in the positive pass
                "enabled": mode != "negative",
                "max-steps": options.stateful_max_steps,
                "generation": {"max-examples": options.stateful_examples or options.max_examples},
            },
        },
        "headers": dict(headers),
    }
    walks = {path: n for path, n in (walks or {}).items() if n > options.max_examples}
    if walks:  # GET routes that poll jobs get the examples walking every job takes
        data["operations"] = [
            {"include-path": path, "include-method": "GET", "generation": {"max-examples": n}}
            for path, n in walks.items()
        ]
    if base_url is not None:
        data["base-url"] = base_url
        data["request-timeout"] = options.request_timeout
    return SchemathesisConfig.from_dict(data)


def load_schema(target: Target, config: SchemathesisConfig, app: Any, base_url: str) -> Any:
    """The target's spec as schemathesis sees it: from the ASGI app, the server, or jobmock's own."""
    if app is not None:
        return schemathesis.openapi.from_asgi(target.schema_path, app, config=config)
    if target.document is not None:
        return schemathesis.openapi.from_dict(target.document, config=config)
    return schemathesis.openapi.from_url(base_url + target.schema_path, config=config)


def not_found_codes(document: Mapping[str, Any]) -> set[int]:
    """Codes of responses marked `x-jobmock-not-found`: the API's "no such job", which a
    schema-valid request naming an unknown job rightly gets (like 404)."""
    found: set[int] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if str(code).isdigit() and _resolve(document, response).get(NOT_FOUND_MARK):
                    found.add(int(code))
    return found


def _resolve(document: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    while isinstance(node, Mapping) and str(node.get("$ref", "")).startswith("#/"):
        target: Any = document
        for part in str(node["$ref"])[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = target
    return node if isinstance(node, Mapping) else {}
