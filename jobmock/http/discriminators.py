"""A request body's `oneOf`/`anyOf` branches chosen by their discriminator, as OpenAPI says.

OpenAPI 3.0.3 and 3.1.0, Schema Object: "the `discriminator` will be the name of the property
that decides which schema definition validates the structure of the model", and Discriminator
Object: "If the discriminator _value_ does not match an implicit or explicit mapping, no schema
can be determined and validation SHOULD fail". JSON Schema alone knows no discriminator: two
branches that differ only in the value of that property both match, and `oneOf` refuses a value
the document means as one of them. So a request is checked against a view of its schema in which
each branch named by a `$ref` also requires the property, set to a value that names it: the keys
of `mapping` that point at it (a reference or, as 3.0.3 allows, a schema name), else its implicit
value, its component's name (unless `mapping` gives that value to another branch). An inline
branch is left as written ("When using the discriminator, _inline_ schemas will not be
considered"). A `oneOf`/`anyOf` without a discriminator whose branches inherit one (through
`allOf`, from a parent schema that holds it) is read by the parent's: "the discriminator MAY be
added to a parent schema definition, and all schemas comprising the parent schema in an `allOf`
construct may be used as an alternate schema" (3.1.0, Discriminator Object). A schema used
alone is not narrowed by the discriminator its parent holds.

connexion hands validators the schema with its `$ref`s resolved: a branch is then a shallow
copy of its component (`resolve_refs` updates the `$ref` node with the component's items), so
its component is the one whose items are the very same objects.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

Schema = dict[str, t.Any]
COMPONENT = "#/components/schemas/"
BRANCHING = ("oneOf", "anyOf")
PARENTS_DEEP = 8  # how far up `allOf` a discriminator is looked for


def has_discriminator(node: t.Any, seen: set[int] | None = None) -> bool:
    """Whether any schema reachable from `node` may pin branches by a discriminator: its own, or
    one a parent holds beside a `oneOf`/`anyOf` (its `components`, beside it for references,
    are not walked: what it uses is inlined)."""
    seen = set() if seen is None else seen
    pending = [
        {k: v for k, v in node.items() if k != "components"} if isinstance(node, dict) else node
    ]
    composite = held = False
    while pending:
        node = pending.pop()
        if id(node) in seen or not isinstance(node, dict | list):
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if _discriminated(node):
                return True
            composite = composite or any(isinstance(node.get(k), list) for k in BRANCHING)
            held = held or _holds(node)
            if composite and held:
                return True
            pending.extend(node.values())
        else:
            pending.extend(node)
    return False


def pinned(schema: Schema) -> Schema:
    """A copy of `schema` whose discriminated branches each require their discriminator values
    (cycles kept; the components named in `schema["components"]` give implicit values)."""
    components = (schema.get("components") or {}).get("schemas") or {}
    done: dict[int, t.Any] = {}
    if "components" in schema:  # kept for `$ref`s left in it, not copied (GitHub's: 8 MB)
        done[id(schema["components"])] = schema["components"]
    copied: Schema = _copy(schema, components, done)
    return copied


def _holds(node: Mapping[str, t.Any]) -> bool:
    discriminator = node.get("discriminator")
    return isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str)


def _discriminated(node: Mapping[str, t.Any]) -> bool:
    return _holds(node) and any(isinstance(node.get(k), list) for k in BRANCHING)


def _component(node: t.Any, components: Mapping[str, t.Any]) -> t.Any:
    """`node`, or the component its `$ref` names."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    return components.get(_component_name(ref)) if isinstance(ref, str) else node


def parent_discriminator(
    schema: t.Any, components: Mapping[str, t.Any], depth: int = PARENTS_DEEP
) -> dict[str, t.Any] | None:
    """The discriminator a schema inherits: held by a schema it is `allOf` (or that one's)."""
    for parent in (schema.get("allOf") or ()) if isinstance(schema, dict) else ():
        parent = _component(parent, components)
        if isinstance(parent, dict) and _holds(parent):
            return t.cast(dict[str, t.Any], parent["discriminator"])
        found = parent_discriminator(parent, components, depth - 1) if depth else None
        if found is not None:
            return found
    return None


def discriminator_of(
    node: Mapping[str, t.Any], components: Mapping[str, t.Any]
) -> dict[str, t.Any] | None:
    """The discriminator deciding `node`'s `oneOf`/`anyOf` branches: its own, else the one its
    branches inherit from a parent (every branch that names a component, one property name)."""
    if not any(isinstance(node.get(k), list) for k in BRANCHING):
        return None
    if _holds(node):
        return t.cast(dict[str, t.Any], node["discriminator"])
    inherited = [
        parent_discriminator(_component(branch, components), components)
        for keyword in BRANCHING
        for branch in node.get(keyword) or ()
        if _names(branch, components)
    ]
    names = {d.get("propertyName") if d else None for d in inherited}
    if inherited and len(names) == 1 and None not in names:
        return inherited[0]
    return None


def _copy(node: t.Any, components: Mapping[str, t.Any], done: dict[int, t.Any]) -> t.Any:
    if id(node) in done:
        return done[id(node)]
    if isinstance(node, list):
        items: list[t.Any] = []
        done[id(node)] = items
        items.extend(_copy(item, components, done) for item in node)
        return items
    if not isinstance(node, dict):
        return node
    view: Schema = {}
    done[id(node)] = view
    discriminator = discriminator_of(node, components)
    values = branch_values(node, components, discriminator) if discriminator else {}
    prop = discriminator["propertyName"] if discriminator and values else ""
    for key, value in node.items():
        if key in ("oneOf", "anyOf") and isinstance(value, list) and values:
            branches = [_copy(branch, components, done) for branch in value]
            named = [values.get((key, index)) for index in range(len(branches))]
            if all(named) and not ("oneOf" in node and "anyOf" in node):
                _dispatch(view, prop, branches, t.cast(list[list[str]], named))
            else:
                view[key] = [_pin(b, prop, names) for b, names in zip(branches, named, strict=True)]
        elif key == "allOf" and isinstance(value, list):
            view.setdefault("allOf", []).extend(_copy(value, components, done))
        else:
            view[key] = _copy(value, components, done)
    return view


def _dispatch(view: Schema, prop: str, branches: list[t.Any], named: list[list[str]]) -> None:
    """Every branch named: the value must be one of theirs, and the body is checked against the
    branch it names alone (its problems, not the other branches', are the ones reported)."""
    every = [name for names in named for name in names]
    checks = view.setdefault("allOf", [])
    checks.append({"required": [prop], "properties": {prop: {"enum": every}}})
    for branch, names in zip(branches, named, strict=True):
        chosen = {"required": [prop], "properties": {prop: {"enum": names}}}
        checks.append({"if": chosen, "then": branch})


def _pin(branch: t.Any, prop: str, names: list[str] | None) -> t.Any:
    """A branch beside an inline one: it also requires a value that names it."""
    if not names:
        return branch  # inline: not considered by the discriminator
    return {"allOf": [branch], "required": [prop], "properties": {prop: {"enum": names}}}


def branch_values(
    node: Mapping[str, t.Any],
    components: Mapping[str, t.Any],
    discriminator: Mapping[str, t.Any] | None = None,
) -> dict[tuple[str, int], list[str]]:
    """The discriminator values that name each branch of `node`'s oneOf/anyOf, by (keyword,
    index): the mapping's keys for it, else its implicit value, its component's name (3.1.0:
    "the discriminator value of `dog` will map to the schema `Dog`, rather than the default
    (implicit) value of `Dog`"). `discriminator`: node's own unless given (one it inherits)."""
    mapping = (discriminator or node["discriminator"]).get("mapping")
    explicit: dict[str, list[str]] = {}  # component name (or other reference) -> its keys
    for value, target in mapping.items() if isinstance(mapping, dict) else ():
        if isinstance(target, str):
            explicit.setdefault(_component_name(target), []).append(str(value))
    found: dict[tuple[str, int], list[str]] = {}
    taken = {value for values in explicit.values() for value in values}
    for keyword in ("oneOf", "anyOf"):
        for index, branch in enumerate(node.get(keyword) or ()):
            names = _names(branch, components)
            values = [v for name in names for v in explicit.get(name, ())]
            values += [name for name in names if name not in explicit and name not in taken]
            if values:
                found[(keyword, index)] = values
    return found


def _names(branch: t.Any, components: Mapping[str, t.Any]) -> list[str]:
    """The component names a branch stands for: its `$ref`'s, else (resolved) its component's."""
    if not isinstance(branch, dict):
        return []
    ref = branch.get("$ref")
    if isinstance(ref, str):
        return [_component_name(ref)]
    return [name for name, schema in components.items() if _resolved_from(branch, schema)]


def _resolved_from(branch: Mapping[str, t.Any], component: t.Any) -> bool:
    # the very same `properties`, `allOf`...: equal strings are often one object in Python
    if not isinstance(component, dict):
        return False
    shared = [value for value in component.values() if isinstance(value, dict | list)]
    return bool(shared) and all(
        key in branch and branch[key] is value for key, value in component.items()
    )


def _component_name(reference: str) -> str:
    if reference.startswith(COMPONENT) and "/" not in reference[len(COMPONENT) :]:
        return reference[len(COMPONENT) :].replace("~1", "/").replace("~0", "~")
    return reference
