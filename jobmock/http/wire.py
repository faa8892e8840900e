"""A request's raw strings for one parameter location, and how they are escaped.

A style's delimiters (`,` `;` `.` `=` `|`) are written as they are and the values between them
percent-encoded (RFC 6570 3.2.1: a value's reserved characters are pct-encoded), so a path or
query value is split before it is decoded: `name,a%2Cb` is the object `{"name": "a,b"}`. A query
value holding no delimiter but an encoded one comes from a client that encoded the delimiters
too (an HTTP library given `R,100` as one query value sends `R%2C100`): it is decoded first, so
a one-item array `a%2Cb` is `["a", "b"]`. Headers and cookies are not percent-encoded.
"""

from __future__ import annotations

import typing as t
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus


class Decoded(str):
    """A piece of a value already percent-decoded (not decoded again)."""


# the encoded forms of each delimiter a client may have sent in its place
ENCODED_DELIMITERS = {
    ",": ("%2C",),
    "|": ("%7C",),
    ";": ("%3B",),
    "=": ("%3D",),
    " ": ("%20", "+"),
    ".": (),  # unreserved (RFC 3986 2.3): never encoded
}


@dataclass(frozen=True)
class Wire:
    """How a location escapes its values: percent-encoded (path; query, where `+` is a space
    too) or as sent (headers, cookies, form fields the form parser decoded)."""

    encoded: bool = False
    plus: bool = False

    def text(self, piece: str) -> str:
        """A name or value as the client meant it."""
        if not self.encoded or isinstance(piece, Decoded):
            return piece
        return unquote_plus(piece) if self.plus else unquote(piece)

    def split(self, text: str, delimiter: str) -> list[str]:
        """An RFC 6570 list: nothing written is the empty list."""
        if not text:
            return []
        if isinstance(text, Decoded):
            return [Decoded(piece) for piece in text.split(delimiter)]
        if self.plus and delimiter not in text and self._encodes(text, delimiter):
            return [Decoded(piece) for piece in self.text(text).split(delimiter)]
        return text.split(delimiter)

    def partition(self, text: str, separator: str) -> tuple[str, str, str]:
        pieces = self.split(text, separator)
        if len(pieces) < 2:
            return (pieces[0] if pieces else text), "", ""
        tail = separator.join(pieces[1:])
        return pieces[0], separator, Decoded(tail) if isinstance(pieces[0], Decoded) else tail

    def _encodes(self, text: str, delimiter: str) -> bool:
        upper = text.upper()
        forms = ENCODED_DELIMITERS.get(delimiter, ())
        return any(form in upper for form in forms if form != "+" or self.plus)


AS_SENT = Wire()
PERCENT_ENCODED = Wire(encoded=True)
QUERY_ENCODED = Wire(encoded=True, plus=True)


def rest(text: str, start: int) -> str:
    """`text[start:]`, still known decoded if it was."""
    tail = text[start:]
    return Decoded(tail) if isinstance(text, Decoded) else tail


class Raw(t.Protocol):
    """A request's raw strings for one location."""

    @property
    def wire(self) -> Wire:
        """How the values are escaped."""
        ...

    def values(self, name: str) -> list[str]:
        """Every value sent under `name`, in order (one at most for path and header)."""
        ...

    def pairs(self) -> Sequence[tuple[str, str]]:
        """Every (name, value) sent, in order: exploded objects are spread over several names."""
        ...


@dataclass(frozen=True)
class Pairs:
    """Raw strings given as (name, value) pairs: a query string, cookies, a form body. Names
    are decoded, values as `wire` says."""

    items: Sequence[tuple[str, str]]
    wire: Wire = field(default=AS_SENT)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def pairs(self) -> Sequence[tuple[str, str]]:
        return self.items


@dataclass(frozen=True)
class One:
    """A location that carries one string per name: a path parameter, a header (its lines
    joined)."""

    name: str
    value: str | None
    wire: Wire = field(default=AS_SENT)

    def values(self, name: str) -> list[str]:
        return [self.value] if self.value is not None and name == self.name else []

    def pairs(self) -> Sequence[tuple[str, str]]:
        return [(self.name, self.value)] if self.value is not None else []


def query_pairs(query_string: bytes) -> Pairs:
    """A query string's pairs, names decoded and values as sent (`QUERY_ENCODED`)."""
    items = []
    for chunk in query_string.decode("latin-1").split("&"):
        if not chunk:
            continue
        key, _, value = chunk.partition("=")
        items.append((unquote_plus(key), value))
    return Pairs(items, QUERY_ENCODED)


def path_value(raw_path: bytes | None, name: str, value: str | None) -> One:
    """A path parameter as sent: its segment of the raw path where the whole segment is it
    (so `%2C` in it is a comma of a value), else the decoded value routing matched."""
    if value is not None and raw_path:
        for segment in raw_path.decode("latin-1").split("/"):
            if segment and unquote(segment) == value:
                return One(name, segment, PERCENT_ENCODED)
    return One(name, value, AS_SENT)


def _unquoted(value: str) -> str:
    # RFC 6265 4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def cookie_pairs(header: str) -> Pairs:
    """Every cookie of a `Cookie` header, in order, names repeated as sent (RFC 6265 5.4)."""
    pairs = []
    for chunk in header.split(";"):
        key, equals, value = chunk.partition("=")
        if equals:
            pairs.append((key.strip(), _unquoted(value.strip())))
    return Pairs(pairs)
