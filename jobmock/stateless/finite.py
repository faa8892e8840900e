"""Schemas no finite value satisfies: the document's gap, told apart from what a generator misses.

A schema that requires itself has no finite value: @readme/oas-examples' circular-request-bodies
declares `TreeNode` with `parent` required and `parent` a `TreeNode`, so every tree needs a parent
tree without end, and `POST /direct` has no answer the document allows. jobmock answers 501 there
(`jobmock.stateless.answers`), says why at start, and `jobmock contract` lists that 501 under
`Document gaps` (`jobmock.contract.document_gaps`). Both ask this module, so they agree.

A value is finite when it is built in finitely many steps, so "has a finite value" is the least
fixed point of: `true`; a `const`/`enum`; a type other than object or array; an object whose
required properties have one; an array whose first `minItems` items (and `contains`) have one;
all of `allOf`, one of `anyOf`/`oneOf`, and the `$ref` target. Everything else (bounds, patterns,
`not`) is taken to have one: only a proof is a gap, the rest stays jobmock's to answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jobmock.documents.pointers import Pointer, decode_pointer, encode_pointer, lookup

LEAF_TYPES = frozenset({"string", "number", "integer", "boolean", "null"})
DEPTH = 64  # an explanation longer than this is no explanation


@dataclass(frozen=True)
class Endless:
    """Why a schema has no finite value: the schema that requires itself (or a `false` schema
    it requires) and the properties between."""

    at: Pointer  # where the schema is written
    through: str  # "parent", "employer.ceo", "children[0]"
    again: bool  # True: `through` leads back to `at`; False: to a schema nothing satisfies

    def why(self) -> str:
        name = str(self.at[-1]) if self.at else "schema"
        if self.again:
            return (
                f"no finite value satisfies it: every {name} requires {self.through}, another "
                f"{name} ({'#' + encode_pointer(self.at)})"
            )
        return (
            f"no value satisfies it: it requires {self.through}, which nothing satisfies "
            f"({'#' + encode_pointer(self.at)})"
        )


class Solver:
    """Which `$ref`s of one document have a finite value (their least fixed point)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.known: dict[str, bool] = {}

    def finite(self, schema: Any) -> bool:
        while True:
            before = dict(self.known)
            found = self.value(schema)
            for ref in list(self.known):
                self.known[ref] = self.value(self.target(ref))
            if self.known == before:  # monotone: every step only turns False into True
                return found

    def target(self, ref: str) -> Any:
        pointer = decode_pointer(ref[1:]) if ref.startswith("#") else None
        found, value = lookup(self.document, pointer) if pointer is not None else (False, None)
        return value if found else True  # a ref this module cannot follow proves nothing

    def value(self, schema: Any) -> bool:
        """Whether `schema` has a finite value, reading each `$ref` as currently known."""
        if not isinstance(schema, Mapping):
            return schema is not False
        ref = schema.get("$ref")
        if isinstance(ref, str) and not self.known.setdefault(ref, False):
            return False
        if not all(self.value(part) for part in _list(schema, "allOf")):
            return False
        for keyword in ("anyOf", "oneOf"):
            branches = _list(schema, keyword)
            if branches and not any(self.value(part) for part in branches):
                return False
        return self.own(schema)

    def own(self, schema: Mapping[str, Any]) -> bool:
        """Whether the schema's own type keywords leave a finite value."""
        if "const" in schema or "enum" in schema:
            return True
        types = _types(schema)
        if types is None or types & LEAF_TYPES:
            return True
        return ("object" in types and not any(True for _ in self.unmet_properties(schema))) or (
            "array" in types and not any(True for _ in self.unmet_items(schema))
        )

    def unmet_properties(self, schema: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        other = schema.get("additionalProperties", True)
        for name in _list(schema, "required"):
            held = properties.get(name, other) if isinstance(name, str) else True
            if not self.value(held):
                yield str(name), held

    def unmet_items(self, schema: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
        first = _list(schema, "prefixItems")
        count = schema.get("minItems", 0)
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        for n in range(min(count, len(first) + 1)):
            item = first[n] if n < len(first) else schema.get("items", True)
            if not self.value(item):
                yield f"[{n}]", item
        needed = "contains" in schema and schema.get("minContains", 1) != 0
        if needed and not self.value(schema["contains"]):
            yield "[contains]", schema["contains"]


def endless(schema: Any, at: Pointer, document: Mapping[str, Any]) -> Endless | None:
    """Why `schema` (written at `at` in `document`) has no finite value, or None: it has one, or
    this module cannot tell."""
    solver = Solver(document)
    if solver.finite(schema):
        return None
    return _explain(solver, schema, at)


def _explain(solver: Solver, schema: Any, at: Pointer) -> Endless | None:
    """Follow what has no finite value from `schema` down to a schema met again, or `false`."""
    seen: dict[Pointer, int] = {at: 0}
    path: list[str] = []
    node, where = schema, at
    for _ in range(DEPTH):
        if node is False:
            return Endless(where, _dotted(path), again=False)
        if not isinstance(node, Mapping):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str) and not solver.known.get(ref, True):
            pointer = decode_pointer(ref[1:]) or ()
            if pointer in seen:
                return Endless(pointer, _dotted(path[seen[pointer] :]), again=True)
            seen[pointer] = len(path)
            node, where = solver.target(ref), pointer
            continue
        step = _next(solver, node, where)
        if step is None:
            return None
        part, node, where = step
        if part:
            path.append(part)
    return None


def _next(solver: Solver, node: Mapping[str, Any], at: Pointer) -> tuple[str, Any, Pointer] | None:
    """The first part of `node` without a finite value: (property name or "", it, its pointer)."""
    for n, part in enumerate(_list(node, "allOf")):
        if not solver.value(part):
            return "", part, (*at, "allOf", n)
    for keyword in ("anyOf", "oneOf"):
        branches = _list(node, keyword)
        if branches and not any(solver.value(part) for part in branches):
            return "", branches[0], (*at, keyword, 0)
    types = _types(node) or set()
    if "object" in types:
        for name, held in solver.unmet_properties(node):
            inside = "properties" if name in (node.get("properties") or {}) else None
            pointer = (*at, inside, name) if inside else (*at, "additionalProperties")
            return name, held, pointer
    if "array" in types:
        first = len(_list(node, "prefixItems"))
        for label, item in solver.unmet_items(node):
            index = label.strip("[]")
            if index == "contains":
                return label, item, (*at, "contains")
            spot = (*at, "prefixItems", int(index)) if int(index) < first else (*at, "items")
            return label, item, spot
    return None


def _dotted(path: list[str]) -> str:
    return ".".join(path).replace(".[", "[")


def _list(schema: Mapping[str, Any], keyword: str) -> list[Any]:
    value = schema.get(keyword)
    return value if isinstance(value, list) else []


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return None
