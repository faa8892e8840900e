"""Which operation a request reaches in a user's document: nested templates (npm's
@readme/oas-examples `link-example.json`: `/repositories/{username}` and
`/repositories/{username}/{slug}` beside it), a slash more or less, an encoded slash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

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
