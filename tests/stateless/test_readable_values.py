"""Generated strings read as text: ASCII letters, digits and spaces where no pattern or format asks
for more; valid against their schema; the same seed gives the same value."""

from __future__ import annotations

import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from jobmock.stateless.values import generate


def schemas(seed: int) -> dict[str, Any]:
    """An object of plain strings with random bounds (generation runs Hypothesis' `find`, which
    cannot run inside `@given`: the schemas are drawn with `random` here)."""
    rng = random.Random(seed)
    names = rng.sample(["message", "title", "detail"], rng.randint(1, 3))
    properties = {}
    for name in names:
        low = rng.randint(0, 20)
        properties[name] = {
            "type": "string",
            "minLength": low,
            "maxLength": low + rng.randint(0, 20),
        }
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("seed", range(12))
def test_plain_strings_are_words_valid_and_seeded(seed: int) -> None:
    schema = schemas(seed)
    value = generate(schema, random.Random(seed))
    assert Draft202012Validator(schema).is_valid(value)
    assert all(c.isascii() and (c.isalnum() or c == " ") for s in strings(value) for c in s)
    assert generate(schema, random.Random(seed)) == value


def test_a_pattern_that_needs_other_characters_still_gets_them() -> None:
    assert set(generate({"type": "string", "pattern": "^é+$"}, random.Random(1))) == {"é"}
    address = generate({"type": "string", "pattern": "^[a-z]+@[a-z]+$"}, random.Random(1))
    assert "@" in address and address.isascii()


def test_a_schema_no_value_satisfies_is_searched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobmock.stateless import values

    searches = []
    real = values.generate

    def counted(schema: Any, rng: random.Random, **options: Any) -> Any:
        searches.append(schema)
        return real(schema, rng, **options)

    monkeypatch.setattr(values, "generate", counted)
    twins = {"type": "object", "properties": {"error": {"type": "string"}}}
    unsatisfiable = {"oneOf": [twins, twins]}  # every value fits both or neither: never one
    generator = values.Generator(seed=1)
    for key in ("getProject 401", "getSpecification 401", "getProject 401"):
        with pytest.raises(values.CannotGenerate):
            generator.value(key, unsatisfiable)
    assert len(searches) == 1
