"""`jobmock.http.segments`: the path routers match keeps a value's escaped `/` inside its segment
(OpenAPI 3.1, Parameter Object: path values "MUST NOT contain any unescaped ... forward slashes")."""

from __future__ import annotations

from urllib.parse import quote, unquote

from hypothesis import given
from hypothesis import strategies as st

from jobmock.http.segments import decoded_params, routing_path


def uvicorn_scope(raw: str) -> dict[str, object]:
    # uvicorn: `path` is the raw path percent-decoded once; `raw_path` the bytes as sent
    return {"path": unquote(raw), "raw_path": raw.encode("ascii")}


@given(st.lists(st.text(max_size=8), min_size=1, max_size=5))
def test_each_segment_routed_decodes_to_the_value_sent(segments: list[str]) -> None:
    raw = "/" + "/".join(quote(s, safe="") for s in segments)
    kept = routing_path(uvicorn_scope(raw))
    if kept is None:  # nothing to keep: the server's decoded path splits as sent
        assert not any("/" in s or "%" in s for s in segments)
        kept = unquote(raw)
    routed = kept.split("/")[1:]
    assert len(routed) == len(segments)
    decoded = decoded_params({str(i): part for i, part in enumerate(routed)})
    assert list(decoded.values()) == segments


def test_a_path_without_an_escaped_slash_or_percent_is_routed_as_decoded() -> None:
    assert routing_path(uvicorn_scope("/users/%C3%A9t%C3%A9")) is None
    assert routing_path({"path": "/users/a"}) is None  # no raw_path: the path stands


def test_a_server_that_decoded_otherwise_keeps_its_own_path() -> None:
    # Starlette's TestClient decodes `path` twice: `a%252Fb` arrives as `a/b`, routed as it came
    assert routing_path({"path": "/users/a/b", "raw_path": b"/users/a%252Fb"}) is None
    assert routing_path({"path": "/users/a%2Fb", "raw_path": b"/users/a%252Fb?x=1"}) == (
        "/users/a%252Fb"
    )
