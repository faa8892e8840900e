"""jobmock.limits: `--limit NAME=VALUE` pairs change one bound each, and a wrong one is refused."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.limits import LimitError, Limits, with_overrides


def test_overrides_change_only_the_named_limits() -> None:
    changed = with_overrides(Limits(), ["json_max_depth=200", "header-timeout-s=2.5"])
    assert changed == Limits(json_max_depth=200, header_timeout_s=2.5)
    assert with_overrides(Limits(), ["max_header_bytes=1_048_576"]).max_header_bytes == 1048576


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("depth=3", "expected NAME=VALUE, NAME one of max_header_bytes,"),
        ("json_max_depth", "expected NAME=VALUE"),
        ("json_max_depth=deep", "json_max_depth takes a number"),
        ("json_max_depth=2.5", "json_max_depth takes a number"),
        ("body_timeout_s=0", "body_timeout_s must be a finite number more than 0"),
        # served as the control spec's `maximum`, which must be a JSON number
        ("clock_max_speed=inf", "clock_max_speed must be a finite number more than 0"),
    ],
)
def test_a_wrong_override_names_the_problem(value: str, problem: str) -> None:
    with pytest.raises(LimitError, match=problem):
        with_overrides(Limits(), [value])


def test_serve_refuses_a_wrong_limit_in_one_line() -> None:
    result = CliRunner().invoke(main, ["serve", "--limit", "json_max_depth=-1"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--limit': 'json_max_depth=-1': json_max_depth must be a finite number"
        in (result.output)
    )
    assert "Traceback" not in result.output


def test_serve_refuses_a_speed_above_the_clock_limit_unless_raised() -> None:
    """--speed meets the bound POST /_mock/clock applies (Limits.clock_max_speed), and
    --limit raises both: the served control spec's maximum follows."""
    base = ["serve", "--store", "memory://", "--api", "matcher"]
    refused = CliRunner().invoke(main, [*base, "--speed", "2e6", "--get", "/_mock/clock"])
    assert refused.exit_code == 2 and "above clock_max_speed" in refused.output
    raised = [*base, "--speed", "2e6", "--limit", "clock_max_speed=3e6"]
    served = CliRunner().invoke(main, [*raised, "--get", "/_mock/openapi.json"])
    assert served.exit_code == 0, served.output
    speed = json.loads(served.output)["components"]["schemas"]["ClockChange"]["oneOf"][1]
    assert speed["properties"]["speed"]["maximum"] == 3_000_000
