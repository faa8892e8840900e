"""An operation's declared responses: which one answers a status, and which operation a
concrete path is for (OpenAPI 3.1, Paths Object and Responses Object)."""

from __future__ import annotations

from typing import Any

import pytest

from jobmock.stateless.operations import Operations, declares_success


def document(responses: dict[str, Any], *paths: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            path or "/things": {"get": {"operationId": f"get {path}", "responses": responses}}
            for path in paths or ("",)
        },
    }


@pytest.mark.parametrize(
    "keys, answered",
    [
        (["404", "201", "200"], (200, "200")),  # the lowest declared 2xx
        (["2XX", "400"], (200, "2XX")),  # a range: its first code
        (["default"], (200, "default")),
        (["400", "404"], None),  # no success declared
    ],
)
def test_the_success_answer_is_the_lowest_declared_2xx(
    keys: list[str], answered: tuple[int, str] | None
) -> None:
    operations = Operations(document({key: {"description": "d"} for key in keys}))
    [operation] = operations.operations.values()
    assert operations.response_key(operation, None) == answered
    assert operations.declares_success(operation) == (answered is not None)


@pytest.mark.parametrize(
    "code, answered",
    [(404, (404, "404")), (503, (503, "5XX")), (418, (418, "default")), (101, None)],
)
def test_a_code_is_answered_by_its_key_else_its_range_else_default(
    code: int, answered: tuple[int, str] | None
) -> None:
    keys = ["200", "404", "5XX", "default"]
    operations = Operations(document({key: {"description": "d"} for key in keys}))
    [operation] = operations.operations.values()
    assert operations.response_key(operation, code) == answered  # 1xx: never a final answer


def test_declares_success_takes_a_range_and_default() -> None:
    assert declares_success({"2XX": {}}) and declares_success({"default": {}})
    assert not declares_success({"404": {}})


def test_a_concrete_path_is_matched_before_its_templated_counterpart() -> None:
    # Paths Object: "concrete (non-templated) paths would be matched before their templated
    # counterparts"
    operations = Operations(document({"200": {"description": "d"}}, "/pets/{id}", "/pets/mine"))
    found = operations.at("/pets/mine", "GET")
    assert found is not None and found.path == "/pets/mine"
    other = operations.at("/pets/7", "get")
    assert other is not None and other.path == "/pets/{id}"
    assert operations.at("/pets/7", "post") is None
