"""Swagger's petstore, as npm's @readme/oas-examples publishes it for OpenAPI 3.0 and 3.1 (a
document no test here was written against), served and tested by `jobmock contract DOC`: every
schemathesis check, every phase, the stateful one included (links inferred from the document);
nothing fails, and what schemathesis reports accepted though the bytes it sent are valid is listed
as its false positive (`WIRE_IDENTICAL`), not a failure."""

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
# the bytes of the valid empty array (OpenAPI's XML Object, `wrapped`); and a multipart field
# mutated into null as the text `null`, a valid string (README, "Your own API")
WIRE_IDENTICAL = re.compile(
    r"^  petstore (?:POST|PUT) /pet\S*: negative_data_rejection: "
    r"(?:sent <(\w+)></\1>, which decodes to \[\]|sent part (\w+): null, which decodes to \"null\")"
    r", valid(?: \(and \d+ similar\))?$",
    flags=re.MULTILINE,
)


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_swaggers_petstore_passes_every_check(examples: Path, version: str) -> None:
    document = examples / version / "json" / "petstore.json"
    result = CliRunner().invoke(
        main, ["contract", str(document), "--max-examples", "5", "--seed", "1"]
    )
    assert "Traceback" not in result.output
    assert "Stateful tests" in result.output, result.output  # links inferred: orders' ids
    assert result.exit_code == 0, result.output
    assert "\nFailures (" not in result.output, result.output
    disproved = result.output.partition("\nTool false positives (")[2].split("\n\n")[0]
    listed = re.findall(r"^  \S+ ", disproved, flags=re.MULTILINE)
    assert listed, result.output  # its XML bodies' arrays are mutated, and sent as empty wrappers
    assert len(WIRE_IDENTICAL.findall(disproved)) == len(listed), result.output
