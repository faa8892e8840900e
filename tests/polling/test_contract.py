"""`jobmock contract examples/reports`: the bound example passes every check in-process (jobs fed
from the control API, polled through every phase), and the example folders hold no Python."""

from __future__ import annotations

from click.testing import CliRunner

from jobmock.cli import main
from tests.polling.conftest import REPORTS


def test_contract_passes_on_the_reports_example() -> None:
    result = CliRunner().invoke(
        main,
        ["contract", str(REPORTS), "--api", "reports", "--max-examples", "2", "--seed", "3"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for operation in ("POST /reports", "GET /reports/{reportId}", "GET /formats"):
        assert any(operation in line and line.endswith("passed") for line in lines), operation
    assert "0 failed, 0 failures, 0 errors" in result.output


def test_the_examples_hold_no_python() -> None:
    examples = REPORTS.parent
    assert sorted(p.name for p in examples.iterdir()) == ["bookshelf", "reports"]
    assert list(examples.rglob("*.py")) == []
