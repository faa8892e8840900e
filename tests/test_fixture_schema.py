"""jobmock.fixture_schema: a valid 2020-12 schema that every bundled fixture file satisfies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from jobmock import resources
from jobmock.fixture_schema import FIXTURE_SCHEMA

FIXTURES = sorted(resources.fixtures_dir().glob("*.yaml"))


def test_the_schema_is_valid_2020_12() -> None:
    Draft202012Validator.check_schema(FIXTURE_SCHEMA)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_bundled_fixture_satisfies_it(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(FIXTURE_SCHEMA).iter_errors(data)) == []


def test_a_misspelt_key_is_refused() -> None:
    data = yaml.safe_load(FIXTURES[0].read_text(encoding="utf-8"))
    data["scenario"] = data.pop("scenarios")
    messages = [e.message for e in Draft202012Validator(FIXTURE_SCHEMA).iter_errors(data)]
    assert any("'scenarios' is a required property" in m for m in messages), messages
