"""What `jobmock init` finds: a pair by link, by a body property named for the parameter, or by
Location; the status enum with finished-looking words in any case; what it cannot decide."""

from __future__ import annotations

from typing import Any

from jobmock.polling.detect import find
from jobmock.polling.sources import finished_looking, outcome_of


def document(create_response: dict[str, Any], status_path: str = "/exports/{exportId}") -> Any:
    status = {
        "type": "object",
        "properties": {
            "exportId": {"type": "string"},
            "state": {"type": "string", "enum": ["PENDING", "IN_PROGRESS", "COMPLETED", "ERROR"]},
            "percentComplete": {"type": "number"},
        },
    }
    return {
        "openapi": "3.1.0",
        "paths": {
            "/exports": {"post": {"operationId": "startExport", "responses": create_response}},
            status_path: {
                "get": {
                    "operationId": "getExport",
                    "parameters": [{"name": "exportId", "in": "path", "required": True}],
                    "responses": {"200": {"content": {"application/json": {"schema": status}}}},
                }
            },
        },
    }


def accepted(properties: dict[str, Any], headers: dict[str, Any] | None = None) -> Any:
    schema = {"type": "object", "properties": properties}
    response: dict[str, Any] = {"content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return {"202": response}


def test_a_body_property_named_for_the_parameter() -> None:
    pair = find(document(accepted({"export_id": {"type": "string"}}))).best
    assert pair is not None
    assert (pair.create.operation_id, pair.status.operation_id) == ("startExport", "getExport")
    assert (pair.parameter, pair.id_place, pair.id_at, pair.code) == (
        "exportId",
        "body",
        "/export_id",
        202,
    )
    assert pair.prop is not None
    assert (pair.prop.text, pair.prop.order, pair.prop.terminal) == (
        "/state",
        ("PENDING", "IN_PROGRESS"),
        ("COMPLETED", "ERROR"),
    )
    assert pair.progress == (("percentComplete",),)


def test_id_when_the_get_is_the_post_path_plus_a_parameter() -> None:
    pair = find(document(accepted({"id": {"type": "string"}}))).best
    assert pair is not None and (pair.id_place, pair.id_at) == ("body", "/id")


def test_location_when_the_body_names_no_id() -> None:
    location = {"Location": {"schema": {"type": "string"}}}
    pair = find(document(accepted({"ok": {"type": "boolean"}}, location))).best
    assert pair is not None and (pair.id_place, pair.id_at) == ("header", "Location")


def test_no_pair_when_nothing_carries_the_id() -> None:
    found = find(document(accepted({"ok": {"type": "boolean"}}), "/jobs/{exportId}"))
    assert found.pairs == [] and found.best is None


def test_finished_looking_words_in_any_case() -> None:
    assert [
        v for v in ["QUEUED", "Running", "Done", "timed_out", "CANCELED"] if finished_looking(v)
    ] == [
        "Done",
        "timed_out",
        "CANCELED",
    ]
    assert [outcome_of(v) for v in ["SUCCEEDED", "failed", "Cancelled", "error"]] == [
        "success",
        "failure",
        "cancelled",
        "failure",
    ]
