"""bench/report.py: the cost targets read the faults and response-validation stacks against jobmock."""

from __future__ import annotations

from typing import Any

from bench.report import targets


def stack(rps: float) -> dict[str, Any]:
    return {"levels": {conns: {"rps": rps} for conns in ("1", "16", "64")}}


def cost_rows(**stacks: float) -> dict[str, bool]:
    data = {"routes": [{"key": "matcher", "stacks": {k: stack(v) for k, v in stacks.items()}}]}
    return {row["target"]: row["met"] for row in targets(data) if "cost" in row["target"]}


def test_faults_within_ten_percent_are_met_and_past_it_not() -> None:
    faults = "faults on (`error:rate=0.2`) cost ≤ 10% of req/s (every connection count)"
    assert cost_rows(jobmock=1000, **{"jobmock+faults": 910})[faults] is True
    assert cost_rows(jobmock=1000, **{"jobmock+faults": 890})[faults] is False


def test_response_validation_is_allowed_a_quarter() -> None:
    rv = "response validation on (`--validate-responses`) cost ≤ 25% of req/s (every connection count)"
    assert cost_rows(jobmock=1000, **{"jobmock+rv": 760})[rv] is True
    assert cost_rows(jobmock=1000, **{"jobmock+rv": 740})[rv] is False


def test_no_row_without_the_stack() -> None:
    assert cost_rows(jobmock=1000) == {}
