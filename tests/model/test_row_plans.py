"""jobmock.model.row_plans: which rows fail or are skipped, seeded and disjoint."""

from __future__ import annotations

from jobmock.model import row_plans
from jobmock.model.scenarios import Phase, Scenario


def test_plan_rows_is_disjoint_sorted_capped_and_seeded() -> None:
    plan = row_plans.plan_rows(1000, {"failed": 0.02, "skipped": 0.01}, "seed")
    assert (len(plan["failed"]), len(plan["skipped"])) == (20, 10)
    assert not set(plan["failed"]) & set(plan["skipped"])
    assert plan["failed"] == sorted(plan["failed"]) and all(1 <= r <= 1000 for r in plan["failed"])
    assert plan == row_plans.plan_rows(1000, {"failed": 0.02, "skipped": 0.01}, "seed")
    assert len(row_plans.plan_rows(100_000, {"failed": 0.5}, "s", cap=500)["failed"]) == 500


def test_final_share_is_the_most_a_counter_reaches() -> None:
    scenario = Scenario(
        "s", (Phase("a", 1, {"failed": 0.2}), Phase("b", 1, {"failed": 0.5}), Phase("c", None))
    )
    assert row_plans.final_share(scenario, "failed") == 0.5
    assert row_plans.final_share(scenario, "skipped") == 0.0


def test_a_scenario_plan_uses_its_final_shares() -> None:
    scenario = Scenario(
        "s", (Phase("a", 1, {"failed": 0.1}), Phase("b", None, {"failed": 0.2, "skipped": 0.1}))
    )
    plan = row_plans.scenario_plan(scenario, 100, ("failed", "skipped"), "seed", cap=15)
    assert plan == row_plans.plan_rows(100, {"failed": 0.2, "skipped": 0.1}, "seed", cap=15)
    assert (len(plan["failed"]), len(plan["skipped"])) == (15, 10)
