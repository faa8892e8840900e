"""Near misses from a document: the closest operations and why each did not match."""

from __future__ import annotations

from typing import Any

from jobmock.journal.masking import MASK, Secrets, body_text
from jobmock.journal.operations import Operations

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/orders/{orderId}": {
            "parameters": [
                {"name": "orderId", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {"operationId": "getOrder"},
            "delete": {"operationId": "deleteOrder"},
        },
        "/orders": {"post": {"operationId": "createOrder", "requestBody": {"content": {}}}},
    }
}


def operations() -> Operations:
    return Operations({"shop": ("/shop", DOCUMENT)})


def test_a_segment_that_does_not_fit_its_parameter() -> None:
    (closest, *_) = operations().near_misses("GET", "/shop/orders/abc/items")
    assert (closest["method"], closest["path"]) == ("GET", "/orders/{orderId}")
    assert closest["reasons"] == [
        "3 path segments; the template has 2",
        "segment 2 'abc' does not fit {orderId}: an integer is expected",
    ]


def test_another_method_and_a_missing_prefix() -> None:
    (closest, *_) = operations().near_misses("PUT", "/orders/7")
    assert closest["reasons"] == [
        "the path lacks the API's prefix /shop",
        "PUT is not documented here; GET is",
    ]


def test_nothing_close_names_nothing() -> None:
    assert operations().near_misses("GET", "/a/b/c/d/e/f") == []


def test_secret_members_of_json_forms_and_multipart_bodies_are_masked() -> None:
    secrets = Secrets()
    text = '{"user": {"name": "dana", "password": "hunter2"}, "apiKey": 12345}'
    assert (
        secrets.text(text)
        == f'{{"user": {{"name": "dana", "password": "{MASK}"}}, "apiKey": "{MASK}"}}'
    )
    assert secrets.text("email=a%40b&client_secret=xyz") == f"email=a%40b&client_secret={MASK}"
    multipart = '--b\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc\r\n--b--'
    assert "abc" not in secrets.text(multipart)
    kept = body_text(b"\x89PNG....", 8, "image/png", 100, secrets)
    assert kept == {"bytes": 8, "truncated": False, "text": "<8 bytes of image/png>"}
