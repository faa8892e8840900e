"""The smallest value of a large schema, built by walking it: an answer Hypothesis takes up to
seconds to draw (GitHub's list of pull requests: 1.5 s of CPU) is ready in milliseconds.

object    its required properties only (more when `minProperties` asks), each built the same way
array     `minItems` items (none by default; one when the answer itself is the array)
string    the schema's own `examples`/`example`/`default` when they fit it, else a value of that
          string's schema alone by schemathesis' generator (`jobmock.stateless.values.generate`,
          seeded per schema, so the same seed gives the same string whichever answer asks first)
number    its `examples`/`example`/`default` when they fit, else 0 or the bound nearest it, a
          multiple of `multipleOf`
choices   `const`, else the first `enum` value; the first `anyOf` branch, and the next when
          one cannot be built (a nullable `$ref` that recurses is null); the first `oneOf` branch
          whose value no other branch takes; `allOf` branches merged; a type array's first type
          but null
The whole value is then checked against the whole schema; what the walk cannot build (`not`,
`if`, `contains`, unique items, a cycle no null or empty list breaks, a value the whole schema
refuses) raises Unbuilt, and the caller draws from Hypothesis as for a small schema.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from jobmock.documents.pointers import decode_pointer, lookup
from jobmock.http.validators import FORMAT_CHECKER

UNMODELLED = ("not", "if", "contains", "dependentSchemas", "dependentRequired", "propertyNames")
# the keywords that constrain a value of each type: a leaf's schema, without the rest
STRING = ("minLength", "maxLength", "pattern", "format")
NUMBER = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format")
SIZE = 40
"""Schema objects (its components' included) from which a response schema counts as large: on
GitHub's description, Hypothesis took up to 0.12 s of CPU below it and up to 1.6 s above."""


class Unbuilt(Exception):
    """The walk cannot build a value of this schema."""


class Cycle(Unbuilt):
    """A required value reaches a schema it is already being built for."""


def size(schema: Any, limit: int = SIZE) -> int:
    """How many schema objects `schema` holds (components included), counted up to `limit`."""
    count, pending = 0, [schema]
    while pending and count < limit:
        node = pending.pop()
        if isinstance(node, Mapping):
            count += 1
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return count


def is_large(schema: Any) -> bool:
    return size(schema) >= SIZE


Leaf = Callable[[Mapping[str, Any], str], Any]  # (a string's schema, its key) -> a value


class Walk:
    """Builds the smallest value of one standalone schema (`jobmock.stateless.views.standalone`)."""

    def __init__(self, root: Mapping[str, Any], leaf: Leaf, check: Any = None) -> None:
        self.root = root
        self.leaf = leaf
        self.check = check  # the document's own schema (open objects), when it differs
        self.building: list[str] = []  # the $refs being built, outermost first
        self.depth = 0  # objects and arrays the value being built is in
        self.validator = Draft202012Validator(root, format_checker=FORMAT_CHECKER)

    def value(self) -> Any:
        built = self.build(self.root)
        if not self.validator.is_valid(built):
            raise Unbuilt("the whole schema refuses the value built")
        checked = self.check is not None and self.check is not True and self.check is not self.root
        if checked and not Draft202012Validator(self.check, format_checker=FORMAT_CHECKER).is_valid(
            built
        ):
            raise Unbuilt("the document's own schema refuses the value built")
        return built

    def takes(self, schema: Any, value: Any) -> bool:
        """Whether `schema` (a part of the root: its $refs resolve there) takes `value`."""
        return bool(self.validator.evolve(schema=schema).is_valid(value))

    def build(self, schema: Any) -> Any:
        if schema is True:
            return None
        if not isinstance(schema, Mapping):
            raise Unbuilt("a false schema")
        if any(keyword in schema for keyword in UNMODELLED):
            raise Unbuilt(f"{next(k for k in UNMODELLED if k in schema)} is not modelled")
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        parts: list[Any] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            parts.append(self.referenced(ref))
        parts += [self.build(branch) for branch in schema.get("allOf") or ()]
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                parts.append(self.first_of(schema[keyword], exclusive=keyword == "oneOf"))
        own = self.own(schema)
        if own is not NOTHING:
            parts.append(own)
        return merge(parts)

    def referenced(self, ref: str) -> Any:
        pointer = decode_pointer(ref[1:]) if ref.startswith("#") else None
        found, target = lookup(self.root, pointer) if pointer is not None else (False, None)
        if not found:
            raise Unbuilt(f"$ref to nothing: {ref}")
        if ref in self.building:
            raise Cycle(ref)
        self.building.append(ref)
        try:
            return self.build(target)
        finally:
            self.building.pop()

    def first_of(self, branches: list[Any], *, exclusive: bool) -> Any:
        """The value of the first branch that builds; of `oneOf`, the first whose value no other
        branch takes too (else the first built: the whole schema decides)."""
        problem: Unbuilt | None = None
        first: Any = NOTHING
        for index, branch in enumerate(branches):
            try:
                built = self.build(branch)
            except Unbuilt as exc:
                problem = problem or exc
                continue
            others = branches[:index] + branches[index + 1 :] if exclusive else []
            if not any(self.takes(other, built) for other in others):
                return built
            first = built if first is NOTHING else first
        if first is not NOTHING:
            return first
        raise problem or Unbuilt("no branch")

    def own(self, schema: Mapping[str, Any]) -> Any:
        """The value of the schema's own type keywords; NOTHING when it has none."""
        declared = schema.get("type")
        types = [declared] if isinstance(declared, str) else list(declared or ())
        if not types:
            if "properties" in schema or "required" in schema:
                types = ["object"]
            elif "items" in schema or "prefixItems" in schema:
                types = ["array"]
            else:
                return NOTHING
        ordered = [t for t in types if t != "null"] + [t for t in types if t == "null"]
        problem: Unbuilt | None = None
        for kind in ordered:
            try:
                return BUILDERS[kind](self, schema)
            except KeyError:
                problem = problem or Unbuilt(f"unknown type {kind!r}")
            except Unbuilt as exc:  # a cycle: null, when the type allows it
                problem = problem or exc
        raise problem or Unbuilt("no type")

    def object(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        wanted = [n for n in schema.get("required") or () if isinstance(n, str)]
        extra = [n for n in properties if n not in wanted]
        wanted += extra[: max(0, int(schema.get("minProperties", 0)) - len(wanted))]
        composed = any(k in schema for k in ("$ref", "allOf", "oneOf", "anyOf"))
        built = {}
        with self.inside():
            for name in wanted:
                if name in properties:
                    built[name] = self.build(properties[name])
                elif not composed:  # else a branch names it, and builds it
                    built[name] = self.build(schema.get("additionalProperties", True))
        return built

    def array(self, schema: Mapping[str, Any]) -> list[Any]:
        count = int(schema.get("minItems", 0))
        if self.depth == 0 and schema.get("maxItems") != 0:
            count = max(count, 1)  # a list answer shows one item of its kind
        prefix = list(schema.get("prefixItems") or ())
        if count > 1 and schema.get("uniqueItems"):
            raise Unbuilt("unique items")
        with self.inside():
            return [
                self.build(prefix[i] if i < len(prefix) else schema.get("items", True))
                for i in range(count)
            ]

    @contextlib.contextmanager
    def inside(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def string(self, schema: Mapping[str, Any]) -> Any:
        plain = leaf(schema, "string", STRING)
        given = own_example(schema, plain, str)
        if given is not NOTHING:
            return given
        return self.leaf(plain, json.dumps(plain, sort_keys=True))

    def number(self, schema: Mapping[str, Any], integral: bool) -> Any:
        plain = leaf(schema, "integer" if integral else "number", NUMBER)
        given = own_example(schema, plain, int if integral else (int, float))
        if given is not NOTHING:
            return given
        low, high = schema.get("minimum"), schema.get("maximum")
        if isinstance(schema.get("exclusiveMinimum"), int | float):
            low = schema["exclusiveMinimum"] + (1 if integral else 0.5)
        if isinstance(schema.get("exclusiveMaximum"), int | float):
            high = schema["exclusiveMaximum"] - (1 if integral else 0.5)
        value: Any = 0 if low is None else max(low, 0)  # 0 when the bounds take it
        value = value if high is None else min(value, high)
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and step > 0:
            value = -(-value // step) * step  # the first multiple at or above it
        if integral:
            value = int(-(-value // 1))
        return value

    def integer(self, schema: Mapping[str, Any]) -> Any:
        return self.number(schema, True)

    def real(self, schema: Mapping[str, Any]) -> Any:
        return self.number(schema, False)

    def boolean(self, schema: Mapping[str, Any]) -> Any:
        given = own_example(schema, {"type": "boolean"}, bool)
        return False if given is NOTHING else given

    def null(self, schema: Mapping[str, Any]) -> None:
        return None


NOTHING = object()

BUILDERS: dict[str, Callable[[Walk, Mapping[str, Any]], Any]] = {
    "object": Walk.object,
    "array": Walk.array,
    "string": Walk.string,
    "integer": Walk.integer,
    "number": Walk.real,
    "boolean": Walk.boolean,
    "null": Walk.null,
}


def leaf(schema: Mapping[str, Any], kind: str, keywords: tuple[str, ...]) -> dict[str, Any]:
    """The part of `schema` that constrains a value of type `kind`."""
    return {"type": kind, **{k: schema[k] for k in keywords if k in schema}}


def own_example(schema: Mapping[str, Any], plain: Mapping[str, Any], kind: Any) -> Any:
    """The schema's first example (`examples`, `example`, `default`) of Python type `kind` that
    `plain` (its constraints) takes; NOTHING otherwise."""
    candidates = list(schema["examples"]) if isinstance(schema.get("examples"), list) else []
    candidates += [schema[k] for k in ("example", "default") if k in schema]
    checker = Draft202012Validator(plain, format_checker=FORMAT_CHECKER)
    for candidate in candidates:
        typed = isinstance(candidate, kind) and (kind is bool or not isinstance(candidate, bool))
        if typed and checker.is_valid(candidate):
            return candidate
    return NOTHING


def merge(parts: list[Any]) -> Any:
    """The values of a schema's parts ($ref, `allOf` branches, the chosen branch, its own
    keywords) as one: objects' properties together, a later part's value over an earlier one's
    (its own keywords last: a discriminator's pinned `const`), else the last given."""
    given = [p for p in parts if p is not None]
    if not given:
        return None
    if all(isinstance(p, dict) for p in given):
        merged: dict[str, Any] = {}
        for part in given:
            for name, value in part.items():
                if isinstance(merged.get(name), dict) and isinstance(value, dict):
                    merged[name] = merge([merged[name], value])
                else:
                    merged[name] = value
        return merged
    return given[-1]


def smallest(schema: Any, leaf: Leaf, *, check: Any = None) -> Any:
    """The smallest value of standalone `schema` (see the module doc), valid against `check` too
    when given (`jobmock.stateless.values.generate`'s); Unbuilt when it cannot."""
    return Walk(schema, leaf, check).value()


def seeded_leaves(seed: str, draw: Callable[[Any, random.Random], Any]) -> Leaf:
    """Leaf values drawn by `draw` (schema, rng) with a `random.Random` seeded by (`seed`, the
    leaf's schema) and kept: the same schema, the same value, whichever answer asks first."""
    kept: dict[str, Any] = {}

    def leaf(schema: Mapping[str, Any], key: str) -> Any:
        if key not in kept:
            kept[key] = draw(dict(schema), random.Random(f"{seed}:leaf:{key}"))
        return kept[key]

    return leaf
