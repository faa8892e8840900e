"""schemathesis' configuration for a contract run, and loading a target's spec into it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import schemathesis
from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig

from jobmock.config import STATEFUL_SCENARIOS, ContractOptions
from jobmock.contract.targets import Target

NOT_FOUND_MARK = "x-jobmock-not-found"  # a 4xx response that is this API's "no such job"
# A 4xx response that refuses content the operation's schema cannot express: a file that does not
# parse as its format, a cursor the server never issued. A schema-valid request may rightly get it,
# from this operation only (see `schemathesis_config`).
CONTENT_REFUSAL_MARK = "x-jobmock-content-refusal"


def schemathesis_config(
    options: ContractOptions,
    seed: int,
    *,
    headers: Mapping[str, str],
    base_url: str | None,
    not_found: Iterable[int] = (),
    refusals: Mapping[tuple[str, str], Iterable[int]] | None = None,
    mode: str = "all",
    walks: Mapping[str, int] | None = None,
    disabled: Iterable[str] = (),
    infer_links: bool = True,
) -> SchemathesisConfig:
    """Every check on; bounded, seeded and replayable; nothing written to disk.

    `walks`: GET paths that show a job -> the examples polling every job through its phases
    takes (the poll clock moves a job one phase per poll).
    `not_found`: codes that mean "no such job" in this API besides 404; a schema-valid request
    that names an unknown job is rightly answered with them (positive_data_acceptance).
    `refusals`: (path, METHOD) -> codes of that operation's responses marked
    `x-jobmock-content-refusal` (`content_refusals`).
    `disabled`: labels of operations not to call at all.
    `infer_links`: let stateful sequences follow links schemathesis infers (from `Location`,
    from ids a list answers); off, only the document's own links are followed.
    """
    default = PositiveDataAcceptanceConfig().expected_statuses  # schemathesis' own default
    accepted = [*default, *map(str, sorted(set(not_found)))]
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
                **({} if infer_links else {"inference": {"algorithms": []}}),
                "generation": {"max-examples": stateful_scenarios(options)},
            },
        },
        "headers": dict(headers),
    }
    # One operation is selected by its label ("GET /jobs/{id}"): schemathesis ORs its include-*
    # keys, so `include-path` with `include-method` would select every GET and every method of
    # the path.
    operations: list[dict[str, Any]] = [
        {"include-name": label, "enabled": False} for label in disabled
    ]
    walks = {path: n for path, n in (walks or {}).items() if n > options.max_examples}
    # GET routes that poll jobs get the examples walking every job takes
    operations += [
        {"include-name": f"GET {path}", "generation": {"max-examples": n}}
        for path, n in walks.items()
    ]
    # Some content is refused for reasons no JSON Schema can state: whether a binary `file` parses
    # as CSV, whether a cursor is one this server issued. Guessing a pattern for such content would
    # make the spec claim what the vendor never said (and wrongly fail a real server that mints
    # its cursors another way), and dropping the check would hide every other wrong refusal. So the
    # served spec marks the documented answer to such content (`x-jobmock-content-refusal`, in the
    # overlay, with what it refuses), and positive_data_acceptance takes that code from that
    # operation only: any other operation, and any other 4xx from this one, still fails the check.
    for (path, method), codes in sorted((refusals or {}).items()):
        statuses = [*accepted, *map(str, sorted(set(codes)))]
        operations.append(
            {
                "include-name": f"{method} {path}",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": list(dict.fromkeys(statuses))}
                },
            }
        )
    if operations:
        data["operations"] = operations
    if base_url is not None:
        data["base-url"] = base_url
        data["request-timeout"] = options.request_timeout
    return SchemathesisConfig.from_dict(data)


def stateful_scenarios(options: ContractOptions) -> int:
    """Linked sequences per API: as asked, else `--max-examples`, at most STATEFUL_SCENARIOS."""
    return options.stateful_examples or min(options.max_examples, STATEFUL_SCENARIOS)


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
    return {code for codes in _marked(document, NOT_FOUND_MARK).values() for code in codes}


def content_refusals(document: Mapping[str, Any]) -> dict[tuple[str, str], set[int]]:
    """(path, METHOD) -> codes of the operation's responses marked `x-jobmock-content-refusal`:
    its documented refusal of content the schema cannot express, which a schema-valid request
    may rightly get from that operation."""
    return _marked(document, CONTENT_REFUSAL_MARK)


def _marked(document: Mapping[str, Any], mark: str) -> dict[tuple[str, str], set[int]]:
    found: dict[tuple[str, str], set[int]] = {}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if str(code).isdigit() and _resolve(document, response).get(mark) is True:
                    found.setdefault((path, method.upper()), set()).add(int(code))
    return found


def _resolve(document: Mapping[str, Any], node: Any) -> Mapping[str, Any]:
    while isinstance(node, Mapping) and str(node.get("$ref", "")).startswith("#/"):
        target: Any = document
        for part in str(node["$ref"])[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = target
    return node if isinstance(node, Mapping) else {}
