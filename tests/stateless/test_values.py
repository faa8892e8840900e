"""Generated values (`jobmock.stateless.values.Generator`): whole floats answered as integers,
made so once per value, and a kept value answered as it was made."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given
from jsonschema import Draft202012Validator

from jobmock.stateless.values import Generator, generate, whole_numbers
from tests.strategies import json_values


def floats(node: Any) -> list[float]:
    if isinstance(node, float):
        return [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [found for child in children for found in floats(child)]


@given(value=json_values)
def test_whole_numbers_leave_no_whole_float_and_change_no_value(value: Any) -> None:
    made = whole_numbers(value)
    assert made == value  # 2.0 == 2: what every schema took, it still takes
    assert not [number for number in floats(made) if number.is_integer()]


def integer_schema(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    """A response schema with integer fields (bounded or not) among numbers and strings, in
    objects and arrays (generation runs Hypothesis' `find`, which cannot run inside `@given`:
    the schemas are drawn with `random` here)."""
    kind = rng.choice(
        ["integer", "integer", "number", "string", *(["object", "array"] * (depth < 2))]
    )
    if kind == "integer":
        low = rng.choice([None, rng.randint(-(2**40), 50)])
        bounds = {} if low is None else {"minimum": low, "maximum": low + rng.randint(0, 2**40)}
        return {"type": "integer", **bounds}
    if kind == "string":
        return {"type": "string", "maxLength": 4}
    if kind == "array":
        return {"type": "array", "items": integer_schema(rng, depth + 1), "maxItems": 3}
    if kind == "object":
        names = rng.sample(["id", "count", "size", "name"], rng.randint(1, 3))
        properties = {name: integer_schema(rng, depth + 1) for name in names}
        return {"type": "object", "properties": properties, "required": sorted(properties)}
    return {"type": "number"}


@pytest.mark.parametrize("seed", range(20))
def test_a_kept_value_is_the_answer_a_walk_per_request_gave(seed: int) -> None:
    # each request answered whole_numbers(the kept draw); now the kept value is made so once
    schema = integer_schema(random.Random(seed))
    generator = Generator(seed)
    kept = generator.value("op", schema)
    walked = whole_numbers(generate(schema, random.Random(f"{seed}:op:0")))
    assert json.dumps(kept) == json.dumps(walked)  # `2` and `2.0` differ here
    assert generator.value("op", schema) is kept  # answered as kept: no walk per request
    assert not [number for number in floats(kept) if number.is_integer()]
    assert Draft202012Validator(schema).is_valid(kept)


@pytest.mark.parametrize("seed", range(6))
def test_a_fresh_value_has_no_whole_float_either(seed: int) -> None:
    schema = integer_schema(random.Random(seed))
    fresh = Generator(seed).value("op", schema, fresh=True)  # `Prefer: dynamic=true`
    assert not [number for number in floats(fresh) if number.is_integer()]
    assert Draft202012Validator(schema).is_valid(fresh)
