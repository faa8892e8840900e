"""latest.json -> the targets table: issue 19's targets (and the ones issues 15 and 20 set), met or not.

Each target is one function of the run's data in TARGETS; a target whose figures the run lacks is
still listed, "not measured" and not met, so the table always holds every target.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LEVELS = ["1", "16", "64"]
CPU_LIMIT_US = 200.0  # jobmock's server CPU per request @64, single worker
FLOOR_ADDED_US = 50.0  # what jobmock may add on top of connexion's floor
PRISM_FACTORS = {"1": 2.0, "16": 3.0, "64": 3.0}  # jobmock's req/s over Prism's, per connections
P99_SHARE, P99_ROUNDS = 1 / 3, 3  # p99 @64 at most a third of Prism's, in each of three rounds
WIREMOCK_SHARE = 0.4  # `--workers 2` over WireMock, both on the same two cores, @64
CONTRACT_LIMIT_S = 20.0
STORE_CHANGE, RSS_LIMIT_MB = 0.10, 200.0
DOCUMENT_FIRST_S, DOCUMENT_RSS_MB = 5.0, 300.0  # issue 15

Row = dict[str, Any]
NOT_MEASURED = "not measured in this run"


def level(stack: dict[str, Any], conns: str) -> dict[str, Any]:
    return dict(stack.get("levels", {}).get(conns, {}))


def rps(stack: dict[str, Any], conns: str) -> float | None:
    return level(stack, conns).get("rps")


def cpu(stack: dict[str, Any], conns: str = "64") -> float | None:
    return level(stack, conns).get("server_cpu_us_per_request")


def ratios(mine: dict[str, Any], other: dict[str, Any]) -> dict[str, float] | None:
    """req/s of `mine` over `other` at each connection count (None: a figure is missing)."""
    pairs = {c: (rps(mine, c), rps(other, c)) for c in LEVELS}
    if not all(a and b for a, b in pairs.values()):
        return None
    return {c: a / b for c, (a, b) in pairs.items()}  # type: ignore[operator]


def at_levels(values: dict[str, float]) -> str:
    return ", ".join(f"{v:.2f}× @{c}" for c, v in values.items())


def row(where: str, target: str, measured: str | None, met: bool) -> Row:
    return {"route": where, "target": target, "measured": measured or NOT_MEASURED,
            "met": bool(measured) and met}  # fmt: skip


# --- route targets: (data of one route, is it the first route) -> rows


def cpu_per_request(route: dict[str, Any], primary: bool) -> list[Row]:
    stacks = route["stacks"]
    mine, floor = cpu(stacks.get("jobmock", {})), cpu(stacks.get("connexion-floor", {}))
    target = (
        f"≤ {CPU_LIMIT_US:.0f} µs server CPU per request @64 (auth + request validation, one "
        f"worker): what jobmock adds on top of connexion's floor ≤ {FLOOR_ADDED_US:.0f} µs"
    )
    if mine is None and not primary:
        return []
    measured = None
    if mine is not None:
        measured = f"{mine:,.0f} µs" + (
            f"; connexion floor {floor:,.0f} µs, so jobmock adds {mine - floor:,.0f} µs"
            if floor
            else ""
        )
    return [row(route["key"], target, measured, mine is not None and mine <= CPU_LIMIT_US)]


def over_prism(route: dict[str, Any], primary: bool) -> list[Row]:
    stacks = route["stacks"]
    jm, prism = stacks.get("jobmock", {}), stacks.get("prism", {})
    mine = ratios(jm, prism)
    if mine is None and not primary:
        return []
    target = "req/s ≥ 3× Prism's @16 and @64, ≥ 2× @1"
    if mine is None:
        return [row(route["key"], target, None, False)]
    a, b = cpu(jm), cpu(prism)
    cpu_text = f"; CPU per request @64: jobmock {a:,.0f} µs, Prism {b:,.0f} µs" if a and b else ""
    floor = ratios(stacks.get("connexion-floor", {}), prism)
    floor_text = f"; connexion floor vs Prism: {at_levels(floor)}" if floor else ""
    met = all(mine[c] >= PRISM_FACTORS[c] for c in LEVELS)
    return [row(route["key"], target, at_levels(mine) + cpu_text + floor_text, met)]


def p99_rounds(route: dict[str, Any], primary: bool) -> list[Row]:
    """Round by round (the rounds are interleaved, so round i of both ran side by side)."""
    stacks = route["stacks"]
    mine, prism = level(stacks.get("jobmock", {}), "64"), level(stacks.get("prism", {}), "64")
    target = f"p99 @64 ≤ ⅓ of Prism's, in {P99_ROUNDS} rounds of {P99_ROUNDS}"
    if not (mine.get("p99_ms") and prism.get("p99_ms")):
        return [row(route["key"], target, None, False)] if primary else []
    pairs = list(
        zip(mine.get("rounds_p99_ms") or [mine["p99_ms"]],
            prism.get("rounds_p99_ms") or [prism["p99_ms"]], strict=False)
    )  # fmt: skip
    shares = [a / b for a, b in pairs if a and b]
    good = sum(share <= P99_SHARE for share in shares)
    measured = (
        f"{good} of {len(shares)} round(s) within ⅓ (jobmock/Prism round by round: "
        + ", ".join(f"{share:.2f}×" for share in shares)
        + f"); kept round {mine['p99_ms']:.2f} ms vs Prism {prism['p99_ms']:.2f} ms"
    )
    return [row(route["key"], target, measured, len(shares) >= P99_ROUNDS and good == len(shares))]


def over_wiremock(route: dict[str, Any], primary: bool) -> list[Row]:
    if not primary:
        return []
    stacks = route["stacks"]
    w2, wiremock = stacks.get("jobmock-w2", {}), stacks.get("wiremock-2", {})
    target = (
        f"`--workers 2` ≥ {WIREMOCK_SHARE}× WireMock's req/s @64 (both on the same two cores, "
        "WireMock warmed up)"
    )
    a, b = rps(w2, "64"), rps(wiremock, "64")
    if not (a and b):
        return [row(route["key"], target, None, False)]
    measured = f"{a:,.0f} vs {b:,.0f} req/s ({a / b:.2f}×)"
    one, one_wm = rps(stacks.get("jobmock", {}), "64"), rps(stacks.get("wiremock", {}), "64")
    if one and one_wm:
        measured += f"; on one core each, jobmock {one:,.0f} vs WireMock {one_wm:,.0f} ({one / one_wm:.2f}×)"
    return [row(route["key"], target, measured, a / b >= WIREMOCK_SHARE)]


def over_mockoon(route: dict[str, Any], primary: bool) -> list[Row]:
    if not primary:
        return []
    stacks = route["stacks"]
    mine = ratios(stacks.get("jobmock", {}), stacks.get("mockoon", {}))
    target = "Mockoon measured, jobmock's req/s ahead of it (every connection count)"
    if mine is None:
        return [row(route["key"], target, None, False)]
    return [row(route["key"], target, at_levels(mine), min(mine.values()) > 1.0)]


def option_cost(
    key: str, name: str, limit: float, base: str = "jobmock"
) -> Callable[..., list[Row]]:
    """An option's cost: the stack `key` keeps ≥ 1 - limit of `base`'s req/s at every count."""

    def check(route: dict[str, Any], primary: bool) -> list[Row]:
        stacks = route["stacks"]
        mine, other = stacks.get(key, {}), stacks.get(base, {})
        kept = ratios(mine, other)
        target = f"{name} cost ≤ {limit:.0%} of req/s (every connection count)"
        if kept is None:
            return [row(route["key"], target, None, False)] if primary else []
        return [row(route["key"], target, at_levels(kept), min(kept.values()) >= 1 - limit)]

    return check


ROUTE_TARGETS: list[Callable[[dict[str, Any], bool], list[Row]]] = [
    cpu_per_request,
    over_prism,
    p99_rounds,
    over_wiremock,
    over_mockoon,
    option_cost("jobmock+faults", "faults on (`error:rate=0.2`)", 0.10),
    option_cost("jobmock+rv", "response validation on (`--validate-responses`)", 0.25),
    # issue 20: jobmock's defaults keep a journal; `--no-journal` is the base here
    option_cost(
        "jobmock",
        "request journal, on by default (issue 20; vs `--no-journal`)",
        0.10,
        base="jobmock-journal",
    ),
]


# --- run targets: data -> rows


def store_targets(data: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    if not data.get("store"):
        return [row("store", f"{what}", None, False) for what in (
            f"100,000 jobs cost ≤ {STORE_CHANGE:.0%} of req/s (@16)",
            f"RSS < {RSS_LIMIT_MB:.0f} MB with 100,000 jobs, seeding included",
        )]  # fmt: skip
    for kind, store in data["store"].items():
        counts = sorted(int(k) for k in store)
        if len(counts) < 2:
            continue
        small, large = store[str(counts[0])], store[str(counts[-1])]
        where = f"store: {kind}"
        a, b = rps(small, "16"), rps(large, "16")
        measured = None
        if a and b:
            change = b / a - 1
            noise = (
                "; faster with more jobs: that is this run's noise, not a cost"
                if change > 0.10
                else ""
            )
            measured = f"{b:,.0f} vs {a:,.0f} req/s with {counts[0]} jobs ({change:+.1%}{noise})"
        target = f"{counts[-1]:,} jobs cost ≤ {STORE_CHANGE:.0%} of req/s (@16)"
        out.append(row(where, target, measured, bool(a and b) and b / a - 1 >= -STORE_CHANGE))  # type: ignore[operator]
        serving, seeding = large.get("peak_rss_mb"), large.get("seeding_peak_rss_mb")
        measured = None
        if serving:
            measured = (
                f"peak {max(serving, seeding or 0):.1f} MB (serving {serving:.1f} MB, idle after "
                f"seeding {large.get('idle_rss_mb') or 0:.1f} MB, bench's seeding "
                f"{seeding or 0:.1f} MB)"
            )
        target = f"RSS < {RSS_LIMIT_MB:.0f} MB with {counts[-1]:,} jobs, seeding included"
        peak = max(serving or 0, seeding or 0)
        out.append(row(where, target, measured, bool(serving) and peak < RSS_LIMIT_MB))
    return out


def contract_target(data: dict[str, Any]) -> list[Row]:
    run = (data.get("contract") or {}).get("command") or {}
    target = f"default `jobmock contract` run (every API, in-process) ≤ {CONTRACT_LIMIT_S:.0f} s"
    if not run.get("seconds"):
        return [row("jobmock contract", target, None, False)]
    measured = (
        f"{run['seconds']:.1f} s wall, {run.get('cpu_s') or 0:.1f} s CPU (seed {run.get('seed')}, "
        f"{run.get('operations') or '?'} operations, exit {run.get('exit_code')})"
    )
    met = run["seconds"] <= CONTRACT_LIMIT_S and run.get("exit_code") == 0
    return [row("jobmock contract", target, measured, met)]


def document_targets(data: dict[str, Any]) -> list[Row]:
    document = data.get("document") or {}
    later, prism = document.get("jobmock, later starts") or {}, document.get("Prism") or {}
    where = "document: GitHub's description"
    out: list[Row] = []
    first: float = later.get("first_answer_s") or 0.0
    peak: float = later.get("peak_rss_mb") or 0.0
    target = (
        f"(issue 15) first answer within {DOCUMENT_FIRST_S:.0f} s, RSS under "
        f"{DOCUMENT_RSS_MB:.0f} MB (a start after the first)"
    )
    measured = f"{first:.1f} s, {peak:.0f} MB" if first else None
    out.append(
        row(
            where,
            target,
            measured,
            0 < first <= DOCUMENT_FIRST_S and peak < DOCUMENT_RSS_MB,
        )
    )
    mine = ratios(later, prism)
    target = "first answer and RSS recorded, and `GET /zen`'s req/s vs Prism on that document"
    measured = None
    if first and mine:
        measured = f"{first:.1f} s, {peak:.0f} MB; req/s over Prism's: {at_levels(mine)}"
    out.append(row(where, target, measured, bool(measured)))
    return out


RUN_TARGETS: list[Callable[[dict[str, Any]], list[Row]]] = [
    store_targets,
    contract_target,
    document_targets,
]


def targets(data: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for number, route in enumerate(data.get("routes") or []):
        for check in ROUTE_TARGETS:
            out += check(route, number == 0)
    for check_run in RUN_TARGETS:
        out += check_run(data)
    return out
