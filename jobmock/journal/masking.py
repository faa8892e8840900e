"""What of a request the journal may keep: credentials masked, bodies cut at a limit.

No credential value is ever stored.  A value is masked when its name says it is one: a name the
API's security schemes declare (an apiKey's header, query parameter or cookie; `Authorization` for
http, oauth2 and openIdConnect), or a name any API uses for one (`Authorization`, `Cookie`,
`X-Api-Key`, anything with token, secret, password, session or key in it).  Bodies are masked the
same way by member or field name (JSON, forms, multipart), so a login's `password` or an issued
`token` never reaches the store either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

MASK = "<masked>"

# names any API may carry a credential under (headers, cookies, query, body members)
SECRET_NAME = re.compile(
    r"auth|token|secret|passw|pwd|api[-_]?key|apikey|session|cookie|credential|signature|csrf|xsrf",
    re.I,
)
# body members: `auth` alone would hide `author`; the rest as above
SECRET_MEMBER = r"(?:authorization|token|secret|passw|pwd|api[-_]?key|apikey|session|credential)"
JSON_MEMBER = re.compile(
    r'("[^"\\]*' + SECRET_MEMBER + r'[^"\\]*"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)', re.I
)
FORM_FIELD = re.compile(r"((?:^|[&?])[^=&\s]*" + SECRET_MEMBER + r"[^=&\s]*=)[^&\s]*", re.I)
# words a secret member's name contains: checked with `in` on the lowered text first (fast), as
# most bodies name no secret at all and the patterns below cost a scan each
SECRET_WORDS = re.compile("authorization|token|secret|passw|pwd|key|session|credential")
MULTIPART_FIELD = re.compile(
    r'(name="[^"]*' + SECRET_MEMBER + r'[^"]*"[^\n]*\n(?:[^\r\n]+\r?\n)*\r?\n)[^\r\n]*', re.I
)


@lru_cache(maxsize=4096)
def secret_name(name: str) -> bool:
    """Whether a header, cookie or parameter name says it carries a credential (names repeat)."""
    return SECRET_NAME.search(name) is not None


@dataclass(frozen=True)
class Secrets:
    """The names under which one API's clients send credentials, besides the common ones."""

    headers: frozenset[str] = frozenset({"authorization", "proxy-authorization"})
    parameters: frozenset[str] = frozenset()  # query parameters
    cookies: frozenset[str] = frozenset()
    values: frozenset[str] = field(default_factory=frozenset)  # known credentials, masked anywhere

    @classmethod
    def of(cls, document: Mapping[str, Any], known: Iterable[str] = ()) -> Secrets:
        """From the document's security schemes (and the fixtures' credentials, `known`)."""
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        where: dict[str, set[str]] = {"header": set(), "query": set(), "cookie": set()}
        for scheme in schemes.values():
            if not isinstance(scheme, Mapping):
                continue
            if scheme.get("type") == "apiKey" and scheme.get("in") in where:
                where[str(scheme["in"])].add(str(scheme.get("name", "")).lower())
            else:  # http, oauth2, openIdConnect: the Authorization header
                where["header"].add("authorization")
        return cls(
            headers=frozenset({"authorization", "proxy-authorization", *where["header"]}),
            parameters=frozenset(where["query"]),
            cookies=frozenset(where["cookie"]),
            values=frozenset(value for value in known if len(value) >= 4),
        )

    def header(self, name: str, value: str) -> str:
        lower = name.lower()
        if lower in ("cookie", "set-cookie"):
            return self.cookie(value)
        if lower in self.headers or secret_name(lower):
            scheme, space, _ = value.partition(" ")
            # the scheme word (Bearer, Basic) helps reading and is no secret
            return f"{scheme} {MASK}" if space and scheme.isalpha() else MASK
        return self.known_masked(value)  # a credential sent under a name that does not say so

    def known_masked(self, text: str) -> str:
        """`text` with every known credential masked (a path, a header under any name)."""
        if len(text) < self.shortest:  # too short to hold one
            return text
        for known in self.known:
            if known in text:
                text = text.replace(known, MASK)
        return text

    def cookie(self, value: str) -> str:
        """Every cookie's value masked: a session cookie is a credential whatever its name."""
        pairs = [part.strip().partition("=") for part in value.split(";") if part.strip()]
        return "; ".join(f"{name}={MASK}" if sep else name for name, sep, _ in pairs)

    def query(self, query: str) -> str:
        if not query:
            return query
        out = []
        for pair in query.split("&"):
            name, sep, _ = pair.partition("=")
            secret = name.lower() in self.parameters or secret_name(name.lower())
            out.append(f"{name}={MASK}" if sep and secret else pair)
        return self.text("&".join(out))

    def text(self, text: str) -> str:
        """A body or value with secret members, fields and known credentials masked."""
        if SECRET_WORDS.search(text.lower()):
            text = JSON_MEMBER.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
            text = FORM_FIELD.sub(lambda m: m.group(1) + MASK, text)
            text = MULTIPART_FIELD.sub(lambda m: m.group(1) + MASK, text)
        for value in self.known:
            if value in text:
                text = text.replace(value, MASK)
        return text

    @cached_property
    def shortest(self) -> int:
        return min((len(value) for value in self.values), default=1 << 30)

    @cached_property
    def known(self) -> tuple[str, ...]:
        """Known credentials, longest first (one may contain another)."""
        return tuple(sorted(self.values, key=len, reverse=True))


MARGIN = 512  # bytes read past the limit: a credential cut by it is still recognised, then masked


def body_text(
    data: bytes, total: int, content_type: str, limit: int, secrets: Secrets
) -> dict[str, Any]:
    """What the journal keeps of a body: its text up to `limit` characters, masked (a binary one
    is only named).  `data` is the body's first `limit + MARGIN` bytes."""
    kept: dict[str, Any] = {"bytes": total, "truncated": total > limit}
    if not total:
        kept["text"] = ""
        return kept
    binary = not any(
        kind in content_type
        for kind in ("json", "text", "xml", "form", "csv", "javascript", "multipart", "yaml")
    )
    if binary and content_type:
        kept["text"] = f"<{total} bytes of {content_type.split(';')[0]}>"
        return kept
    kept["text"] = secrets.text(data.decode("utf-8", errors="replace"))[:limit]
    return kept
