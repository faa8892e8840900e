"""One request per bug the contract suite found: fixed ones stay fixed, open ones are strict
xfails (a fix makes them pass, which fails the suite until known.py and the mark are removed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.contract.schemas import content_refusals, not_found_codes
from jobmock.documents.specs import load_spec
from jobmock.engine import resources
from jobmock.serving.app import create_app

MATCHER_ROUTE = "/matcher/v1/imports/contexts/{context}/jobs/{job}"
ACME_CONTEXT = "019c96a0-10a0-72d2-9fb0-2b7de8093182"
ROUTES = {
    "matcher": MATCHER_ROUTE.format(
        context=ACME_CONTEXT, job="019c96a0-10ce-75fc-a273-dc799079a99c"
    ),
    "crosmos": "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c",
    "gu1": "/gu1/batch-import/jobs/abc-123",
    "seekr": "/seekr/v1/flow/alignment/ingestion/ij-ed038db4-de38-4784-a6d0-b944a2863a7f",
    "claret": "/claret/demo/api/v1/imports/status/12345",
    "control": "/_mock/clock",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Config(clock="manual"))) as test_client:
        yield test_client


def matcher_headers(client: TestClient) -> dict[str, str]:
    tenants = client.get("/_mock/apis/matcher/tenants").json()
    headers: dict[str, str] = tenants[0]["headers"]
    return headers


# fixed ------------------------------------------------------------------------------------
def test_matcher_serves_its_ids_as_uuids(client: TestClient) -> None:
    """positive_data_acceptance: Matcher answers 400 for a non-UUID id, so its served spec (the
    overlay) says `format: uuid`, and the 400 keeps Matcher's own wording."""
    spec = client.get("/matcher/openapi.json").json()
    operation = spec["paths"]["/v1/imports/contexts/{contextId}/jobs/{jobId}"]["get"]
    formats = {p["name"]: p["schema"].get("format") for p in operation["parameters"]}
    assert formats["contextId"] == formats["jobId"] == "uuid"
    url = MATCHER_ROUTE.format(context="unknown parameter", job="%F3%AD%A8%A7%C2%A9")
    response = client.get(url, headers=matcher_headers(client))
    assert response.status_code == 400
    assert response.json() == {
        "code": "400",
        "title": "invalid_request",
        "message": "invalid context_id",
    }


def test_unknown_names_in_control_bodies_are_its_not_found(client: TestClient) -> None:
    """positive_data_acceptance: a schema-valid body naming an unknown scenario is 422, which the
    control spec marks as its not-found (`x-jobmock-not-found`)."""
    spec = client.get("/_mock/openapi.json").json()
    assert 422 in not_found_codes(spec)
    response = client.post("/_mock/apis/seekr/jobs", json={"scenario": "cancelled"})
    assert response.status_code == 422


MATCHER_LIST = "/v1/imports/contexts/{contextId}/jobs"
MATCHER_UPLOAD = "/v1/imports/contexts/{contextId}/sources/{sourceId}/upload"
ACME_SOURCE = "019c96a0-108c-7a74-8e31-3789daffe1ed"
GU1_UPLOADS = (
    "/batch-import/import/transactions",
    "/transactions/batch/upload",
    "/batch-import/import/entities",
    "/batch-import/import/user-events",
)
# Operations whose documented 400 refuses content their schema cannot express (a binary file's
# contents, a cursor the server never issued); nothing else is marked.
CONTENT_REFUSALS = {
    "matcher": {(MATCHER_LIST, "GET"): {400}, (MATCHER_UPLOAD, "POST"): {400}},
    "gu1": {(path, "POST"): {400} for path in GU1_UPLOADS},
}


@pytest.mark.parametrize("api", ["matcher", "crosmos", "gu1", "seekr", "claret", "control"])
def test_only_refusals_of_content_no_schema_states_are_marked(client: TestClient, api: str) -> None:
    """positive_data_acceptance takes a marked 400 from its operation only (test_suite.py)."""
    base = "/_mock" if api == "control" else f"/{api}"
    spec = client.get(f"{base}/openapi.json").json()
    assert content_refusals(spec) == CONTENT_REFUSALS.get(api, {})


def test_a_cursor_the_server_never_issued_is_matchers_documented_400(client: TestClient) -> None:
    """positive_data_acceptance: a cursor of the schema's alphabet that Matcher never issued is
    400 `invalid pagination parameters`; the overlay says so (the parameter is inferred, the 400
    marked `x-jobmock-content-refusal`) instead of guessing how a server encodes its cursors."""
    operation = client.get("/matcher/openapi.json").json()["paths"][MATCHER_LIST]["get"]
    cursor = next(p for p in operation["parameters"] if p["name"] == "cursor")
    assert cursor["x-jobmock-inferred"] is True
    assert re.search(cursor["schema"]["pattern"], "AAAA")  # schema-valid
    assert operation["responses"]["400"]["x-jobmock-content-refusal"] is True
    response = client.get(
        f"/matcher/v1/imports/contexts/{ACME_CONTEXT}/jobs",
        params={"cursor": "AAAA"},
        headers=matcher_headers(client),
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "400",
        "title": "invalid_request",
        "message": "invalid pagination parameters",
    }


UNREADABLE = b"\xff\xfe\x00 not text"  # any binary is a schema-valid `file`


def test_a_file_matcher_cannot_read_is_its_documented_400(client: TestClient) -> None:
    """positive_data_acceptance: Matcher's upload takes any binary `file` by its schema and
    refuses a file without data rows (documented) or one that does not parse with its 400."""
    operation = client.get("/matcher/openapi.json").json()["paths"][MATCHER_UPLOAD]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    file = schema["properties"]["file"]
    assert (file["type"], file["format"], "pattern" in file) == ("string", "binary", False)
    assert operation["responses"]["400"]["x-jobmock-content-refusal"] is True
    response = client.post(
        f"/matcher/v1/imports/contexts/{ACME_CONTEXT}/sources/{ACME_SOURCE}/upload",
        headers=matcher_headers(client),
        files={"format": (None, "csv"), "file": ("t.csv", UNREADABLE, "text/csv")},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "400"


@pytest.mark.parametrize("path", GU1_UPLOADS)
def test_a_file_gu1_cannot_read_is_its_documented_400(client: TestClient, path: str) -> None:
    """positive_data_acceptance: gu1's uploads take any binary file by their schema and refuse
    one that cannot be read with their documented 400 `{success: false, error}`."""
    spec = client.get("/gu1/openapi.json").json()
    refused = spec["components"]["responses"]["BatchUploadRefused"]
    assert refused["x-jobmock-content-refusal"] is True
    assert spec["paths"][path]["post"]["responses"]["400"] == {
        "$ref": "#/components/responses/BatchUploadRefused"
    }
    headers = client.get("/_mock/apis/gu1/tenants").json()[0]["headers"]
    form = {"mappingId": (None, "map_user_events")} if path.endswith("user-events") else {}
    response = client.post(
        f"/gu1{path}",
        headers=headers,
        files={**form, "file": ("data.csv", UNREADABLE, "text/csv")},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and isinstance(body["error"], str) and body["error"]


DEEP = 1_000  # levels: json.loads and jsonschema recurse once per level (RecursionError near 990)
SPACE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def nested(levels: int, leaf: str = "1") -> str:
    return '{"a": ' * levels + leaf + "}" * levels


# the JSON routes: (api, method, path, body with <deep> for the deep value, documented status)
DEEP_BODIES = {
    "crosmos sources": (
        "crosmos",
        "POST",
        "/crosmos/api/v1/sources",
        f'{{"space_id": "{SPACE}", "sources": [{{"content": "x", "meta": <deep>}}]}}',
        422,
    ),
    "crosmos conversations": (
        "crosmos",
        "POST",
        "/crosmos/api/v1/conversations",
        f'{{"space_id": "{SPACE}", "messages": [{{"role": "user", "content": "x"}}], "meta": <deep>}}',
        422,
    ),
    "seekr": ("seekr", "POST", "/seekr/v1/flow/alignment/ingestion", '{"files": [<deep>]}', 422),
    "claret": (
        "claret",
        "POST",
        "/claret/demo/api/v1/inventory/import/process",
        '{"source": "x", "arguments": {}, "payload": [<deep>]}',
        422,
    ),
    "control jobs": ("control", "POST", "/_mock/apis/matcher/jobs", '{"fields": <deep>}', 400),
    "control transitions": (
        "control",
        "POST",
        "/_mock/apis/matcher/jobs/019c96a0-10ce-75fc-a273-dc799079a99c/transitions",
        '{"to": <deep>}',
        400,
    ),
    "control clock": ("control", "POST", "/_mock/clock", '{"speed": <deep>}', 400),
    "control faults": ("control", "PUT", "/_mock/faults", '{"faults": [<deep>]}', 400),
}


@pytest.mark.parametrize("case", sorted(DEEP_BODIES))
def test_a_deeply_nested_body_is_the_apis_documented_refusal(client: TestClient, case: str) -> None:
    """A body nested ~990 levels answered 500 (RecursionError in json.loads or jsonschema) on
    every JSON route; past Limits.json_max_depth it is refused as JSON that does not decode, in
    the API's envelope: FastAPI's json_invalid 422, Laravel's 422, problem+json's 400."""
    api, method, path, body, status = DEEP_BODIES[case]
    headers = {"Content-Type": "application/json"}
    if api != "control":
        headers.update(client.get(f"/_mock/apis/{api}/tenants").json()[0]["headers"])
    for levels in (DEEP, Config().limits.json_max_depth + 1):
        response = client.request(
            method, path, content=body.replace("<deep>", nested(levels)), headers=headers
        )
        assert response.status_code == status, (levels, response.text)
        answer = response.json()
        if api in ("crosmos", "seekr"):
            assert answer["detail"][0]["type"] == "json_invalid"
        elif api == "claret":
            assert isinstance(answer["errors"], dict) and answer["message"]
        else:
            assert response.headers["content-type"] == "application/problem+json"
            assert "nested deeper than 64 levels" in answer["detail"]


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/_mock/faults", "PUT", 400),
        ("/_mock/clock", "POST", 400),
        ("/seekr/v1/flow/alignment/ingestion", "POST", 422),
    ],
)
def test_a_number_too_long_to_convert_is_json_that_does_not_decode(
    client: TestClient, path: str, method: str, status: int
) -> None:
    """`{"seed": <5,000 digits>}` answered 500 (ValueError from int()): like any JSON that does
    not decode, it is the API's documented refusal."""
    headers = {"Content-Type": "application/json"}
    if path.startswith("/seekr"):
        headers.update(client.get("/_mock/apis/seekr/tenants").json()[0]["headers"])
    body = '{"seed": ' + "1" * 5_000 + "}"
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("api", "fields"),
    [
        ("matcher", {"totalRows": "abc"}),
        ("gu1", {"totalItems": "abc"}),
        ("crosmos", {"source_ids": "x"}),
        ("seekr", {"files": 3}),
        ("claret", {"steps": 5}),
    ],
)
def test_fields_a_handler_cannot_show_are_the_control_apis_422(
    client: TestClient, api: str, fields: dict[str, object]
) -> None:
    """A control job with fields of the wrong type was created (201), then every poll of it
    answered 500; the spec's 422 is for "unusable fields", and nothing is stored."""
    before = len(client.get(f"/_mock/apis/{api}/jobs").json())
    response = client.post(f"/_mock/apis/{api}/jobs", json={"fields": fields})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "https://jobmock.dev/problems/unusable-fields"
    assert len(client.get(f"/_mock/apis/{api}/jobs").json()) == before


def test_a_body_within_the_depth_limit_is_read(client: TestClient) -> None:
    fields = nested(Config().limits.json_max_depth - 2)  # the body and `fields` are two levels
    response = client.post(
        "/_mock/apis/matcher/jobs",
        content='{"fields": <deep>}'.replace("<deep>", fields),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("api", "path"),
    [
        ("matcher", f"/matcher/v1/imports/contexts/{ACME_CONTEXT}/sources/{ACME_SOURCE}/upload"),
        ("gu1", "/gu1/batch-import/import/transactions"),
    ],
)
def test_a_deeply_nested_json_file_is_unreadable_not_a_500(
    client: TestClient, api: str, path: str
) -> None:
    """An uploaded JSON file of 100,000 `[` answered 500 (RecursionError) on Matcher and gu1: it
    is a file that does not parse, each vendor's 400."""
    headers = client.get(f"/_mock/apis/{api}/tenants").json()[0]["headers"]
    form = {"format": (None, "json")} if api == "matcher" else {}
    for content in (b"[" * 100_000, b"[" + nested(70).encode() + b"]"):
        response = client.post(
            path,
            headers=headers,
            files={**form, "file": ("rows.json", content, "application/json")},
        )
        assert response.status_code == 400, response.text
        body = response.json()
        if api == "matcher":
            assert body == {
                "code": "400",
                "title": "invalid_request",
                "message": "failed to parse json file",
            }
        else:
            assert body == {"success": False, "error": "Could not read rows.json as JSON"}


CLARET_IMPORT = "/{tenant}/api/v1/inventory/import/process"
RECORD = {"item_name": "Widget", "bin_name": "A-1", "lot_name": "L42", "quantity": 12}


@pytest.mark.parametrize("tenant", ["a%0Ab", "a%0Ab%0Dc%C2%85d", "%C3%B6V%F3%95%81%A9%0AC"])
def test_a_claret_tenant_the_router_cannot_place_is_another_tenants_403(
    client: TestClient, tenant: str
) -> None:
    """status_code_conformance (seeds 31337, 4242): an encoded newline in the tenant segment
    never reaches the import route (the API's mount does not match it) and answered an
    undocumented 404; like any tenant that is not the token's, it is the declared 403."""
    responses = client.get("/claret/openapi.json").json()["paths"][CLARET_IMPORT]["post"]
    assert "403" in responses["responses"] and "404" not in responses["responses"]
    headers = client.get("/_mock/apis/claret/tenants").json()[0]["headers"]
    path = "/claret" + CLARET_IMPORT.format(tenant=tenant)
    body = {"source": "api", "arguments": {}, "payload": [RECORD]}
    for response in (
        client.post(path, headers=headers, json=body),
        client.post(path, headers=headers, files={"file": ("file", b"", "text/csv")}),
    ):
        assert response.status_code == 403, response.text
        assert response.json() == {"message": "This action is unauthorized."}


@pytest.mark.parametrize("token", [None, "s3cret"])
def test_the_served_control_spec_declares_security_only_when_enforced(token: str | None) -> None:
    """ignored_auth: without --control-token the control API accepts any caller, so the spec it
    serves declares no security (a contract run against an open `jobmock serve` passes); with a
    token it declares the bearer scheme it enforces."""
    with TestClient(create_app(Config(clock="manual", control_token=token))) as client:
        spec = client.get("/_mock/openapi.json").json()
        anonymous = client.get("/_mock/apis")
    requirements = [spec.get("security")] + [
        operation.get("security")
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    if token is None:
        assert requirements == [None] * len(requirements)
        assert anonymous.status_code == 200
    else:
        assert spec["security"] == [{"ControlToken": []}]
        assert spec["components"]["securitySchemes"]["ControlToken"]["scheme"] == "bearer"
        assert anonymous.status_code == 401
    # the bundled document stays as written either way
    assert load_spec(resources.specs_dir() / "control.yaml").document["security"] == [
        {"ControlToken": []}
    ]


# open -------------------------------------------------------------------------------------
@pytest.mark.parametrize("api", sorted(ROUTES))
def test_405_names_the_allowed_methods(client: TestClient, api: str) -> None:
    response = client.request("TRACE", ROUTES[api])
    assert response.status_code == 405
    assert "allow" in response.headers


def test_a_json_null_body_is_not_an_object(client: TestClient) -> None:
    response = client.post(
        "/_mock/apis/crosmos/jobs", content=b"null", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_the_clock_refuses_to_leave_the_calendar() -> None:
    with TestClient(create_app(Config(clock="manual"))) as client:
        response = client.post("/_mock/clock", json={"advance_seconds": 1_668_957_697_444_608.0})
        assert response.status_code == 400
        assert client.get("/_mock/clock").status_code == 200
