"""No credential value is ever stored or shown: whatever header, query parameter, cookie or body
member a client puts it in, the journal keeps `<masked>` (property tests over the fixtures'
credentials and names clients use)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.journal.masking import MASK, Secrets
from jobmock.limits import Limits
from jobmock.serving.app import create_app

# from README's dev credentials table (fixtures/<api>.yaml)
CREDENTIALS = [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhY21lIiwiaXNzIjoiam9ibW9jayJ9.ZGV2LWFjbWU",
    "csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ",
    "gk_test_e1aff8882f00322dd052f667c35a51be",
    "skr-dev-acme-7c1f4e9a2b8d4f0e9a3c5b7d1e2f4a6c",
    "3|GpMEJMToQDaXpPZqqTZ6PzV68QWIcpcQHDCeUG4m",
]
PATHS = [
    "/matcher/v1/imports/contexts/019c96a0-10a0-72d2-9fb0-2b7de8093182/jobs/nope",
    "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c",
    "/gu1/batch-import/jobs/4f28285d-aadb-48b8-8ad3-330cb4eb6f4c",
    "/seekr/v1/flow/alignment/ingestion/ij-ed038db4-de38-4784-a6d0-b944a2863a7f",
    "/claret/demo/api/v1/imports/status/12345",
    "/nowhere/at/all",
]
HEADER_NAMES = ["Authorization", "X-Api-Key", "Api-Key", "X-Auth-Token", "Proxy-Authorization"]
SCHEMES = ["Bearer ", "", "Basic ", "Token "]
SECRET_MEMBERS = ["password", "token", "api_key", "access_token", "client_secret", "apiKey"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual"))) as client:
        yield client


def journal_text(client: TestClient) -> str:
    response = client.get("/_mock/requests")
    assert response.status_code == 200
    text: str = response.text
    return text


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    credential=st.sampled_from(CREDENTIALS),
    path=st.sampled_from(PATHS),
    header=st.sampled_from(HEADER_NAMES),
    scheme=st.sampled_from(SCHEMES),
    member=st.sampled_from(SECRET_MEMBERS),
    where=st.sampled_from(["header", "cookie", "query", "json", "form", "path"]),
)
def test_a_credential_is_never_stored_wherever_it_is_sent(
    client: TestClient,
    credential: str,
    path: str,
    header: str,
    scheme: str,
    member: str,
    where: str,
) -> None:
    client.delete("/_mock/requests")
    request: dict[str, Any] = {"headers": {}}
    if where == "header":
        request["headers"][header] = scheme + credential
    elif where == "cookie":
        request["headers"]["Cookie"] = f"theme=dark; sid={credential}"
    elif where == "query":
        request["params"] = {member: credential, "page": "1"}
    elif where == "json":
        request["content"] = json.dumps({"name": "x", member: credential}).encode()
        request["headers"]["Content-Type"] = "application/json"
    elif where == "form":
        request["data"] = {member: credential, "name": "x"}
    else:
        path = f"{path}/{credential}"
    client.request("POST" if where in ("json", "form") else "GET", path, **request)
    text = journal_text(client)
    assert credential not in text
    if where in (
        "header",
        "cookie",
        "query",
        "path",
    ):  # a body is kept as far as the server read it
        assert MASK in text


def test_masked_by_the_apis_own_scheme_name_and_scheme_word_kept() -> None:
    document = {
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Partner"},
                "q": {"type": "apiKey", "in": "query", "name": "k"},
            }
        }
    }
    secrets = Secrets.of(document)
    assert secrets.header("x-partner", "abc123") == MASK  # no credential word in its name
    assert secrets.header("authorization", "Bearer abc") == f"Bearer {MASK}"
    assert secrets.query("k=abc&page=2") == f"k={MASK}&page=2"
    assert secrets.header("accept", "application/json") == "application/json"


def test_a_credential_cut_by_the_body_limit_is_masked_before_the_cut() -> None:
    app = create_app(Config(clock="manual", limits=Limits(journal_max_body_bytes=40)))
    credential = CREDENTIALS[1]
    with TestClient(app) as small:
        body = json.dumps({"padding": "x" * 20, "notes": f"key {credential}"})
        small.post(
            "/crosmos/api/v1/sources",
            content=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {credential}"},
        )
        entry = small.get("/_mock/requests").json()[0]
    kept = entry["request"]["body"]
    assert kept["truncated"] and kept["bytes"] == len(body) and len(kept["text"]) == 40
    assert credential[:8] not in json.dumps(entry)


def test_a_header_line_seen_again_is_masked_again(client: TestClient) -> None:
    # the journal remembers each header line it masked: the second request's comes from memory
    client.delete("/_mock/requests")
    for _ in range(2):
        client.get(PATHS[1], headers={"X-Auth-Token": CREDENTIALS[1], "Accept": "text/plain"})
    text = journal_text(client)
    assert CREDENTIALS[1] not in text
    entries = json.loads(text)
    assert [e["request"]["headers"]["x-auth-token"] for e in entries] == [MASK, MASK]
    assert [e["request"]["headers"]["accept"] for e in entries] == ["text/plain"] * 2
