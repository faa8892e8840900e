"""Values for a response body or header: the documented example, else one generated from the schema.

Generation is schemathesis' JSON Schema 2020-12 generator (`jobmock.internals.schemathesis`, which
replaced hypothesis-jsonschema in schemathesis 4: that one no longer runs on current Hypothesis),
drawn with Hypothesis' `find` from a `random.Random` seeded by (`--seed`, what is generated), so a
run replays. Each value is checked with `jsonschema` (formats included) before it is answered.
The schema a response is generated from is the document's *response view*
(`jobmock.stateless.views`).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from jobmock.http.validators import FORMAT_CHECKER
from jobmock.stateless.smallest import Unbuilt, is_large, seeded_leaves, smallest

NOT_GIVEN = object()
DRAWS = 12  # the value answered is the n-th valid draw: the first ones are the emptiest
READABLE = ("words", "printable", None)  # the characters strings are tried with, in this order


class CannotGenerate(Exception):
    """No value satisfies the schema (or the generator does not model it); `checked_only`: some
    draws satisfied the schema and only the `check` schema refused them."""

    checked_only = False


def documented(media: Mapping[str, Any], named: str | None = None) -> Any:
    """The media type's own example: `examples[named]`, else `example`, else the first of
    `examples`, else the schema's `examples`/`example`/`default`; NOT_GIVEN when there is none."""
    examples = media.get("examples") or {}
    if (
        named is not None
        and isinstance(examples.get(named), Mapping)
        and "value" in examples[named]
    ):
        return examples[named]["value"]
    if "example" in media:
        return media["example"]
    for example in examples.values():
        if isinstance(example, Mapping) and "value" in example:
            return example["value"]
    schema = media.get("schema")
    if isinstance(schema, Mapping):
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        for keyword in ("example", "default", "const"):
            if keyword in schema:
                return schema[keyword]
    return NOT_GIVEN


def whole_numbers(value: Any) -> Any:
    """`value` with each float that is a whole number as an int: the generator draws some integers
    as floats (`-509985.0`), which JSON Schema takes as integers, but a client that puts one in a
    path sends `/pet/-509985.0`, which no integer parameter takes. Valid against the same schemas
    (JSON Schema compares 2.0 and 2 as equal). `Generator.value` applies it to each value it
    makes, before keeping it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    if isinstance(value, dict):
        return {name: whole_numbers(item) for name, item in value.items()}
    return value


class Generator:
    """Seeded values of schemas (whole floats as ints, `whole_numbers`): one per `key`, kept; a
    fresh one per call when asked. A large schema's value is its smallest
    (`jobmock.stateless.smallest`), its strings drawn as here. Schemas no value was found for are
    not searched again (a search that found nothing costs seconds on a large schema: it must not
    run on every request)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.kept: dict[str, Any] = {}
        self.failed: dict[tuple[int, int], CannotGenerate] = {}  # by the schemas' identities
        self.fresh = 0
        self.leaves = seeded_leaves(str(seed), leaf_value)

    def value(self, key: str, schema: Any, *, fresh: bool = False, check: Any = None) -> Any:
        if not fresh and key in self.kept:
            return self.kept[key]
        failed = self.failed.get(_schema_key(schema, check))
        if failed is not None:
            raise failed
        if fresh:
            self.fresh += 1
        draw = self.fresh if fresh else 0
        found = NOT_GIVEN
        if is_large(schema):
            leaves = seeded_leaves(f"{self.seed}:{draw}", leaf_value) if fresh else self.leaves
            with contextlib.suppress(Unbuilt):  # else Hypothesis, as for a small schema
                found = smallest(schema, leaves, check=check)
        if found is NOT_GIVEN:
            rng = random.Random(f"{self.seed}:{key}:{draw}")
            try:
                found = generate(schema, rng, check=check)
            except CannotGenerate as exc:
                if not fresh:  # a fresh draw may fail where another would not: only the kept one
                    self.failed[_schema_key(schema, check)] = exc
                raise
        found = whole_numbers(found)  # once per value: a kept one is answered as it is
        if not fresh:
            self.kept[key] = found
        return found


def _schema_key(schema: Any, check: Any) -> tuple[int, int]:
    """Which schemas a search was for: the callers keep each schema object for the server's life
    (one per document schema), so the same shared response fails once, not once per operation."""
    return id(schema), id(check)


def leaf_value(schema: Any, rng: random.Random) -> Any:
    """A generated value of a large schema's string (`jobmock.stateless.smallest`)."""
    try:
        return generate(schema, rng)
    except CannotGenerate as exc:
        raise Unbuilt(str(exc)) from None


def strategy(schema: Any, *, readable: str | None = None) -> Any:
    """schemathesis' strategy for `schema` (`readable`: its strings' characters, see
    `jobmock.internals.schemathesis.schema_strategy`);
    CannotGenerate when it admits nothing it can model."""
    from jobmock.internals.schemathesis import schema_strategy

    try:
        built = schema_strategy(schema, readable=readable)
    except Exception as exc:  # schemathesis' InvalidSchema, UnsupportedSchema...: its reason
        raise CannotGenerate(str(exc).splitlines()[0]) from None
    if built is None:
        raise CannotGenerate("no value satisfies the schema")
    return built


def generate(schema: Any, rng: random.Random, *, check: Any = None) -> Any:
    """A value valid against `schema` (and against `check`, when given), drawn with `rng`: with
    strings of ASCII letters, digits and spaces (a message a client shows reads as text), else,
    when the schema's patterns need other characters, of printable ASCII, else of any;
    CannotGenerate if none is found."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import HypothesisException

    if schema is True or schema == {}:
        return {}
    validators = [Draft202012Validator(schema, format_checker=FORMAT_CHECKER)]
    if check is not None and check is not True and check is not schema:
        validators.append(Draft202012Validator(check, format_checker=FORMAT_CHECKER))
    options = settings(
        database=None,
        phases=[Phase.generate],
        max_examples=200,
        deadline=None,
        derandomize=False,  # `rng` decides (a loaded profile may derandomize)
        suppress_health_check=list(HealthCheck),
    )
    state = rng.getstate()  # the fallback draws as if it were first: a seed replays either way
    problem: CannotGenerate | None = None
    checked_only = False
    for readable in READABLE:
        rng.setstate(state)
        try:
            built = strategy(schema, readable=readable)
        except CannotGenerate as exc:
            problem = problem or exc
            continue
        for wanted in (DRAWS, 1):  # the n-th valid draw, else any valid one
            accepts = NthValid(validators, wanted)
            try:
                found: Any = find(built, accepts, settings=options, random=rng)
            except HypothesisException:
                checked_only = checked_only or accepts.first_only > 0
                if not accepts.seen:  # not one valid draw: asking for fewer would not help
                    break
                continue
            return found
        if not _has_pattern(schema):  # other characters help only a pattern that needs them
            break
    failure = problem or CannotGenerate("no generated value is valid against the schema")
    failure.checked_only = checked_only
    raise failure


def _has_pattern(schema: Any) -> bool:
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            if isinstance(node.get("pattern"), str) or "patternProperties" in node:
                return True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


class NthValid:
    """Accepts a value once `wanted` valid ones were drawn (the first draws are the emptiest)."""

    def __init__(self, validators: list[Draft202012Validator], wanted: int) -> None:
        self.validators = validators
        self.wanted = wanted
        self.seen = 0
        self.first_only = 0  # draws the first validator accepted and a later one refused

    def __call__(self, value: Any) -> bool:
        if not self.validators[0].is_valid(value):
            return False
        if not all(validator.is_valid(value) for validator in self.validators[1:]):
            self.first_only += 1
            return False
        self.seen += 1
        return self.seen >= self.wanted
