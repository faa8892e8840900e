"""Swagger's petstore, as npm's @readme/oas-examples publishes it for OpenAPI 3.0 and 3.1 (a
document no test here was written against), served and tested by `jobmock contract DOC`: every
schemathesis check, every phase, the stateful one included (links inferred from the document);
nothing fails but what schemathesis cannot tell apart on the wire (`WIRE_IDENTICAL`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from tests.npm import npm_cached

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".node-oas-examples"  # gitignored; installed once, reused while PACKAGES holds
PACKAGES = ["@readme/oas-examples@8.2.2"]


@pytest.fixture(scope="module")
def examples() -> Path:
    return npm_cached(CACHE, PACKAGES) / "node_modules" / "@readme" / "oas-examples"


# schemathesis 4.32 sends an array mutated into another type as an empty wrapper, `<tag></tag>`:
# the same bytes as the valid empty array, which jobmock accepts (README, "Your own API")
WIRE_IDENTICAL = re.compile(
    r"negative_data_rejection - Schema-violating request accepted.*?\n(?:   .*\n)*?"
    r"   curl .*'Content-Type: application/xml' -d '[^']*<(\w+)></\1>",
)


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_swaggers_petstore_passes_every_check(examples: Path, version: str) -> None:
    document = examples / version / "json" / "petstore.json"
    result = CliRunner().invoke(
        main, ["contract", str(document), "--max-examples", "5", "--seed", "1"]
    )
    assert "Traceback" not in result.output
    assert "Stateful tests" in result.output, result.output  # links inferred: orders' ids
    failures = result.output.split("\nFailures (")[1:]
    if failures:
        listed = re.findall(r"^\d+\. ", failures[0], flags=re.MULTILINE)
        assert len(WIRE_IDENTICAL.findall(failures[0])) == len(listed), result.output
    else:
        assert result.exit_code == 0, result.output
