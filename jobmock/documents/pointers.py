"""JSON Pointers and local `$ref`s inside one document: decode, encode, look up, follow.

    decode_pointer("/a~1b/0") -> ("a/b", "0")        None when the fragment is not a JSON Pointer
    encode_pointer(("a/b", 0)) -> "/a~1b/0"
    lookup(document, pointer) -> (found, value)
    deref(document, Node(pointer, value)) -> Node    where the `$ref` chain ends, and what is there

`deref` never raises: it stops at a reference it cannot follow (not local, not a pointer, a missing
target) and after `limit` hops (a cycle). `jobmock validate` walks malformed documents with it, the
response checker and the route table walk served ones; this module imports nothing of jobmock so
none of them loads another's package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

Pointer = tuple[str | int, ...]
"""Parts of a JSON Pointer; list indices are ints once resolved against a document."""


def decode_pointer(fragment: str) -> Pointer | None:
    """`/a~1b/0` -> ("a/b", "0") from a `$ref`'s fragment (so `%7B` is `{`); None if not a pointer."""
    if fragment == "":
        return ()
    if not fragment.startswith("/"):
        return None
    return tuple(unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment[1:].split("/"))


def encode_pointer(pointer: Pointer) -> str:
    """RFC 6901: `("paths", "/a/{b}", "get")` -> `/paths/~1a~1{b}/get`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in pointer)


def lookup(document: Any, pointer: Pointer) -> tuple[bool, Any]:
    """(found, value) for a pointer whose parts are strings (list indices as digits) or ints."""
    value = document
    for part in pointer:
        if isinstance(value, Mapping) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and str(part).isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


@dataclass(frozen=True)
class Node:
    """A value of the document and its pointer (after `deref`, where the last `$ref` led)."""

    pointer: Pointer
    value: Any


def deref(document: Mapping[str, Any], node: Node, limit: int = 20) -> Node:
    """Follow local `$ref`s (`#/...`) from `node`; stops at anything it cannot follow."""
    while limit and isinstance(node.value, Mapping) and isinstance(node.value.get("$ref"), str):
        ref: str = node.value["$ref"]
        if not ref.startswith("#"):
            return node
        pointer = decode_pointer(ref[1:])
        if pointer is None:
            return node
        found, value = lookup(document, pointer)
        if not found:
            return node
        node = Node(typed_pointer(document, pointer), value)
        limit -= 1
    return node


def typed_pointer(document: Any, pointer: Pointer) -> Pointer:
    """Pointer parts with list indices as ints, as `jobmock validate`'s SourceMap keys them."""
    out: list[str | int] = []
    value = document
    for part in pointer:
        if isinstance(value, list):
            out.append(int(part))
            value = value[int(part)]
        else:
            out.append(str(part))
            value = value[str(part)] if isinstance(value, Mapping) else None
    return tuple(out)
