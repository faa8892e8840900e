"""latest.json -> latest.md and profile.md (markdown tables, ratios to jobmock, targets met or not)."""

from __future__ import annotations

import re
from typing import Any

from bench.targets import targets

BASELINE = "jobmock"
ORDER = [
    "jobmock",
    "jobmock+rv",
    "jobmock+faults",
    "jobmock-journal",
    "jobmock-mem",
    "jobmock-w2",
    "prism",
    "wiremock",
    "wiremock-2",
    "mockoon",
    "connexion",
    "connexion-floor",
    "starlette",
]
LEVELS = ["1", "16", "64"]
FINDINGS_START = "<!-- findings:start -->"
FINDINGS_END = "<!-- findings:end -->"


def fmt_num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    return f" ({value / base:.2f}×)"


def level(stack: dict[str, Any], conns: str) -> dict[str, Any]:
    return dict(stack.get("levels", {}).get(conns, {}))


def ordered(stacks: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(k, stacks[k]) for k in ORDER if k in stacks] + [
        (k, v) for k, v in stacks.items() if k not in ORDER
    ]


def route_tables(route: dict[str, Any]) -> list[str]:
    stacks = route["stacks"]
    base = stacks.get(BASELINE, {})
    lines = [
        f"Request: `GET {route['path']}` (peers: `{route['peer_path']}`, spec `{route['spec']}`); "
        f"{route['note']}. jobmock serves `--api {' --api '.join(route['jobmock_apis'])}`.",
        "",
    ]
    lines += [
        "**Throughput**, requests/s (ratio to jobmock):",
        "",
        "| stack | 1 connection | 16 connections | 64 connections |",
        "|---|---:|---:|---:|",
    ]
    for _key, stack in ordered(stacks):
        cells = []
        for conns in LEVELS:
            value = level(stack, conns).get("rps")
            cells.append(
                fmt_num(value) + ratio(value, level(base, conns).get("rps")) if value else "–"
            )
        lines.append(f"| {stack['label']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Latency**, ms (ratio to jobmock):",
        "",
        "| stack | p50 @1 | p99 @1 | p50 @16 | p99 @16 | p50 @64 | p99 @64 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for _key, stack in ordered(stacks):
        cells = []
        for conns in LEVELS:
            for pct in ("p50_ms", "p99_ms"):
                value = level(stack, conns).get(pct)
                cells.append(
                    fmt_ms(value) + ratio(value, level(base, conns).get(pct)) if value else "–"
                )
        lines.append(f"| {stack['label']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Start and resources** (ratio to jobmock):",
        "",
        "| stack | first answer, s | peak RSS, MB | idle RSS, MB | server CPU per request @64, µs | "
        "errors | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for _key, stack in ordered(stacks):
        cpu = level(stack, "64").get("server_cpu_us_per_request")
        errors = sum(level(stack, c).get("errors", 0) or 0 for c in LEVELS)
        note = stack.get("note", "")
        warm = stack.get("warmup")
        if warm:
            note += (
                f"; warm-up {warm['seconds']:g} s at 64 connections"
                + (
                    ""
                    if warm.get("steady")
                    else " (stopped at the cap: fewer than 20,000 requests or CPU per request still moving)"
                )
                + f", req/s per round {', '.join(f'{r:,.0f}' for r in warm['rps'])}"
            )
        if stack.get("error"):
            note = f"**not measured**: {one_line(stack['error'])}. {note}"
        lines.append(
            f"| {stack['label']} | {fmt_num(stack.get('first_answer_s'), 2)}"
            f"{ratio(stack.get('first_answer_s'), base.get('first_answer_s'))} "
            f"| {fmt_num(stack.get('peak_rss_mb'), 1)}{ratio(stack.get('peak_rss_mb'), base.get('peak_rss_mb'))} "
            f"| {fmt_num(stack.get('idle_rss_mb'), 1)} "
            f"| {fmt_num(cpu)}{ratio(cpu, level(base, '64').get('server_cpu_us_per_request'))} "
            f"| {errors} | {note} |"
        )
    return lines


def one_line(text: str, limit: int = 220) -> str:
    lines = [x.strip() for x in str(text).splitlines() if x.strip()]
    joined = " / ".join(lines[:1] + lines[-2:]) if len(lines) > 3 else " / ".join(lines)
    return joined.replace("|", "\\|")[:limit]


def document_lines(data: dict[str, Any]) -> list[str]:
    document = data.get("document")
    if not document:
        return []
    lines = [
        "## Starting a large published document",
        "",
        f"`jobmock serve DOC` on {document['document']} ({document['bytes'] / 2**20:.1f} MiB, "
        f"{document['operations']:,} operations), until `GET /zen` answers; the first start "
        "checks the document (openapi-spec-validator) and remembers it valid, later ones skip that. "
        "Then wrk loads `GET /zen` on the later start and on Prism (ratios to jobmock's later start; "
        "peak RSS includes the load). The slowest operation's first answer is "
        f"`GET {document.get('slowest', '-')}`, asked once `GET /zen` answered.",
        "",
        "| stack | first answer, s | slowest operation's first answer, s | peak RSS, MB "
        "| CPU to start, s | req/s @1 | req/s @16 | req/s @64 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = document.get("jobmock, later starts") or {}
    for key in ("jobmock, first start", "jobmock, later starts", "Prism"):
        run = document.get(key) or {}
        if "error" in run:
            lines.append(f"| {key} | did not start: {one_line(run['error'], 200)} | | | | | | |")
            continue
        cells = [
            fmt_num(level(run, c).get("rps"))
            + ratio(level(run, c).get("rps"), level(base, c).get("rps"))
            if level(run, c).get("rps")
            else "–"
            for c in LEVELS
        ]
        first, peak = run.get("first_answer_s"), run.get("peak_rss_mb")
        lines.append(
            f"| {key} | {fmt_num(first, 1)}{ratio(first, base.get('first_answer_s'))} | "
            f"{fmt_num(run.get('slowest_answer_s'), 2)} | "
            f"{fmt_num(peak)}{ratio(peak, base.get('peak_rss_mb'))} | {fmt_num(run.get('cpu_s'), 1)} | "
            + " | ".join(cells)
            + " |"
        )
    return [*lines, ""]


def quality_lines(data: dict[str, Any]) -> list[str]:
    foreign, shares = [], []
    for route in data.get("routes", []):
        for stack in route["stacks"].values():
            for run in stack.get("levels", {}).values():
                if "foreign_cpu_share" in run:
                    foreign.append(run["foreign_cpu_share"])
    for route in data.get("routes", [])[:1]:
        for key in ("jobmock", "starlette"):
            run = level(route["stacks"].get(key, {}), "64")
            if "server_cpu_share" in run:
                shares.append(f"{key} {run['server_cpu_share']:.0%}")
    lines = []
    if foreign:
        lines.append(
            f"- CPU used by other processes on this machine during the kept runs: median "
            f"{sorted(foreign)[len(foreign) // 2]:.0%} of one core, max {max(foreign):.0%} "
            "(0% = the machine was ours; much more and the req/s figures are low and noisier)."
        )
    if shares:
        lines.append(
            f"- Server CPU use at 64 connections (100% = one core saturated): {', '.join(shares)}."
        )
    return lines


def markdown(data: dict[str, Any]) -> str:
    m = data["machine"]
    s = data["settings"]
    lines = [
        "# jobmock benchmark: latest results",
        "",
        f"Written by `{data.get('command', 'bench/run.sh')}` on {data['started']} in {data.get('seconds', 0):.0f} s. "
        "Every figure is also given as a ratio to **jobmock** (auth and request validation on, response "
        "validation off: `jobmock serve`'s defaults) on the same route in the same run. "
        "Load: wrk, one thread, HTTP/1.1 keep-alive, "
        f"{s['rounds']} interleaved round(s) of {s['duration']:g} s per figure after a {s['warmup']:g} s warm-up; "
        "the best round is kept (all rounds are in latest.json). "
        + (
            f"Servers pinned to CPU {s['cpus_server']}, wrk to CPU {s['cpus_load']}."
            if s.get("cpus_server")
            else "No CPU pinning."
        ),
        *(
            [
                "",
                "Carried from earlier runs (left out of this one with `--skip`): "
                + ", ".join(f"{part} ({when})" for part, when in data["carried"].items())
                + ".",
            ]
            if data.get("carried")
            else []
        ),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| cores | {m['cores']} |",
        f"| CPU | {m['cpu_model']} |",
        f"| memory | {m.get('memory_gib')} GiB |",
        f"| kernel | {m['kernel']} |",
        f"| Python | {m['python']} |",
        f"| connexion / starlette / uvicorn | {m['packages']['connexion']} / {m['packages']['starlette']} / "
        f"{m['packages']['uvicorn']} (uvloop {m['packages']['uvloop']}, httptools {m['packages']['httptools']}) |",
        f"| jsonschema / werkzeug | {m['packages']['jsonschema']} / {m['packages']['werkzeug']} |",
        f"| Node / Prism | {m['node']} / @stoplight/prism-cli {m['prism']} |",
        f"| Java / WireMock / Mockoon | {m.get('java', '–')} / wiremock {m.get('wiremock', '–')} "
        f"(npm, standalone jar) / @mockoon/cli {m.get('mockoon', '–')} |",
        f"| load generator | {m['load_generator']} |",
        f"| profiler | {m['py_spy']} |",
        f"| jobmock | commit {m['jobmock_commit']}, {m['jobmock_tree']} |",
        f"| load average (start → end) | {' '.join(m['loadavg_at_start'])} → {' '.join(m.get('loadavg_at_end', []))} |",
        "",
    ]
    foreign = [
        run["foreign_cpu_share"]
        for route in data.get("routes", [])
        for stack in route["stacks"].values()
        for run in stack.get("levels", {}).values()
        if "foreign_cpu_share" in run
    ]
    if foreign and sorted(foreign)[len(foreign) // 2] > 0.25:
        lines += [
            "> **This machine was busy with other work during the run** "
            f"(median {sorted(foreign)[len(foreign) // 2]:.0%} "
            "of a core used by other processes while wrk ran): req/s and latencies are lower and noisier than on "
            "a quiet machine. Server CPU per request is the steadier figure; compare those.",
            "",
        ]
    lines += ["## Targets", "", "| where | target | measured | |", "|---|---|---|---|"]
    for t in targets(data):
        lines.append(
            f"| {t['route']} | {t['target']} | {t['measured']} | {'met' if t['met'] else '**not met**'} |"
        )
    lines += [""]
    if data.get("findings"):
        lines += ["## Findings", ""] + [f"- {f}" for f in data["findings"]] + [""]
    for number, route in enumerate(data.get("routes", []), start=1):
        lines += [f"## Route {number}: {route['title']}", "", *route_tables(route), ""]
    if data.get("store"):
        lines += [
            "## Cost against the number of jobs in the store",
            "",
            "jobmock (defaults otherwise) started by `bench/seeded_jobmock.py`, which creates the jobs "
            "through the engine (`Mock.create`) before serving with uvicorn as `jobmock serve` does; "
            "the measured request is route 1's, at 16 connections. Ratios are to the smallest store "
            "of the same kind.",
            "",
            "| store | jobs | seeding, s | req/s | p50, ms | p99, ms | CPU per request, µs | idle RSS, MB "
            "| peak RSS serving, MB | peak RSS seeding, MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, store in data["store"].items():
            counts = sorted(store, key=int)
            base = level(store[counts[0]], "16")
            for count in counts:
                entry = store[count]
                if entry.get("error"):
                    lines.append(
                        f"| {kind} | {int(count):,} | **failed**: {one_line(entry['error'])} | | | | | | | |"
                    )
                    continue
                run = level(entry, "16")
                cpu = run.get("server_cpu_us_per_request")
                lines.append(
                    f"| {kind} | {int(count):,} | {fmt_num(entry.get('seed_seconds'), 2)} "
                    f"| {fmt_num(run.get('rps'))}{ratio(run.get('rps'), base.get('rps'))} "
                    f"| {fmt_ms(run.get('p50_ms'))} | {fmt_ms(run.get('p99_ms'))} "
                    f"| {fmt_num(cpu)}{ratio(cpu, base.get('server_cpu_us_per_request'))} "
                    f"| {fmt_num(entry.get('idle_rss_mb'), 1)} | {fmt_num(entry.get('peak_rss_mb'), 1)} "
                    f"| {fmt_num(entry.get('seeding_peak_rss_mb'), 1)} |"
                )
        lines.append("")
    lines += document_lines(data)
    lines += ["## Suites and commands", "", "| what | wall time | |", "|---|---:|---|"]
    contract = data.get("contract", {"skipped": "not run"})
    if "skipped" in contract:
        lines.append(f"| contract suite (tests/contract) | – | skipped: {contract['skipped']} |")
    else:
        lines.append(
            f"| contract suite (tests/contract) | {contract['seconds']:.1f} s | exit {contract['exit_code']}: "
            f"{contract['summary']} |"
        )
    command = contract.get("command") or {}
    if command.get("seconds"):
        lines.append(
            f"| `jobmock contract --seed {command.get('seed')}` (every API, in-process) "
            f"| {command['seconds']:.1f} s | exit {command['exit_code']}, {command.get('cpu_s') or 0:.1f} s CPU: "
            f"{one_line(command.get('last_line', ''), 160)} |"
        )
    validate = data.get("validate", {"skipped": "not run"})
    if "skipped" in validate:
        lines.append(f"| `jobmock validate` | – | skipped: {validate['skipped']} |")
    else:
        lines.append(
            f"| `jobmock validate` (median of {len(validate['runs'])}) | {validate['seconds']:.2f} s "
            f"| exit {validate['exit_code']}: {one_line(validate['last_line'], 160)} |"
        )
    lines += ["", "## How to read this", ""]
    lines += quality_lines(data)
    lines += [
        "- First answer: from spawning the server's process to the first HTTP answer on the route "
        "(polled every 5 ms); route 1's figure is the median of the launches made (see latest.json).",
        "- Peak RSS: the server's process tree, polled every 50 ms from launch to stop, and its VmHWM.",
        "- Server CPU per request: the server's user+system CPU time during the run ÷ requests answered; "
        "unlike req/s it barely moves when other work shares the machine.",
        "- The seed job runs on the real clock slowed 100× (`--speed 0.01`), so it stays PROCESSING "
        "(mid-lifecycle, counters moving) for the whole run.",
        "- Profile of where jobmock's time goes: [profile.md](profile.md).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def preserved_findings(previous: str) -> str:
    match = re.search(
        re.escape(FINDINGS_START) + r"(.*?)" + re.escape(FINDINGS_END), previous, re.S
    )
    if match:
        return match.group(1).strip("\n")
    return "_No findings written yet: read the tables below._"


def profile_markdown(data: dict[str, Any], previous: str) -> str:
    prof = data.get("profile", {})
    route = data["routes"][0] if data.get("routes") else {}
    cpu_per_request = {
        key: level(route.get("stacks", {}).get(key, {}), "16").get("server_cpu_us_per_request")
        for key in ("jobmock", "jobmock+rv")
    }
    lines = [
        "# Where jobmock's time per request goes",
        "",
        f"Route: `GET {route.get('path', '?')}` (auth and request validation on). Profiled with py-spy "
        "(`py-spy record --rate 200`, sampling the server's Python stacks) while wrk keeps 16 connections busy; "
        "`bench/run.sh` regenerates everything below the findings, which are written by hand and kept.",
        "",
        "## Findings",
        "",
        FINDINGS_START,
        preserved_findings(previous),
        FINDINGS_END,
        "",
    ]
    for key in ("jobmock", "jobmock+rv"):
        entry = prof.get(key)
        if not entry:
            continue
        title = "jobmock (defaults)" if key == "jobmock" else "jobmock --validate-responses"
        lines += [f"## {title}", ""]
        if entry.get("error"):
            lines += [f"Profiling failed: {one_line(entry['error'], 400)}", ""]
            continue
        per_request = cpu_per_request.get(key)
        lines += [
            f"{entry['samples']} samples; {entry['rps_while_profiled']:,.0f} req/s while sampled. "
            + (
                f"Without the profiler the server spent **{per_request:,.0f} µs of CPU per request** "
                "(route 1, 16 connections); the µs column is that figure × the share."
                if per_request
                else ""
            ),
            "",
            "**By layer** (each sample goes to the deepest layer on its stack, so a middleware's share is its "
            "own work, not the work of the layers inside it):",
            "",
            "| layer | share | ≈ µs / request |",
            "|---|---:|---:|",
        ]
        for name, share in entry["layers"]:
            lines.append(
                f"| {name} | {share:.1%} | {fmt_num(share * per_request) if per_request else '–'} |"
            )
        lines += [
            "",
            "**By package, inclusive** (samples with any frame of that package on the stack):",
            "",
            "| package | share |",
            "|---|---:|",
        ]
        for name, share in entry["packages_inclusive"]:
            if share < 0.995:
                lines.append(f"| {name} | {share:.1%} |")
        lines += [
            "",
            "**Hottest functions, self time** (line numbers merged):",
            "",
            "| function | self |",
            "|---|---:|",
        ]
        for name, share in entry["functions_self"][:20]:
            lines.append(f"| `{name}` | {share:.1%} |")
        if entry.get("breakdowns"):
            lines += [
                "",
                "**Inside the big items**: the samples under each function, split by the function it "
                "calls next (shares of all samples; `(self)` = in the function itself):",
                "",
            ]
            for func, item in entry["breakdowns"].items():
                parts = ", ".join(f"`{name}` {share:.1%}" for name, share in item["split"][:8])
                lines.append(f"- `{func}` ({item['share']:.1%}): {parts}")
        lines += [
            "",
            "**Inclusive time of the request path's functions** (below the always-present roots):",
            "",
            "| function | inclusive |",
            "|---|---:|",
        ]
        shown = 0
        for name, share in entry["functions_inclusive"]:
            if share >= 0.97 or shown >= 60:
                continue
            lines.append(f"| `{name}` | {share:.1%} |")
            shown += 1
        lines.append("")
    inproc = data.get("inprocess")
    if inproc and not inproc.get("error"):
        variants = inproc["variants"]
        full = variants.get("jobmock", {}).get("us_per_request")
        lines += [
            "## In-process cost per request, layer by layer",
            "",
            f"`bench/inprocess.py` calls the ASGI app directly (no socket, no HTTP parsing): each variant a "
            f"fresh `create_app`, timed in CPU time over {inproc['repeats']} interleaved rounds of "
            f"{inproc['n']} sequential requests, best round kept; layers are removed by replacing "
            "`jobmock.http.stack.middlewares` in that process only. "
            "Δ = what the layer costs (full app minus the app without it).",
            "",
            "| variant | µs / request | Δ vs jobmock |",
            "|---|---:|---:|",
        ]
        for key, entry in variants.items():
            value = entry.get("us_per_request")
            if value is None:
                if entry.get("skipped"):
                    lines.append(f"| {entry['label']} | n/a: {entry['skipped']} | |")
                    continue
                why = entry.get("error") or f"HTTP {entry.get('status')}"
                lines.append(
                    f"| {entry['label']} | cannot run on this tree: {one_line(why, 160)} | |"
                )
                continue
            delta = "" if key == "jobmock" or full is None else f"{value - full:+,.0f}"
            lines.append(f"| {entry['label']} | {value:,.0f} | {delta} |")
        lines.append("")
    elif inproc:
        lines += [
            "## In-process cost per request",
            "",
            f"failed: {one_line(inproc['error'], 400)}",
            "",
        ]
    if prof.get("jobmock") and not prof["jobmock"].get("error"):
        lines += ["Flame graph of the defaults run: [profile.svg](profile.svg).", ""]
    return "\n".join(lines)
