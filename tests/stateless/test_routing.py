"""Which operation a request reaches in a user's document: nested templates (npm's
@readme/oas-examples `link-example.json`: `/repositories/{username}` and
`/repositories/{username}/{slug}` beside it), a slash more or less, an encoded slash."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.from_thread
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.testing.transport import lifespan
from tests.asgi import answer, http_scope

# each operation answers its own name: the body says which one a request reached
TEMPLATES = {
    "/users/{username}": "getUser",
    "/repositories/{username}": "listRepositories",
    "/repositories/{username}/{slug}": "getRepository",
    "/repositories/{username}/{slug}/pullrequests": "listPullRequests",
    "/repositories/{username}/{slug}/pullrequests/{pid}": "getPullRequest",
    "/repositories/{username}/mine": "listMine",
}


def operation(path: str, name: str) -> str:
    params = "".join(
        f"\n        - {{name: {p}, in: path, required: true, schema: {{type: string}}}}"
        for p in (part[1:-1] for part in path.split("/") if part.startswith("{"))
    )
    return f"""
  {path}:
    get:
      operationId: {name}
      parameters:{params or " []"}
      responses:
        '200':
          description: {name}
          content:
            application/json:
              schema: {{type: string, enum: [{name}]}}"""


DOCUMENT = "openapi: 3.0.3\ninfo: {title: links, version: '1'}\npaths:" + "".join(
    operation(path, name) for path, name in TEMPLATES.items()
)


@pytest.fixture(scope="module")
def links(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    document: Path = tmp_path_factory.mktemp("links") / "links.yaml"
    document.write_text(DOCUMENT)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        yield client


def test_each_template_answers_its_own_operation(links: TestClient) -> None:
    for path, name in TEMPLATES.items():
        concrete = path.replace("{", "v").replace("}", "")
        response = links.get(concrete)
        assert (response.status_code, response.json()) == (200, name), concrete


def test_a_trailing_slash_is_no_other_operations_path(links: TestClient) -> None:
    # an empty {slug} makes `/repositories/j/` (schemathesis' stateful phase sent it, the slug
    # taken from an answer's ""); OpenAPI 3.0.3, Style Examples: `simple` has no form for an empty
    # value ("n/a"), and `/repositories/j/` is not the path `/repositories/{username}` either:
    # no operation's path, 404 (as Prism's NO_PATH_MATCHED_ERROR), not Starlette's 307 to
    # `/repositories/j`, whose list a client following it took for getRepository's answer
    for path in ("/repositories/j/", "/users/j/", "/repositories/j/s/pullrequests/"):
        response = links.get(path, follow_redirects=False)
        assert response.status_code == 404, (path, response.headers)
        assert response.headers["content-type"] == "application/problem+json"


# What uvicorn hands the app (tests/asgi.py): `path` percent-decoded once, `raw_path` as sent.
async def wire_get(app: Any, raw: str) -> tuple[int, Any]:
    status, _, body = await answer(app, http_scope(raw))
    return status, json.loads(body) if body else None


@contextlib.contextmanager
def wire(folder: Path, text: str) -> Iterator[Callable[[str], tuple[int, Any]]]:
    """GET a raw path of the app serving the document `text`, as uvicorn would hand it."""
    document = folder / "document.yaml"
    document.write_text(text)
    app = create_app(Config(documents=(f"={document}",)))
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(lifespan(app)),
    ):
        yield lambda raw: portal.call(wire_get, app, raw)


@pytest.fixture(scope="module")
def on_the_wire(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], tuple[int, Any]]]:
    with wire(tmp_path_factory.mktemp("wire"), DOCUMENT) as get:
        yield get


def expected(segments: list[str]) -> str | None:
    """The operation OpenAPI's path templating gives decoded `segments`: each template segment is
    its literal or a non-empty value; a concrete segment before a templated one (Paths Object)."""
    found = []
    for template, name in TEMPLATES.items():
        parts = template.split("/")[1:]
        if len(parts) == len(segments) and all(
            (p.startswith("{") and s) or p == s for p, s in zip(parts, segments, strict=True)
        ):
            found.append((sum(not p.startswith("{") for p in parts), name))
    return max(found)[1] if found else None


def test_an_encoded_slash_is_a_path_parameters_own(
    on_the_wire: Callable[[str], tuple[int, Any]],
) -> None:
    # OpenAPI 3.1, Parameter Object: path parameter values "MUST NOT contain any unescaped
    # 'generic syntax' characters described by RFC3986: forward slashes (/), ...": escaped, the
    # slash is username's, `a%2Fb` one segment (it reached getRepository as (a, b))
    assert on_the_wire("/repositories/a%2Fb") == (200, "listRepositories")
    assert on_the_wire("/users/a%2fb") == (200, "getUser")
    assert on_the_wire("/repositories/a%2Fb/mine") == (200, "listMine")
    assert on_the_wire("/repositories/a%252Fb/c") == (200, "getRepository")  # `a%2Fb` as text
    assert on_the_wire("/repositories/a/b") == (200, "getRepository")
    assert on_the_wire("/repositories/a%2F")[0] == 200  # `a/`: still one segment
    assert on_the_wire("/repositories/a/")[0] == 404


FILES = """\
openapi: 3.0.3
info: {title: files, version: '1'}
paths:
  /files/{name}:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string, enum: [a/b, c%d]}}
      responses:
        '200': {description: the file}
"""


def test_an_encoded_slash_reaches_the_operation_decoded(tmp_path: Path) -> None:
    # the value validated is the segment decoded: `a%2Fb` is `a/b`, `a%252Fb` is `a%2Fb`
    with wire(tmp_path, FILES) as get:
        assert get("/files/a%2Fb")[0] == 200
        assert get("/files/c%25d")[0] == 200
        assert get("/files/a%252Fb")[0] == 422
        assert get("/files/a%2Fb") == get("/files/a%2Fb")


SEGMENT = st.one_of(
    st.sampled_from(["repositories", "users", "pullrequests", "mine", "", "%", "a/b", "%2F"]),
    st.text(min_size=1, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(segments=st.lists(SEGMENT, min_size=1, max_size=6))
def test_a_path_reaches_the_operation_its_segments_name_routed_or_remembered(
    on_the_wire: Callable[[str], tuple[int, Any]], segments: list[str]
) -> None:
    raw = "/" + "/".join(quote(s, safe="") for s in segments)
    name = expected(segments)
    first, again = on_the_wire(raw), on_the_wire(raw)  # the Routers, then the route remembered
    assert first == again, raw
    if name is None:
        assert first[0] == 404, (raw, first)
    else:
        assert first == (200, name), raw


SERVERS = """\
openapi: 3.0.3
info: {title: servers, version: '1'}
servers:
  - url: 'https://{name}.example.com/{basePath}'
    variables: {name: {default: demo}, basePath: {default: v2}}
paths:
  /global:
    post:
      responses: {'200': {description: ok}}
  /operation:
    post:
      servers:
        - url: 'https://httpbin.com/anything/{subpath}'
          variables: {subpath: {default: demo}}
      responses: {'200': {description: ok}}
  /path:
    servers: [{url: /v3}]
    put:
      responses: {'200': {description: ok}}
  /none:
    servers: []
    get:
      responses: {'200': {description: ok}}
"""
MOCK = {"url": "/", "description": "jobmock"}


def test_an_operation_is_served_at_its_path_whatever_its_servers(tmp_path: Path) -> None:
    # OpenAPI 3.0.3, Paths Object: "The path is appended ... to the expanded URL from the Server
    # Object's url field"; the mock is a server of every operation, listed first, so the URL a
    # client builds from the first server is the operation's path (Prism ignores servers' paths)
    document = tmp_path / "servers.yaml"
    document.write_text(SERVERS)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        served = client.get("/openapi.json").json()
        paths = served["paths"]
        assert served["servers"][0] == MOCK
        assert paths["/operation"]["post"]["servers"][0] == MOCK
        assert paths["/operation"]["post"]["servers"][1]["url"].startswith("https://httpbin")
        assert paths["/path"]["servers"] == [MOCK, {"url": "/v3"}]
        assert paths["/none"]["servers"] == []  # "[]": no server of its own, the document's
        assert "servers" not in paths["/global"]["post"]
        for method, path in (("POST", "/global"), ("POST", "/operation"), ("PUT", "/path")):
            assert client.request(method, path).status_code == 200, path
            # schemathesis' unsupported_method: TRACE is not declared, 405 (not 404: no path)
            assert client.request("TRACE", path).status_code == 405, path
        assert client.post("/anything/demo/operation").status_code == 404
