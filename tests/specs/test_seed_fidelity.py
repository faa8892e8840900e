"""The spec files against the vendors' own documents and the OpenAPI 3.1 / Overlay 1.0 rules.

- Documented specs (matcher, crosmos, seekr): once prose (`description`, `summary`, `title`) and
  `x-` extensions are stripped from both, `specs/<api>.yaml` equals the YAML the vendor publishes.
- Specs written from prose (gu1, claret): every fact the vendor's page states is in the spec.
- Every spec, with its overlay applied, is a valid OpenAPI 3.1 document; every overlay action
  targets something that exists, and overlays only add (marked `x-jobmock-inferred`).

Expected values are read from the vendors' documents (the seed files, `../shared/seeds`, and the
reference notes, `../shared/reference/apis.md`), never from our own files. Those documents live only
in the developers' workspace, so the tests that need them skip elsewhere.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonpath_ng.ext.parser import parse as jsonpath
from jsonschema import Draft202012Validator
from oas_patch.overlay import apply_overlay
from oas_patch.validator import validate as validate_overlay_document
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"
SEEDS = REPO.parent / "shared" / "seeds"
REFERENCE = REPO.parent / "shared" / "reference" / "apis.md"

DOCUMENTED = {"matcher": "000", "crosmos": "001", "seekr": "003"}
FROM_PROSE = {"gu1": "002", "claret": "004"}

PROSE_KEYS = frozenset({"description", "summary", "title"})
# Keys whose value is data, compared as is (an example may well contain a "description" key).
LITERAL_KEYS = frozenset({"example", "default", "enum", "const", "value"})
# Keys whose value maps names to objects: the names are not keywords, so they are never stripped.
NAME_MAP_KEYS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "schemas",
        "paths",
        "responses",
        "securitySchemes",
        "headers",
        "content",
        "links",
        "callbacks",
        "variables",
        "requestBodies",
        "encoding",
    }
)
OPENAPI_NAME_MAPS = frozenset({"parameters", "examples"})  # name maps when they are objects


# ---------------------------------------------------------------------------------------- helpers


def load_yaml_text(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def load_yaml_file(path: Path) -> Any:
    return load_yaml_text(path.read_text(encoding="utf-8"))


def seed_text(number: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(
            "../shared/seeds not present: "
            "seed fidelity is checked only in the developers' workspace"
        )
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    assert found, f"no seed file {number}_*.txt in {SEEDS}"
    return found[0].read_text(encoding="utf-8")


def reference_text() -> str:
    if not REFERENCE.is_file():
        pytest.skip(
            "../shared/reference/apis.md not present: checked only in the developers' workspace"
        )
    return REFERENCE.read_text(encoding="utf-8")


def seed_openapi(number: str) -> dict[str, Any]:
    """The OpenAPI YAML in the seed's ````yaml fence."""
    match = re.search(r"^````yaml[^\n]*\n(.*?)^````[ \t]*$", seed_text(number), re.S | re.M)
    assert match, f"seed {number} has no ````yaml block"
    document: dict[str, Any] = load_yaml_text(match.group(1))
    return document


def spec(name: str) -> dict[str, Any]:
    document: dict[str, Any] = load_yaml_file(SPECS / f"{name}.yaml")
    return document


def overlay_file(name: str) -> Path:
    return SPECS / f"{name}.overlay.yaml"


def served(name: str) -> dict[str, Any]:
    """What jobmock serves: the documented spec plus its overlay, if any (applied by oas-patch)."""
    document = spec(name)
    if overlay_file(name).exists():
        document = apply_overlay(copy.deepcopy(document), load_yaml_file(overlay_file(name)))
    return document


def strip_prose(node: Any, mode: str = "object", parent: str = "") -> Any:
    """`node` without prose keys and `x-` extensions (property and other names are kept)."""
    if mode == "literal":
        return node
    if isinstance(node, list):
        return [strip_prose(item, mode) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if mode == "names":
            if key.startswith("x-") and parent not in ("properties", "patternProperties"):
                continue
            out[key] = strip_prose(value, "object")
            continue
        if key in PROSE_KEYS or key.startswith("x-"):
            continue
        if key in LITERAL_KEYS or (key == "examples" and isinstance(value, list)):
            child = "literal"
        elif key in NAME_MAP_KEYS or (key in OPENAPI_NAME_MAPS and isinstance(value, dict)):
            child = "names"
        else:
            child = "object"
        out[key] = strip_prose(value, child, key)
    return out


def short(value: Any) -> str:
    return json.dumps(value, default=str)[:100]


def differences(expected: Any, actual: Any, where: str = "$") -> Iterator[str]:
    """Readable differences between two trees, one line each."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            if key not in actual:
                yield f"{where}.{key}: documented, missing in ours ({short(expected[key])})"
        for key in actual:
            if key not in expected:
                yield f"{where}.{key}: in ours, not documented ({short(actual[key])})"
        for key in expected:
            if key in actual:
                yield from differences(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            yield from differences(left, right, f"{where}[{index}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{where}: documented {short(expected)}, ours {short(actual)}"


def prose_strings(
    node: Any, where: str = "$", mode: str = "object"
) -> Iterator[tuple[str, str, str]]:
    """(path, key, text) of each description/summary in `node` (not titles: often a bare name)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from prose_strings(item, f"{where}[{index}]", mode)
    elif isinstance(node, dict):
        for key, value in node.items():
            if mode == "object" and key in ("description", "summary") and isinstance(value, str):
                yield where, key, value
            elif key in LITERAL_KEYS:
                continue
            else:
                child = "names" if mode == "object" and key in NAME_MAP_KEYS else "object"
                yield from prose_strings(value, f"{where}.{key}", child)


def operation(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    assert path in document["paths"], f"{path} not in {sorted(document['paths'])}"
    found: dict[str, Any] = document["paths"][path][method]
    return found


def deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"]
        assert pointer.startswith("#/"), pointer
        node = document
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A 2020-12 validator for `schema` whose `#/...` references resolve inside `document`."""
    root = Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return root.evolve(schema=schema)


def errors_of(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    return [
        f"{list(e.absolute_path)}: {e.message}"
        for e in schema_validator(document, schema).iter_errors(instance)
    ]


def response_schema(document: dict[str, Any], op: dict[str, Any], status: str) -> dict[str, Any]:
    schema: dict[str, Any] = op["responses"][status]["content"]["application/json"]["schema"]
    return schema


def parameters(
    document: dict[str, Any], op: dict[str, Any]
) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["in"], p["name"]): p for p in (deref(document, p) for p in op.get("parameters", []))}


def markdown_table(text: str, header: str) -> list[list[str]]:
    """Rows of the first markdown table whose header row starts with `| header`."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"^\|\s*{re.escape(header)}\s*\|", line):
            rows = []
            for row in lines[index + 2 :]:
                if not row.startswith("|"):
                    break
                cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]  # `\|` is a pipe inside a cell
                rows.append([cell.strip() for cell in cells])
            return rows
    raise AssertionError(f"no table with header {header!r}")


def unmark(cell: str) -> str:
    """A markdown table cell as plain text: `job\\_log\\_id<mark ...>*</mark>` -> `job_log_id`."""
    cell = re.sub(r"<[^>]+>", "", cell)
    cell = re.sub(r"(?<!\\)[*`]", "", cell)
    return re.sub(r"\\(.)", r"\1", cell).replace("*", "").strip()


# ------------------------------------------------------------------- documented specs (000/001/003)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_spec_equals_the_vendor_yaml_once_prose_is_stripped(name: str) -> None:
    documented = strip_prose(seed_openapi(DOCUMENTED[name]))
    ours = strip_prose(spec(name))
    diff = list(differences(documented, ours))
    assert not diff, f"specs/{name}.yaml differs from the documented contract:\n  " + "\n  ".join(
        diff
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_spec_prose_is_in_our_own_words(name: str) -> None:
    documented = {
        (where, key): text for where, key, text in prose_strings(seed_openapi(DOCUMENTED[name]))
    }
    ours = {(where, key): text for where, key, text in prose_strings(spec(name))}
    copied = [
        f"{where}.{key}: {text!r}"
        for (where, key), text in ours.items()
        if " ".join(documented.get((where, key), "").split()) == " ".join(text.split())
    ]
    assert not copied, "prose copied verbatim from the vendor's document:\n  " + "\n  ".join(copied)


def schema_titles(node: Any, where: str = "$") -> Iterator[tuple[str, str]]:
    """(where, title) of each schema title under `node` (the document's own `info` left out)."""
    if isinstance(node, dict):
        if isinstance(node.get("title"), str) and where != "$.info":
            yield where, node["title"]
        for key, value in node.items():
            yield from schema_titles(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_titles(value, f"{where}[{index}]")


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_schema_titles_are_the_vendors(name: str) -> None:
    """Code generators name their types from titles (`IngestionJobResponse`, `Job Id`): a
    documented spec keeps each one as the vendor wrote it (issue 17)."""
    documented = dict(schema_titles(seed_openapi(DOCUMENTED[name])))
    assert dict(schema_titles(spec(name))) == documented


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_spec_names_its_source(name: str) -> None:
    """The header comment and info.x-jobmock-source point at the vendor's documentation site."""
    index = re.search(r"https://([a-z0-9.-]+)/llms\.txt", seed_text(DOCUMENTED[name]))
    assert index, "seed has no documentation index URL"
    host = index.group(1)
    head = (SPECS / f"{name}.yaml").read_text(encoding="utf-8").split("\nopenapi:")[0]
    assert re.search(rf"^# Source: https://{re.escape(host)}/\S+", head, re.M), head
    assert "documented contract" in head.lower()
    assert host in spec(name)["info"]["x-jobmock-source"]


# --------------------------------------------------------------------------------- gu1 (seed 002)


def test_gu1_path_parameters_and_auth_are_as_documented() -> None:
    text = seed_text(FROM_PROSE["gu1"])
    path = re.search(r"GET (/batch-import/jobs/\{jobId\})", text)
    assert path, "seed 002 names no GET path"
    document = spec("gu1")
    op = operation(document, path.group(1))
    params = parameters(document, op)
    assert params[("path", "jobId")]["required"] is True
    assert params[("path", "jobId")]["schema"]["type"] == "string"

    include = re.search(r"^(\w+) \| Optional comma-separated list\. Use include=(\w+)", text, re.M)
    assert include, "seed 002 documents no query parameter"
    name, value = include.groups()
    param = params[("query", name)]
    assert not param.get("required", False)
    assert param["schema"]["type"] == "string"
    assert value in param["description"] and "comma-separated" in param["description"]

    permissions = re.search(r"Authentication\n(.*)\.\n", text)
    assert permissions, "seed 002 lists no permissions"
    security = [s for requirement in document["security"] for s in requirement]
    assert len(security) == 1
    scheme = document["components"]["securitySchemes"][security[0]]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for permission in permissions.group(1).split(", "):
        assert permission in scheme["description"]
    assert "gk_" in scheme["description"]  # apis.md §3 [DOC G7]: key format gk_<environment>_...
    assert document["servers"] == [{"url": "https://api.gu1.ai"}]  # apis.md §3 [DOC G1]


def test_gu1_response_codes_are_the_documented_ones() -> None:
    text = seed_text(FROM_PROSE["gu1"])
    table = text.split("HTTP responses", 1)[1]
    documented = set(re.findall(r"^(\d{3}) \|", table, re.M))
    assert documented == {"200", "401", "403", "404"}  # sanity: what the seed's table says
    op = operation(spec("gu1"), "/batch-import/jobs/{jobId}")
    assert set(op["responses"]) == documented


def test_gu1_kind_and_status_enums_are_exactly_the_documented_ones() -> None:
    text = seed_text(FROM_PROSE["gu1"])
    # The page's field list lost its layout: both sentences can share one line of the seed.
    kinds = re.search(r"\b(\w+), (\w+), or (\w+)\.(?=queued|\n)", text)
    statuses = re.search(r"\b(queued(?:, \w+)*), or (\w+)\.", text)
    assert kinds and statuses
    documented_statuses = [*statuses.group(1).split(", "), statuses.group(2)]
    assert len(documented_statuses) == 6
    schemas = spec("gu1")["components"]["schemas"]
    job = schemas["BatchJob"]["properties"]
    assert deref(spec("gu1"), job["kind"])["enum"] == list(kinds.groups())
    assert deref(spec("gu1"), job["status"])["enum"] == documented_statuses


def test_gu1_status_payload_has_every_documented_field() -> None:
    reference = reference_text()
    bullet = re.search(r"^- \[DOC G1\] Field meanings: (.*?)(?=^- |\n\n)", reference, re.M | re.S)
    assert bullet, "apis.md §3 has no field list"
    names = [n.removeprefix("job.") for n in re.findall(r"`([\w.]+)`", bullet.group(1))]
    assert {"success", "jobId", "jobFailure", "heartbeatAt"} <= set(names)
    document = spec("gu1")
    body = document["components"]["schemas"]["BatchJobStatusResponse"]
    job = body["properties"]["job"]
    job_properties = deref(document, job)["properties"]
    for field in names:
        assert field in body["properties"] or field in job_properties, field


def gu1_bodies() -> dict[str, dict[str, Any]]:
    """Bodies a gu1 client can get, built from the values gu1 documents (apis.md §3)."""
    reference = reference_text()
    for value in (
        'taxId:"20123456789"',
        "SKIPPED_DUPLICATE_TAX_ID",
        "DUPLICATE_EXTERNAL_ID",
        "INVALID_ENTITY_REFERENCES",
        "totalItems 100, succeeded 97, failed 2, skipped 1",
        '`"abc-123"`, 10 items / 9 ok / 1 failed',
        "skipped_existing",
        "`failuresTotal`",
    ):
        assert value in reference, value
    counters = {"totalItems": 10, "succeeded": 9, "failed": 1, "skipped": 0}
    return {
        "status": {
            "success": True,
            "job": {
                "jobId": "55e1c3a2-8f4b-4d1e-9a6c-2b7d0e9f1a34",
                "kind": "transaction_batch",
                "status": "running",
                "totalItems": 1200,
                "succeeded": 640,
                "failed": 3,
                "skipped": 0,
                "heartbeatAt": "2025-03-10T14:02:11Z",
                "leaseExpiresAt": "2025-03-10T14:03:11Z",
                "workerError": None,
                "createdAt": "2025-03-10T14:01:02Z",
                "completedAt": None,
                "metadata": {"fileName": "tx.csv", "batchCancelRequested": False},
                "jobFailure": None,
            },
        },
        "entity": {
            "success": True,
            "jobId": "abc-123",
            "kind": "entity_automatic",
            "status": "completed",
            "totalItems": 100,
            "succeeded": 97,
            "failed": 2,
            "skipped": 1,
            "failures": [
                {
                    "taxId": "20123456789",
                    "type": "company",
                    "outcome": "failed",
                    "code": "DUPLICATE_EXTERNAL_ID",
                    "message": 'An entity with external ID "X" already exists',
                }
            ],
            "truncated": False,
            "failuresTotal": 2,
            "skips": [
                {
                    "taxId": "30111222333",
                    "type": "person",
                    "outcome": "skipped_existing",
                    "code": "SKIPPED_DUPLICATE_TAX_ID",
                }
            ],
            "skipsTotal": 1,
        },
        "transaction": {
            "success": True,
            "jobId": "abc-123",
            "kind": "transaction_batch",
            "status": "completed",
            **counters,
            "failures": [
                {"externalId": "tx-1", "code": "DUPLICATE_EXTERNAL_ID", "message": "duplicate"}
            ],
            "jobFailure": None,
            "truncated": False,
            "failuresTotal": 1,
        },
        "transaction-job-failure": {
            "success": True,
            "jobId": "abc-123",
            "kind": "transaction_batch",
            "status": "failed",
            **counters,
            "failures": [],
            "jobFailure": {"code": "INVALID_ENTITY_REFERENCES", "message": "unknown entities"},
            "truncated": False,
            "failuresTotal": 0,
        },
        "user-events": {
            "success": True,
            "jobId": "abc-123",
            "kind": "user_event_batch",
            "status": "completed",
            **counters,
            "failures": [{"row": 4, "code": "INVALID_ROW", "message": "bad row"}],
            "truncated": False,
            "failuresTotal": 1,
        },
    }


@pytest.mark.parametrize(
    "body", ["status", "entity", "transaction", "transaction-job-failure", "user-events"]
)
def test_gu1_each_200_body_matches_exactly_one_alternative(body: str) -> None:
    document = spec("gu1")
    instance = gu1_bodies()[body]
    schema = deref(
        document,
        response_schema(document, operation(document, "/batch-import/jobs/{jobId}"), "200"),
    )
    assert "oneOf" in schema and len(schema["oneOf"]) == 4
    assert errors_of(document, schema, instance) == []
    matching = [
        branch["$ref"] for branch in schema["oneOf"] if not errors_of(document, branch, instance)
    ]
    assert len(matching) == 1, matching


def test_gu1_wrong_kind_row_shape_is_rejected() -> None:
    """An entity row under a transaction kind fits no alternative (kinds really discriminate)."""
    document = spec("gu1")
    bodies = gu1_bodies()
    mixed = {**bodies["transaction"], "failures": bodies["entity"]["failures"]}
    schema = response_schema(document, operation(document, "/batch-import/jobs/{jobId}"), "200")
    assert errors_of(document, schema, mixed)


def test_gu1_guessed_shapes_are_marked_inferred() -> None:
    document = spec("gu1")
    op = operation(document, "/batch-import/jobs/{jobId}")
    for status in ("401", "403", "404"):
        schema = deref(document, response_schema(document, op, status))
        assert schema.get("x-jobmock-inferred") is True
        assert "guess" in schema["description"].lower()
        assert errors_of(document, schema, {"success": False, "error": "Job not found"}) == []
    assert document["components"]["schemas"]["UserEventBatchFailure"]["x-jobmock-inferred"] is True


def test_gu1_examples_validate() -> None:
    document = spec("gu1")
    op = operation(document, "/batch-import/jobs/{jobId}")
    for status, response in op["responses"].items():
        media = response["content"]["application/json"]
        examples = [e["value"] for e in media.get("examples", {}).values()]
        examples += [media["example"]] if "example" in media else []
        assert examples, status
        for example in examples:
            assert errors_of(document, media["schema"], example) == [], (status, example)


# ------------------------------------------------------------------------------ claret (seed 004)


def claret_examples(text: str) -> dict[str, Any]:
    """The JSON examples of the seed's response tabs, keyed by status code."""
    found = {}
    for status, body in re.findall(
        r'\{% tab title="(\d{3}):[^"]*" %\}\s*```json\n(.*?)```', text, re.S
    ):
        found[status] = json.loads(body)
    return found


def test_claret_path_server_and_parameters_are_as_documented() -> None:
    text = seed_text(FROM_PROSE["claret"])
    url = re.search(r"`GET`</mark> `(https://[^/`]+)(/[^`]+)`", text)
    assert url, "seed 004 names no GET URL"
    server, path = url.groups()
    document = spec("claret")
    assert document["servers"] == [{"url": server}]
    op = operation(document, path)
    params = parameters(document, op)
    for name in re.findall(r"\{(\w+)\}", path):
        assert params[("path", name)]["required"] is True
    for row in markdown_table(text.split("#### Path Parameters", 1)[1], "Name"):
        name, kind = unmark(row[0]), unmark(row[1])
        assert params[("path", name)]["schema"]["type"] == kind
    assert params[("path", "tenant")]["schema"]["type"] == "string"
    assert "Bearer" in text and "token authentication" in text
    security = [s for requirement in document["security"] for s in requirement]
    scheme = document["components"]["securitySchemes"][security[0]]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_claret_response_codes_are_the_documented_ones() -> None:
    documented = set(claret_examples(seed_text(FROM_PROSE["claret"])))
    assert documented == {"200", "422"}
    op = operation(spec("claret"), "/{tenant}/api/v1/imports/status/{job_log_id}")
    assert set(op["responses"]) == documented


@pytest.mark.parametrize("status", ["200", "422"])
def test_claret_documented_example_is_ours_and_validates(status: str) -> None:
    documented = claret_examples(seed_text(FROM_PROSE["claret"]))[status]
    document = spec("claret")
    op = operation(document, "/{tenant}/api/v1/imports/status/{job_log_id}")
    media = op["responses"][status]["content"]["application/json"]
    assert media["example"] == documented
    assert errors_of(document, media["schema"], documented) == []


def test_claret_status_enum_is_exactly_the_documented_one() -> None:
    text = seed_text(FROM_PROSE["claret"])
    documented = [unmark(row[0]) for row in markdown_table(text, "Status")]
    assert documented == ["pending", "in_progress", "completed", "failed"]
    document = spec("claret")
    content = document["components"]["schemas"]["ImportJobStatusContent"]
    assert deref(document, content["properties"]["status"])["enum"] == documented


def test_claret_field_types_are_the_documented_ones() -> None:
    text = seed_text(FROM_PROSE["claret"])
    types = {
        "integer": "integer",
        "string": "string",
        "object": "object",
        "string|null": ["string", "null"],
    }
    document = spec("claret")
    content = document["components"]["schemas"]["ImportJobStatusContent"]
    for row in markdown_table(text, "Field"):
        field, kind = unmark(row[0]), unmark(row[1])
        node: Any = content
        for part in field.split("."):
            node = deref(document, node)["properties"][part]
        assert deref(document, node)["type"] == types[kind], field


def test_claret_file_categories_are_optional_string_arrays() -> None:
    text = seed_text(FROM_PROSE["claret"])
    categories = [unmark(row[0]) for row in markdown_table(text, "Category")]
    assert categories == ["input", "staging", "output", "errors"]
    files = spec("claret")["components"]["schemas"]["ImportJobFiles"]
    assert list(files["properties"]) == categories
    assert not files.get("required")  # when each category appears is only described, not specified
    for category in categories:
        assert files["properties"][category] == {
            **files["properties"][category],
            "type": "array",
            "items": {"type": "string"},
        }


def test_claret_422_body_is_the_documented_one() -> None:
    """Seed 004's 422 example: `message` and `error.error`, both there (issue 17: the documented
    schema stays as documented; jobmock answers this body only on the status route)."""
    document = spec("claret")
    op = operation(document, "/{tenant}/api/v1/imports/status/{job_log_id}")
    schema = deref(document, response_schema(document, op, "422"))
    assert schema["required"] == ["message", "error"]
    documented = {
        "message": "Job not found or you do not have access to this job.",
        "error": {"error": "Job log ID does not exist"},
    }
    assert errors_of(document, schema, documented) == []
    assert errors_of(document, schema, {"message": "The job log id field must be an integer."})


# ----------------------------------------------------------------------------- OpenAPI and overlays

ALL_SPECS = sorted(p.stem for p in SPECS.glob("*.yaml") if not p.name.endswith(".overlay.yaml"))
OVERLAYS = sorted(p.name.removesuffix(".overlay.yaml") for p in SPECS.glob("*.overlay.yaml"))


def test_every_expected_spec_is_there() -> None:
    assert {*DOCUMENTED, *FROM_PROSE, "control"} <= set(ALL_SPECS)
    assert set(OVERLAYS) <= set(ALL_SPECS)


@pytest.mark.parametrize("name", ALL_SPECS)
def test_spec_is_valid_openapi_31(name: str) -> None:
    document = spec(name)
    assert str(document["openapi"]).startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)


@pytest.mark.parametrize("name", ALL_SPECS)
def test_served_spec_is_valid_openapi_31(name: str) -> None:
    validate(served(name), cls=OpenAPIV31SpecValidator)


@pytest.mark.parametrize("name", ALL_SPECS)
def test_spec_loads_the_way_jobmock_serves_it(name: str) -> None:
    """jobmock's own loader (ruamel round-trip, overlay, validation) accepts the file."""
    from jobmock.documents.specs import load_spec

    loaded = load_spec(SPECS / f"{name}.yaml")
    assert loaded.document == served(name)


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_is_a_valid_overlay_document(name: str) -> None:
    overlay = load_yaml_file(overlay_file(name))
    assert overlay["overlay"] == "1.0.0"
    assert overlay["extends"] == f"./{name}.yaml"
    assert validate_overlay_document(overlay, "sh") == "Validation successful"


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_targets_all_match_the_documented_spec(name: str) -> None:
    """oas-patch silently skips a target that matches nothing; an overlay must never no-op."""
    document = spec(name)
    for index, action in enumerate(load_yaml_file(overlay_file(name))["actions"]):
        assert jsonpath(action["target"]).find(document), (
            f"action {index}: {action['target']} matches nothing"
        )


def leaves(node: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaves(value, (*where, key))
    elif isinstance(node, list) and node:
        for index, value in enumerate(node):
            yield from leaves(value, (*where, index))
    else:
        yield where, node


def lookup(node: Any, where: tuple[Any, ...]) -> Any:
    for part in where:
        node = node[part]
    return node


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_only_adds_and_marks_what_it_adds(name: str) -> None:
    documented, merged = spec(name), served(name)
    for where, value in leaves(documented):
        assert lookup(merged, where) == value, f"overlay changed {where}"
    for path, item in merged["paths"].items():
        for method, op in item.items():
            known = documented["paths"].get(path, {}).get(method)
            if known is None:  # an operation the seed lacks, described from another vendor page
                assert str(op.get("x-jobmock-source", "")).startswith("https://"), (path, method)
                continue
            for status, response in op.get("responses", {}).items():
                if status not in known["responses"]:
                    assert response.get("x-jobmock-inferred") is True, (path, method, status)
                    assert response.get("description"), (path, method, status)
    for schema_name, schema in merged["components"]["schemas"].items():
        if (
            schema_name not in documented["components"]["schemas"]
        ):  # inferred, or documented elsewhere
            sourced = str(schema.get("x-jobmock-source", "")).startswith("https://")
            assert schema.get("x-jobmock-inferred") is True or sourced, schema_name


# --------------------------------------------------------------------------------- control API

CONTROL_OPERATIONS = {
    ("get", "/apis"): "list_apis",
    ("get", "/apis/{api}/scenarios"): "list_scenarios",
    ("get", "/apis/{api}/tenants"): "list_tenants",
    ("post", "/apis/{api}/jobs"): "create_job",
    ("get", "/apis/{api}/jobs"): "list_jobs",
    ("get", "/apis/{api}/jobs/{id}"): "get_job",
    ("delete", "/apis/{api}/jobs/{id}"): "delete_job",
    ("post", "/apis/{api}/jobs/{id}/transitions"): "transition_job",
    ("get", "/clock"): "get_clock",
    ("post", "/clock"): "set_clock",
    ("post", "/reset"): "reset",
    # issue 8: latency and faults at run time
    ("get", "/faults"): "get_faults",
    ("put", "/faults"): "set_faults",
    ("delete", "/faults"): "delete_faults",
    # issue 20: the request journal and a job's story
    ("get", "/requests"): "list_requests",
    ("delete", "/requests"): "clear_requests",
    ("get", "/apis/{api}/jobs/{id}/story"): "get_job_story",
}


def test_control_api_has_exactly_the_agreed_operations() -> None:
    document = spec("control")
    found = {
        (method, path): op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    assert found == CONTROL_OPERATIONS
    assert [server["url"] for server in document["servers"]] == ["/_mock"]


def test_control_api_errors_are_problem_json_and_auth_is_declared() -> None:
    document = spec("control")
    assert document["security"] == [{"ControlToken": []}]
    assert document["components"]["securitySchemes"]["ControlToken"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            assert "401" in op["responses"], (path, method)
            for status, response in op["responses"].items():
                response = deref(document, response)
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )


def test_control_set_clock_takes_exactly_one_change() -> None:
    document = spec("control")
    body = document["paths"]["/clock"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    for good in ({"advance_seconds": 30}, {"speed": 10}, {"mode": "manual"}):
        assert errors_of(document, body, good) == [], good
    for bad in (
        {},
        {"advance_seconds": 1, "speed": 2},
        {"speed": 0},
        {"advance_seconds": -1},
        {"mode": "fast"},
    ):
        assert errors_of(document, body, bad), bad
