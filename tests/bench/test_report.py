"""bench/report.py: the cost targets read the faults and response-validation stacks against jobmock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import targets
from bench.run import carry_over


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


def test_parts_left_out_keep_the_previous_runs_figures(tmp_path: Path) -> None:
    previous = tmp_path / "latest.json"
    store = {"default": {"10": {"peak_rss_mb": 90}}}
    previous.write_text(json.dumps({"started": "2026-11-23", "store": store, "contract": {"s": 1}}))
    data: dict[str, Any] = {"routes": [], "contract": {"s": 2}}
    carry_over(data, ["store", "contract"], previous)
    assert data["store"] == store  # left out: carried, with the date it was measured
    assert data["contract"] == {"s": 2}  # measured in this run: kept
    assert data["carried"] == {"store": "2026-11-23"}


def test_a_large_document_start_is_met_within_five_seconds_and_300_mb() -> None:
    def met(first: float, peak: float) -> bool:
        later = {"first_answer_s": first, "peak_rss_mb": peak}
        rows = targets({"routes": [], "document": {"jobmock, later starts": later}})
        return bool(rows[0]["met"]) if rows else False

    assert met(4.9, 290) is True
    assert met(5.1, 290) is False  # issue 15: first answer within 5 s
    assert met(4.9, 310) is False  # and RSS under 300 MB
