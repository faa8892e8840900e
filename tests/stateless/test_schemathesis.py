"""schemathesis, on its own (not `jobmock contract`), finds nothing wrong with the petstores'
answers: every check, positive and negative cases, against the in-process app."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from jobmock.config import Config
from jobmock.serving.app import create_app
from tests.stateless.conftest import DOCUMENTS


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("name", ["petstore-3.0.yaml", "petstore-3.1.yaml"])
def test_every_check_passes_on_the_petstore(name: str, mode: GenerationMode) -> None:
    app = create_app(Config(documents=(f"={DOCUMENTS / name}",)))
    config = SchemathesisConfig.from_dict({"generation": {"database": "none"}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    results: list[Any] = list(schema.get_all_operations())  # Ok or Err of each operation
    operations = [result.ok() for result in results]
    assert len(operations) == 3
    checks: list[Any] = CHECKS.get_all()
    assert len(checks) > 5  # schemathesis' OpenAPI checks are loaded, not only the generic one
    tested = []
    for operation in operations:
        assert operation is not None

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_documented(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(checks=checks)

        try:
            answers_as_documented()
        except Unsatisfiable:  # a string path parameter, no input at all: nothing is invalid
            assert mode is GenerationMode.NEGATIVE
            continue
        tested.append(operation.label)
    assert "GET /pets" in tested  # its `limit` has invalid values: negative cases did run
