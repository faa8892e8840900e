"""Values for a response body or header: the documented example, else one generated from the schema.

Generation is schemathesis' JSON Schema 2020-12 generator (`jobmock.internals.schemathesis`, which
replaced hypothesis-jsonschema in schemathesis 4: that one no longer runs on current Hypothesis),
drawn with Hypothesis' `find` from a `random.Random` seeded by (`--seed`, what is generated), so a
run replays. Each value is checked with `jsonschema` (formats included) before it is answered.
The schema a response is generated from is the document's *response view*: writeOnly properties
left out, and a discriminator's branches pinned to their mapping value; `response_schema` makes it
for one schema (and the components it reaches) as an operation is first answered, `response_view`
for a whole document.
"""

from __future__ import annotations

import contextlib
import copy
import random
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from jobmock.documents.pointers import Pointer, decode_pointer
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.stateless.documents import nested, schemas
from jobmock.stateless.smallest import Unbuilt, is_large, seeded_leaves, smallest

NOT_GIVEN = object()
DRAWS = 12  # the value answered is the n-th valid draw: the first ones are the emptiest


INTEGER_FORMATS = {"int32": 32, "int64": 64}
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


def response_view(document: Mapping[str, Any], *, closed: bool = True) -> dict[str, Any]:
    """A copy of `document` whose schemas describe what a server may answer (see the module doc),
    and, when `closed`, the part of it a client expects: objects are closed
    (`unevaluatedProperties: false`) unless they say otherwise or are an `allOf` branch, whose
    siblings add properties."""
    view = copy.deepcopy(dict(document))
    named = (view.get("components") or {}).get("schemas") or {}
    _make_response_view(lambda: list(schemas(view)), named, closed=closed)
    return view


def response_schema(schema: Any, document: Mapping[str, Any], *, closed: bool = True) -> Any:
    """`standalone(schema, document)` as `response_view` makes it, built for this schema alone: a
    copy of the few components it reaches, not of the whole document (GitHub's is 12 MB). An
    object is closed (when `closed`) unless it is an `allOf` branch among the schemas it reaches.

    Closing objects is not always a narrowing: under `oneOf` (or `not`) a value that fits one
    closed branch may fit several open ones, so a value generated from the closed view is
    answered only if the open view (`closed=False`, what the document says) accepts it too."""
    return _response_schema(schema, document, closed=closed)[0]


def closed_response_schema(schema: Any, document: Mapping[str, Any]) -> tuple[Any, bool]:
    """`response_schema(schema, document)` and whether closing changed it: False when it is the
    same as the open view, so a value generated from it needs no check against that."""
    return _response_schema(schema, document, closed=True)


def _response_schema(schema: Any, document: Mapping[str, Any], *, closed: bool) -> tuple[Any, bool]:
    found = copy.deepcopy(standalone(schema, document))
    if not isinstance(found, dict):
        return found, False
    named = (found.get("components") or {}).get("schemas") or {}
    closes = _make_response_view(
        lambda: list(nested([found, *named.values()])), named, closed=closed
    )
    return found, closes


def _make_response_view(
    found_schemas: Callable[[], list[dict[str, Any]]], named: Mapping[str, Any], *, closed: bool
) -> bool:
    """Make the schemas `found_schemas` finds (in a copy) a response view; `named`: the
    components' schemas their `#/components/schemas/...` refs name. Whether it closed an object
    (the open view differs only there)."""
    found = found_schemas()
    for schema in found:
        bits = INTEGER_FORMATS.get(str(schema.get("format")))
        if bits is not None:  # OpenAPI's int32/int64 are bounds JSON Schema does not know
            schema.setdefault("minimum", -(2 ** (bits - 1)))
            schema.setdefault("maximum", 2 ** (bits - 1) - 1)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            hidden = [
                n for n, p in properties.items() if isinstance(p, dict) and p.get("writeOnly")
            ]
            for name in hidden:
                properties[name] = False
            if hidden and isinstance(schema.get("required"), list):
                schema["required"] = [n for n in schema["required"] if n not in hidden]
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and "propertyName" in discriminator:
            _pin_branches(schema, discriminator)
    if not closed:
        return False
    found = found_schemas()  # the pinned branches too
    branches: set[int] = set()
    for schema in found:
        for branch in schema.get("allOf") or ():
            branches.add(id(branch))
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                branches.add(id(named.get(ref.rsplit("/", 1)[-1])))
    open_keywords = ("additionalProperties", "unevaluatedProperties", "patternProperties")
    closes = False
    for schema in found:
        shaped = "properties" in schema or "allOf" in schema
        if shaped and id(schema) not in branches and not any(k in schema for k in open_keywords):
            schema["unevaluatedProperties"] = False
            closes = True
    return closes


def _pin_branches(schema: dict[str, Any], discriminator: Mapping[str, Any]) -> None:
    prop = discriminator["propertyName"]
    by_ref = {ref: value for value, ref in (discriminator.get("mapping") or {}).items()}
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        for index, branch in enumerate(branches):
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if not isinstance(ref, str):
                continue
            value = by_ref.get(ref, ref.rsplit("/", 1)[-1])
            branches[index] = {
                "allOf": [branch],
                "properties": {prop: {"const": value}},
                "required": [prop],
            }


def standalone(schema: Any, document: Mapping[str, Any]) -> Any:
    """`schema` with the document's components it reaches beside it, so its `#/components/...`
    refs resolve. Only those: generators serialize a schema whole (GitHub's description carries
    8 MB of components; each of its 1,223 operations reaches a few)."""
    if not isinstance(schema, Mapping) or not ("components" in document or "paths" in document):
        return schema
    components: dict[str, dict[str, Any]] = {}
    carried: dict[str, Any] = {}  # schemas under `paths`/`webhooks` a ref names, at their pointer
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            pointer = decode_pointer(ref[1:]) if isinstance(ref, str) and ref[:1] == "#" else None
            if pointer and len(pointer) >= 3 and pointer[0] == "components":
                kind, name = str(pointer[1]), str(pointer[2])  # the whole component it is in
                found = ((document.get("components") or {}).get(kind) or {}).get(name)
                if found is not None and name not in components.setdefault(kind, {}):
                    components[kind][name] = found
                    pending.append(found)
            elif pointer and pointer[0] in ("paths", "webhooks"):
                found = _carry(document, pointer, carried)
                if found is not None:
                    pending.append(found)
            pending.extend(value for key, value in node.items() if key != "$ref")
        elif isinstance(node, list):
            pending.extend(node)
    if not components and not carried:
        return schema
    return {**schema, **carried, **({"components": components} if components else {})}


def _carry(document: Mapping[str, Any], pointer: Pointer, into: dict[str, Any]) -> Any:
    """Put what `pointer` names in `document` at the same pointer in `into` (the parts of
    `paths` a ref reaches, so the ref resolves there); what it found, None when already carried
    or not found."""
    node: Any = document
    holder: Any = into
    for index, key in enumerate(pointer):
        part = str(key)
        last = index == len(pointer) - 1
        if isinstance(node, Mapping) and part in node:
            node = node[part]
            if part in holder and last:
                return None
            holder = holder.setdefault(
                part, node if last else ([] if isinstance(node, list) else {})
            )
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            holder.extend({} for _ in range(int(part) + 1 - len(holder)))
            if last:
                holder[int(part)] = node
            elif not holder[int(part)]:
                holder[int(part)] = [] if isinstance(node, list) else {}
            holder = holder[int(part)]
        else:
            return None
    return node


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
