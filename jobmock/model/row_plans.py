"""Which rows of an import fail (or are skipped): picked once, seeded, the same for the same upload.

`plan_rows` picks, for each scenario counter such as `failed`, the row numbers its share of the
total amounts to; `final_share` is the share a scenario's counter reaches by its end, and
`scenario_plan` combines the two. No global randomness: the seed decides.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from jobmock.model.lifecycle import count
from jobmock.model.scenarios import Scenario


def final_share(scenario: Scenario, counter: str) -> float:
    """The share of the total a scenario's `counter` reaches by its end."""
    return max((p.progress.get(counter, 0.0) for p in scenario.phases), default=0.0)


def plan_rows(
    total: int, shares: Mapping[str, float], seed: str, cap: int | None = None
) -> dict[str, list[int]]:
    """Disjoint sets of 1-based row numbers per counter (e.g. failed, skipped), each in file order.

    A counter reaching share s of `total` rows gets `count(total, s)` rows (at most `cap` listed);
    the same seed picks the same rows.
    """
    sizes = {name: count(total, share) for name, share in shares.items()}
    rng = random.Random(seed)
    pool = rng.sample(range(1, total + 1), min(total, sum(sizes.values())))
    plan, start = {}, 0
    for name, size in sizes.items():
        plan[name] = sorted(pool[start : start + size])[:cap]
        start += size
    return plan


def scenario_plan(
    scenario: Scenario, total: int, counters: Iterable[str], seed: str, cap: int | None = None
) -> dict[str, list[int]]:
    """`plan_rows` for the shares the scenario's `counters` reach by its end."""
    return plan_rows(total, {name: final_share(scenario, name) for name in counters}, seed, cap)
