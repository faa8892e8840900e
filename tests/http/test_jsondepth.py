"""jobmock.http.jsondepth: nesting measured without recursion, strings skipped, limits exact."""

from __future__ import annotations

import json
import pickle

import pytest

from jobmock.http import jsondepth


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "{{{{", "\\"[[["]', 1),  # brackets inside strings, escaped quotes too
        ("[[[[]]], [[]]]", 4),  # siblings do not add up
    ],
)
def test_the_limit_is_exact(text: str, levels: int) -> None:
    jsondepth.check_text(text, levels)
    assert jsondepth.loads(text, levels) == json.loads(text)
    if levels:
        with pytest.raises(jsondepth.TooDeep):
            jsondepth.check_text(text, levels - 1)


def test_far_past_the_recursion_limit_is_too_deep_not_a_recursion_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(jsondepth.TooDeep) as caught:
        jsondepth.loads(text, 64)
    assert (caught.value.pos, caught.value.limit) == (64, 64)
    assert isinstance(caught.value, json.JSONDecodeError)  # every JSON reader already refuses it
    assert "nested deeper than 64 levels: line 1 column 65" in str(caught.value)
    again = pickle.loads(pickle.dumps(caught.value))  # crosses a worker thread or process intact
    assert (type(again), again.limit, again.pos) == (jsondepth.TooDeep, 64, 64)


def test_decoded_values_are_measured_the_same_way() -> None:
    value: object = 1
    for _ in range(100_000):
        value = {"a": [value]}
    with pytest.raises(jsondepth.TooDeep):
        jsondepth.check_value(value, 64)
    jsondepth.check_value({"a": [1, (2, {"b": None})]}, 4)
    with pytest.raises(jsondepth.TooDeep):
        jsondepth.check_value({"a": [1, (2, {"b": None})]}, 3)


def test_a_number_python_will_not_convert_does_not_decode() -> None:
    """A 5,000-digit integer was a bare ValueError from json.loads: a 500 on every JSON route."""
    with pytest.raises(json.JSONDecodeError, match="Exceeds the limit"):
        jsondepth.loads('{"seed": ' + "1" * 5_000 + "}", 64)
    assert jsondepth.loads('{"seed": ' + "1" * 4_000 + "}", 64)["seed"] > 10**3_999
