"""How deep JSON nests, measured without recursion, before anything recursive reads it.

`json.loads`, jsonschema and `json.dumps` all recurse once per level of arrays and objects: a body
nested about a thousand levels deep is a RecursionError (a 500) in each. Every JSON text jobmock
reads from a client (request bodies, uploaded JSON files, JSON form fields) and every value it
stores is checked here first against `Limits.json_max_depth`, and refused with the API's own 4xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# a string (skipped whole, escapes included) or one bracket: brackets inside strings do not count
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class TooDeep(json.JSONDecodeError):
    """JSON nested past the limit: text that does not decode (every reader of JSON already
    answers a JSONDecodeError with its API's 4xx), located at the bracket one level too deep."""

    def __init__(self, limit: int, text: str = "", pos: int = 0) -> None:
        super().__init__(f"nested deeper than {limit} levels", text, pos)
        self.limit = limit

    def __reduce__(self) -> tuple[Any, ...]:  # JSONDecodeError's own takes (msg, doc, pos)
        return (type(self), (self.limit, self.doc, self.pos))


def check_text(text: str, limit: int) -> None:
    """Raise TooDeep when arrays and objects in JSON `text` nest more than `limit` levels."""
    if text.count("[") + text.count("{") <= limit:  # the usual body: no scan needed
        return
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                raise TooDeep(limit, text, token.start())
        elif bracket in "]}":
            depth -= 1


def loads(text: str, limit: int) -> Any:
    """`json.loads(text)` once its nesting is known to be within `limit` (else TooDeep); a number
    Python will not convert (past 4,300 digits) is a JSONDecodeError too, not a bare ValueError."""
    check_text(text, limit)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # int() refuses over-long digit strings (CVE-2020-10735)
        raise json.JSONDecodeError(str(exc).split(";")[0], text, 0) from None


def check_value(value: Any, limit: int) -> None:
    """Raise TooDeep when a decoded value (lists, tuples, dicts) nests more than `limit` levels."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= limit:
                raise TooDeep(limit)
            stack.extend((child, depth + 1) for child in _children(item))


def _children(item: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> Iterator[Any]:
    return iter(item.values()) if isinstance(item, dict) else iter(item)
