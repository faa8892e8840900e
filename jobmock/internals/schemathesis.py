"""schemathesis' private names, reached from here only (pinned to one minor version in pyproject.toml).

`tests/internals/test_private_names.py` checks each one still exists and behaves as relied on.
"""

from __future__ import annotations

import threading
import typing as t

from schemathesis.core.failures import Failure
from schemathesis.specs.openapi._auth_retry import send_probe as _send_probe

# sends a check's extra request as a child of the case: recorded in the run, with its transport
# settings and none of its credentials; `case.call()` is public but does neither
send_probe: t.Callable[[t.Any, t.Any, t.Any], t.Any] = _send_probe


class KeyedFailure(Failure):
    """schemathesis' `Failure`, with the key that tells apart two failures of one class on one
    operation as a public hook (`unique_key`); schemathesis reports failures that compare equal
    once."""

    __slots__ = ()

    @property
    def _unique_key(self) -> str:
        # `Failure.__eq__` (and the crash report's fingerprint) read this private property only
        return self.unique_key

    @property
    def unique_key(self) -> str:
        """What makes this failure distinct. Default: schemathesis' (one per class and operation)."""
        key: str = super()._unique_key
        return key


CHARACTERS = {  # code points a string may not hold, by how readable a generated string is to be
    "words": "".join(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == " ")),
    "printable": "".join(map(chr, range(32))) + "\x7f",
}


def schema_strategy(schema: t.Any, *, readable: str | None = None) -> t.Any:
    """A Hypothesis strategy of values valid against a JSON Schema 2020-12 `schema`, by schemathesis'
    generator (`generation.jsonschema.builder.build`, with its OpenAPI formats); None when the
    schema admits no value. `readable` ("words": ASCII letters, digits and spaces; "printable":
    printable ASCII) narrows the characters of strings and property names, so a schema whose
    pattern needs others admits none."""
    import jsonschema_rs
    from schemathesis.generation.jsonschema.builder import EMPTY_STRATEGY, build
    from schemathesis.generation.jsonschema.context import Alphabet

    alphabet = None
    if readable is not None:
        alphabet = Alphabet(
            allow_x00=False,
            codec="ascii",
            max_codepoint=127,
            exclude_characters=CHARACTERS[readable],
        )
    built = build(schema, draft=jsonschema_rs.Draft202012, formats=_formats(), alphabet=alphabet)
    return None if built is EMPTY_STRATEGY else built


_FORMATS: dict[str, t.Any] = {}


def _formats() -> dict[str, t.Any]:
    """One format map for every build: schemathesis caches strategies by its identity."""
    from schemathesis.specs.openapi.formats import get_default_format_strategies

    if not _FORMATS:
        _FORMATS.update(get_default_format_strategies())
    return _FORMATS


_CLIENT = threading.local()  # this thread's in-process client: the last app's, and its headers
_INSTALLED: list[t.Callable[..., t.Any]] = []  # schemathesis' own get_client, once replaced


def reuse_asgi_clients() -> None:
    """Have schemathesis' in-process transport reuse one client per thread, reset to as new for
    each request: `ASGITransport.send` builds a new `ASGIClient` (a requests Session, its adapters
    and pools) per request, and requests reads the environment's proxies and ~/.netrc for each
    one: a third of the transport's CPU (bench/results/profile.md, "Contract run"). Idempotent;
    the client is as schemathesis makes it, without the environment (no proxy applies
    in-process)."""
    from schemathesis.python import asgi

    if not _INSTALLED:
        _INSTALLED.append(asgi.get_client)
        asgi.get_client = _reused_client


def _reused_client(app: t.Any, *, max_stream_events: int | None = None) -> t.Any:
    from schemathesis.core.transport import DEFAULT_MAX_STREAM_EVENTS

    events = DEFAULT_MAX_STREAM_EVENTS if max_stream_events is None else max_stream_events
    cached = getattr(_CLIENT, "cached", None)
    if cached is None or cached[0] is not app or cached[1] != events:
        client = _INSTALLED[0](app, max_stream_events=events)
        client.trust_env = False
        cached = _CLIENT.cached = (app, events, client, dict(client.headers))
    _, _, client, headers = cached
    # as new: the transport copies the engine's headers, auth and cookies into it per request
    client.headers.clear()
    client.headers.update(headers)
    client.auth = None
    client.cookies.clear()
    return client
