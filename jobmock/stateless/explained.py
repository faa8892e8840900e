"""A documented error body that says why: the refusal's reason in the string properties such a
body keeps it in (`message`, `detail`, `error_description`...), where the body's schema allows it.

A refused request answers the operation's own error response (`jobmock.stateless.runtime`), whose
body is its example or a value generated from its schema: `{"errors": [{"message": ""}]}` tells a
developer nothing. The mock knows why it refused (`limit: -1 is less than the minimum of 1`), so
it writes that there. The body stays valid against the document: a schema that refuses the text
(an enum, a pattern, a length) keeps the body as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# property names (lower case, `_` and `-` left out) that hold an error's text for people
MESSAGE_NAMES = frozenset(
    {"message", "detail", "errordescription", "errormessage", "msg", "reason", "description"}
)
MAX_DEPTH = 6  # error envelopes nest a list of errors in an object or two, not deeper


def is_message_name(name: str) -> bool:
    return name.lower().replace("_", "").replace("-", "") in MESSAGE_NAMES


def with_reason(body: Any, text: str, depth: int = 0) -> Any:
    """`body` with `text` in every string property named for an error's text (a copy)."""
    if depth > MAX_DEPTH:
        return body
    if isinstance(body, Mapping):
        return {
            key: text
            if isinstance(value, str) and isinstance(key, str) and is_message_name(key)
            else with_reason(value, text, depth + 1)
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [with_reason(item, text, depth + 1) for item in body]
    return body


def explained(body: Any, text: str, valid: Callable[[Any], bool]) -> Any:
    """`body` saying `text` where it has room for it and stays `valid`, else `body` as it was."""
    told = with_reason(body, text)
    return told if told != body and valid(told) else body
