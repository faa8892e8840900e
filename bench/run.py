"""The jobmock benchmark: one command, bounded, writes bench/results/latest.{md,json} and profile.md.

    bench/run.sh [--quick] [--other NAME] [--duration S] [--rounds N] ...

What it does, in order (every server on 127.0.0.1, a free port, its own process group, stopped in
`finally`; every load bounded by wrk's -d):
1. installs what it needs if missing: wrk and Java (Debian), @stoplight/prism-cli, wiremock (its
   standalone jar) and @mockoon/cli (npm, into bench/.node), py-spy (PyPI, into bench/.pylib);
2. finds the routes: Matcher's job status (the seed job mid-lifecycle) and one other API's, tried
   by name (`--other crosmos`) with `jobmock serve --api matcher --api NAME`; if that API cannot be
   served yet, the control API's `GET /_mock/apis/matcher/jobs/{id}` stands in (said in the results);
3. for each route, the stacks: jobmock (auth + request validation; response validation off, then
   on; faults; no journal), Prism, connexion's built-in mock, a bare Starlette app, and on the
   first route `jobmock --workers 2`, WireMock (one core, then both) and Mockoon: time to first
   answer, then wrk at 1, 16 and 64 connections (interleaved rounds, best round kept), peak RSS,
   CPU per request;
4. jobmock with 10, 10k and 100k jobs in the store; the contract suite's time (tests/contract, if
   any) and `jobmock contract`'s; `jobmock validate` wall time (if the command exists);
5. py-spy on jobmock under load, and an in-process, per-layer cost table (bench/inprocess.py).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import peers, procs, report, stacks  # noqa: E402
from bench.wrkparse import WrkParseError, parse  # noqa: E402

BENCH = ROOT / "bench"
SRC = (
    ROOT  # the jobmock tree under test: an export of --ref (default HEAD), or the work tree itself
)
RESULTS = BENCH / "results"
WORK = BENCH / ".work"  # logs, request files (gitignored)
NODE = BENCH / ".node"
PYLIB = BENCH / ".pylib"
PRISM_VERSION = "5.14.2"
PY_SPY_VERSION = "0.4.3"
PY = sys.executable
SEED_JOB = (
    "019c96a0-10ce-75fc-a273-dc799079a99c"  # fixtures/matcher.yaml: acme, `completes`, age 10 s
)
SPEED = (
    "0.01"  # real clock at 1/100: the seed job stays mid-lifecycle (PROCESSING) for the whole run
)
BASELINE = "jobmock"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# tools


def sh(argv: list[str], timeout: float = 600, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        log("installing wrk (apt-get install -y wrk)")
        if sh(["apt-get", "install", "-y", "wrk"]).returncode != 0:
            sh(["apt-get", "update"])
            done = sh(["apt-get", "install", "-y", "wrk"])
            if done.returncode != 0:
                raise SystemExit(f"could not install wrk:\n{done.stderr[-2000:]}")
    out = sh(["wrk", "-v"])
    return (out.stdout + out.stderr).splitlines()[0].split(" Copyright")[0].strip()


def prism_bin() -> Path:
    return NODE / "node_modules" / ".bin" / "prism"


def ensure_prism() -> str:
    if not prism_bin().exists():
        log(f"installing @stoplight/prism-cli@{PRISM_VERSION} into bench/.node (npm)")
        done = sh(
            [
                "npm",
                "install",
                "--prefix",
                str(NODE),
                "--no-audit",
                "--no-fund",
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            timeout=900,
        )
        if done.returncode != 0:
            raise SystemExit(f"npm install of prism failed:\n{done.stderr[-2000:]}")
    package = NODE / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    return str(json.loads(package.read_text())["version"])


LARGE_DOCUMENT_PACKAGE = "@octokit/openapi@23"  # GitHub's REST description, as npm ships it
# the operation whose first answer took longest to make (`python -m bench.first_answers DOC`):
# pulls/list, 1.5 s of CPU when drawn from Hypothesis, now its large schema's smallest value
LARGE_DOCUMENT_SLOWEST = "/repos/octocat/hello-world/pulls"
LARGE_DOCUMENT = (
    NODE / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
)


def ensure_large_document() -> Path:
    if not LARGE_DOCUMENT.exists():
        log(f"installing {LARGE_DOCUMENT_PACKAGE} into bench/.node (npm): GitHub's description")
        done = sh(
            ["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund",
             LARGE_DOCUMENT_PACKAGE],
            timeout=900,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(
                f"npm install of {LARGE_DOCUMENT_PACKAGE} failed:\n{done.stderr[-2000:]}"
            )
    return LARGE_DOCUMENT


def document_start(tmp: Path) -> dict[str, Any]:
    """`jobmock serve DOC` on GitHub's published description: seconds to the first answer and
    RSS, with an empty cache (the OpenAPI check runs) and then a warm one; Prism beside it."""
    document = ensure_large_document()
    cache = tmp / "xdg-cache"
    runs: dict[str, Any] = {
        "document": f"{LARGE_DOCUMENT_PACKAGE} generated/api.github.com.json",
        "bytes": document.stat().st_size,
        "slowest": LARGE_DOCUMENT_SLOWEST,
        "operations": sum(
            1
            for item in json.loads(document.read_text())["paths"].values()
            for method in item
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
        ),
    }
    jobmock = [PY, "-m", "jobmock", "serve", str(document), "--host", "127.0.0.1", "--port",
               "<port>", "--store", "memory://"]  # fmt: skip
    prism = [str(prism_bin()), "mock", "-h", "127.0.0.1", "-p", "<port>", "--verboseLevel",
             "error", str(document)]  # fmt: skip
    live: dict[str, tuple[procs.Server, procs.Watch]] = {}  # kept up for the req/s rounds
    for key, argv, env in (
        ("jobmock, first start", jobmock, {**python_env(), "XDG_CACHE_HOME": str(cache)}),
        ("jobmock, later starts", jobmock, {**python_env(), "XDG_CACHE_HOME": str(cache)}),
        ("Prism", prism, None),
    ):
        port = procs.free_port()
        server = procs.launch(
            f"document-{len(runs)}",
            [str(port) if a == "<port>" else a for a in argv],
            port,
            WORK / "logs" / f"document-{len(runs)}.log",
            cwd=SRC,
            env=env,
            cpus=SETTINGS.cpus_server,
        )
        watch = procs.Watch(server.process.pid).start()
        try:
            first, status, _ = server.wait_first_answer("/zen", {}, timeout=300)
            runs[key] = {"first_answer_s": first, "status": status, "peak_rss_mb": watch.peak_mb,
                         "cpu_s": watch.cpu()}  # fmt: skip
            asked = time.perf_counter()
            with contextlib.suppress(OSError):  # a timeout leaves it unmeasured
                slowest, _ = procs.http_get(server.port, LARGE_DOCUMENT_SLOWEST, {}, timeout=120)
                runs[key]["slowest_answer_s"] = time.perf_counter() - asked
                runs[key]["slowest_status"] = slowest
            log(f"  {key}: first answer {first:.1f} s, peak RSS {watch.peak_mb:.0f} MB; "
                f"{LARGE_DOCUMENT_SLOWEST}: {runs[key].get('slowest_answer_s', 0):.2f} s")  # fmt: skip
            if key != "jobmock, first start" and status == 200:
                live[key] = (server, watch)
        except procs.ServerDied as exc:
            runs[key] = {"error": str(exc)[-600:]}
        finally:
            if key not in live:
                watch.stop()
                procs.stop(server)
    try:
        document_load(runs, live)
    finally:
        for key, (server, watch) in live.items():
            watch.stop()
            runs[key]["peak_rss_mb"] = max(runs[key]["peak_rss_mb"], watch.peak_mb)
            procs.stop(server)
    return runs


def document_load(runs: dict[str, Any], live: dict[str, tuple[procs.Server, procs.Watch]]) -> None:
    """req/s of `GET /zen` at each connection count, the servers' rounds interleaved, best kept."""
    s = SETTINGS
    for server, _ in live.values():
        wrk(f"http://127.0.0.1:{server.port}/zen", {}, 16, s.warmup, s.cpus_load)
    for conns in s.levels:
        QUIET.append(wait_for_quiet(s.quiet_wait))
        rounds: dict[str, list[dict[str, Any]]] = {key: [] for key in live}
        for round_no in range(s.rounds):
            order = list(live)[round_no % len(live) :] + list(live)[: round_no % len(live)]
            for key in order:
                server, watch = live[key]
                rounds[key].append(
                    measured_run(server, watch, "/zen", {}, conns, s.duration, s.cpus_load)
                )
        for key, key_runs in rounds.items():
            runs[key].setdefault("levels", {})[str(conns)] = chosen = best(key_runs)
            log(f"  {key} c={conns}: {chosen.get('rps', 0):.0f} req/s")


def py_spy_bin() -> Path:
    return PYLIB / "bin" / "py-spy"


def ensure_py_spy() -> str:
    if not py_spy_bin().exists():
        log(f"installing py-spy=={PY_SPY_VERSION} into bench/.pylib (pip --target)")
        done = sh(
            [
                PY,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                str(PYLIB),
                f"py-spy=={PY_SPY_VERSION}",
            ]
        )
        if done.returncode != 0:
            raise SystemExit(f"pip install py-spy failed:\n{done.stderr[-2000:]}")
    return sh([str(py_spy_bin()), "--version"]).stdout.strip()


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info(tools: dict[str, str]) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    commit = sh(["git", "-C", str(ROOT), "rev-parse", "--short", REF or "HEAD"]).stdout.strip()
    dirty = sh(
        [
            "git",
            "-C",
            str(ROOT),
            "status",
            "--porcelain",
            "--",
            "jobmock",
            "handlers",
            "specs",
            "fixtures",
        ]
    )
    subject = sh(["git", "-C", str(ROOT), "log", "-1", "--format=%s", REF or "HEAD"]).stdout.strip()
    node = sh(["node", "--version"]).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": node,
        "load_generator": tools["wrk"],
        "prism": tools["prism"],
        "java": tools["java"],
        "wiremock": tools["wiremock"],
        "mockoon": tools["mockoon"],
        "py_spy": tools["py_spy"],
        "packages": {
            d: version(d)
            for d in (
                "connexion",
                "starlette",
                "uvicorn",
                "uvloop",
                "httptools",
                "jsonschema",
                "werkzeug",
            )
        },
        "jobmock_commit": commit,
        "jobmock_subject": subject,
        "jobmock_tree": f"`git archive {REF}` (committed code only)"
        if REF
        else "the work tree, clean"
        if not dirty.stdout.strip()
        else f"the work tree, with uncommitted changes in {len(dirty.stdout.splitlines())} files "
        "of jobmock/, handlers/, specs/, fixtures/",
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }


# ---------------------------------------------------------------------------------------------
# routes and stacks


@dataclass
class Route:
    key: str  # "matcher", "crosmos", "control"
    title: str
    jobmock_apis: list[str]  # --api values for jobmock serve
    spec_file: Path  # what the peers are given
    template: str  # jobmock's path template, prefix included
    path: str  # jobmock's concrete path
    prefix: str  # jobmock's mount prefix; peers serve the same path without it
    headers: dict[str, str]
    body: bytes  # what jobmock answered: the bare Starlette app answers it too
    control_token: str | None = None
    note: str = ""

    @property
    def peer_path(self) -> str:
        return (
            self.path[len(self.prefix) :]
            if self.prefix and self.path.startswith(self.prefix)
            else self.path
        )


@dataclass
class Stack:
    key: str
    label: str
    note: str = ""
    # filled per route
    argv: list[str] = field(default_factory=list)
    path: str = ""
    env: dict[str, str] | None = None
    faulty: bool = False  # answers a documented 5xx on purpose now and then (--fault error:...)
    cores: int = 1  # 2: the server gets both cores (wrk's too), as `--workers 2` needs them
    jit: bool = False  # a JIT-compiled server: warmed up until its CPU per request is steady


REF: str | None = "HEAD"  # None: the work tree as it is


def export_tree(ref: str, target: Path) -> Path:
    """The committed files of `ref` in `target` (git archive | tar): the work tree is left alone."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.Popen(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], stdout=subprocess.PIPE
    )
    untar = subprocess.run(
        ["tar", "-x", "-C", str(target)], stdin=archive.stdout, capture_output=True
    )
    if archive.wait() != 0 or untar.returncode != 0:
        raise SystemExit(f"git archive {ref} failed: {untar.stderr.decode()[-500:]}")
    return target


SERVE_OPTIONS: set[str] = set()  # long options `jobmock serve --help` lists (this tree's CLI)
TMP = Path(tempfile.gettempdir())  # replaced by the run's own temporary folder


def serve_options() -> set[str]:
    out = sh([PY, "-m", "jobmock", "serve", "--help"], cwd=SRC, env=python_env()).stdout
    return set(re.findall(r"(--[a-z][a-z-]*)", out))


def state_args() -> list[str]:
    """A fresh, private state folder per launch when serve keeps state on disk (never the repo's .jobmock)."""
    return ["--state-dir", "<state>"] if "--state-dir" in SERVE_OPTIONS else []


def jobmock_argv(
    route: Route,
    port: int,
    *,
    validate_responses: bool,
    store: str | None = None,
    extra: tuple[str, ...] = (),
) -> list[str]:
    argv = [
        PY,
        "-m",
        "jobmock",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--speed",
        SPEED,
    ]
    for api in route.jobmock_apis:
        argv += ["--api", api]
    if route.control_token:
        argv += ["--control-token", route.control_token]
    if validate_responses:
        argv.append("--validate-responses")
    argv += extra
    argv += ["--store", store] if store else state_args()
    return argv


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env["PYTHONWARNINGS"] = "ignore"
    return env


def match_template(paths: list[str], concrete: str) -> str | None:
    for template in paths:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, concrete):
            return template
    return None


def get_json(port: int, path: str, headers: dict[str, str] | None = None) -> Any:
    status, body = procs.http_get(port, path, headers or {})
    if status != 200:
        raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")
    return json.loads(body)


def discover(other: str | None, cpus: str | None) -> tuple[list[Route], list[str]]:
    """Matcher's route, and the other API's (or the control API's as a stand-in)."""
    notes: list[str] = []
    attempts = ([["matcher", other]] if other else []) + [["matcher"]]
    for apis in attempts:
        port = procs.free_port()
        argv = [PY, "-m", "jobmock", "serve", "--port", str(port), "--speed", SPEED, *state_args()]
        for api in apis:
            argv += ["--api", api]
        argv = [fresh_state(a) for a in argv]
        with procs.running(
            "probe", argv, port, WORK / "logs" / "probe.log", cwd=SRC, env=python_env(), cpus=cpus
        ) as server:
            try:
                server.wait_first_answer("/_mock/apis", {}, timeout=60)
            except procs.ServerDied as exc:
                reason = str(exc).strip().splitlines()
                notes.append(
                    f"`jobmock serve --api {' --api '.join(apis)}` did not start: "
                    f"{reason[-1] if reason else 'no output'}"
                )
                continue
            routes = [route_for(server.port, "matcher", prefer=SEED_JOB)]
            if len(apis) == 2:
                routes.append(route_for(server.port, apis[1]))
            else:
                routes.append(control_route(server.port))
                if other:
                    notes.append(
                        f"`{other}` could not be served by this tree, so the second route is the "
                        "control API's `GET /_mock/apis/matcher/jobs/{id}` (spec: specs/control.yaml)"
                    )
            return routes, notes
    raise SystemExit("jobmock serve --api matcher does not start:\n" + "\n".join(notes))


def route_for(port: int, api: str, prefer: str | None = None) -> Route:
    jobs = get_json(port, f"/_mock/apis/{api}/jobs")
    live = [j for j in jobs if not j["terminal"]]
    job = next((j for j in live if j["id"] == prefer), None) or (live or jobs)[0]
    document = get_json(port, f"/{api}/openapi.json")
    prefix = f"/{api}"
    template = match_template(list(document.get("paths", {})), job["status_path"][len(prefix) :])
    status, body = procs.http_get(port, job["status_path"], job["headers"])
    if status != 200:
        raise RuntimeError(f"{api}: GET {job['status_path']} -> {status}: {body[:300]!r}")
    title = document.get("info", {}).get("title", api)
    return Route(
        key=api,
        title=f"{title}: job status",
        jobmock_apis=["matcher"] if api == "matcher" else ["matcher", api],
        spec_file=SRC / "specs" / f"{api}.yaml",
        template=prefix + (template or job["status_path"][len(prefix) :]),
        path=job["status_path"],
        prefix=prefix,
        headers=dict(job["headers"]),
        body=body,
        note=f"job {job['id']} (tenant {job['tenant']}, scenario `{job['scenario']}`, {job['status']} at start)",
    )


def control_route(port: int) -> Route:
    token = "bench-control-token"
    job = next(j for j in get_json(port, "/_mock/apis/matcher/jobs") if j["id"] == SEED_JOB)
    path = f"/_mock/apis/matcher/jobs/{job['id']}"
    status, body = procs.http_get(port, path, {})
    if status != 200:
        raise RuntimeError(f"control: GET {path} -> {status}")
    return Route(
        key="control",
        title="jobmock control API: read a job (stand-in for a second vendor API)",
        jobmock_apis=["matcher"],
        spec_file=SRC / "specs" / "control.yaml",
        template="/_mock/apis/{api}/jobs/{id}",
        path=path,
        prefix="/_mock",
        headers={"Authorization": f"Bearer {token}"},
        body=body,
        control_token=token,
        note=f"job {job['id']}; jobmock run with --control-token so that every stack checks a bearer token",
    )


FAULTS = "error:rate=0.2"
EXTRA_ARGS: dict[str, tuple[str, ...]] = {  # serve options a jobmock stack adds to the defaults
    "jobmock+faults": ("--fault", FAULTS),
    "jobmock-journal": ("--no-journal",),
    "jobmock-w2": ("--workers", "2"),
}
PROFILED = ("jobmock", "jobmock+rv")  # the flame graphs the profile page shows


def jobmock_stacks() -> list[Stack]:
    return [
        Stack("jobmock", "jobmock (auth + request validation)", "`jobmock serve` defaults"),
        Stack(
            "jobmock+rv",
            "jobmock + --validate-responses",
            "also checks every response against the spec",
        ),
        Stack(
            "jobmock+faults",
            f"jobmock + --fault {FAULTS}",
            "one answer in five is the route's documented 5xx (wrk counts it like any answer): "
            "what deciding a fault per request costs",
            faulty=True,
        ),
        Stack(
            "jobmock-journal",
            "jobmock --no-journal",
            "no request journal: what recording each request (the default) costs",
        ),
    ]


def stacks_for(
    route: Route,
    tmp: Path,
    findings: list[str],
    cpus: str | None,
    *,
    memory: bool = False,
    peers: bool = True,
) -> list[Stack]:
    if not peers:  # --skip peers: jobmock's own stacks only (what an option costs)
        own = jobmock_stacks() + (primary_stacks(route, tmp, with_peers=False) if memory else [])
        for stack in own:
            stack.path, stack.env = stack.path or route.path, stack.env or python_env()
        return own
    out = [
        *jobmock_stacks(),
        Stack(
            "prism",
            f"Prism {PRISM_VERSION}",
            "`prism mock` on the documented spec, static examples, "
            "--verboseLevel error (its default `info` logs every request)",
        ),
        Stack("connexion", "connexion mock", ""),
        Stack(
            "starlette",
            "bare Starlette (ceiling)",
            "fixed body (jobmock's) on the same route template",
        ),
        Stack(
            "connexion-floor",
            "connexion floor (routing + context)",
            "jobmock's served spec on connexion "
            "with only its routing and context middlewares, every route answering jobmock's body: no auth, "
            "no validation, no engine (bench/connexion_floor.py)",
        ),
    ]
    for stack in out:
        stack.path = route.path
        stack.env = python_env()
    by_key = {stack.key: stack for stack in out}
    prism = by_key["prism"]
    prism.argv = [
        str(prism_bin()),
        "mock",
        "-h",
        "127.0.0.1",
        "-p",
        "<port>",
        "--verboseLevel",
        "error",
        str(route.spec_file),
    ]
    prism.path = route.peer_path
    prism.env = None
    # connexion: first exactly as documented; a 3.1 document is refused, then its mock is built on
    # jobmock's 3.1 support (the document as written, no copy)
    conn = by_key["connexion"]
    conn.path = route.peer_path
    refused = connexion_refusal(route, cpus)
    if refused:
        findings.append(
            f"`connexion run {route.spec_file.relative_to(SRC)} --mock all` refuses the document: "
            f"{refused}"
        )
        conn.label = "connexion mock (3.1 via jobmock)"
        conn.note = (
            "connexion 3.3 refuses OpenAPI 3.1, so its mock (MockResolver, connexion's default "
            "middlewares) runs on jobmock's OpenAPI31App with the document as written "
            "(bench/connexion_mock31.py; an accept-any bearer/apiKey info function added, as its "
            "mock answers 401 to every request without one)"
        )
        conn.argv = [PY, str(BENCH / "connexion_mock31.py"), str(route.spec_file), "<port>"]
    else:
        conn.note = "`connexion run SPEC --mock all`"
        conn.argv = [PY, str(BENCH / "connexion_mock.py"), str(route.spec_file), "<port>"]
    body_file = tmp / f"{route.key}.body.json"
    body_file.write_bytes(route.body)
    by_key["starlette"].argv = [
        PY,
        str(BENCH / "bare_starlette.py"),
        "<port>",
        route.template,
        str(body_file),
    ]
    by_key["connexion-floor"].argv = [
        PY,
        str(BENCH / "connexion_floor.py"),
        "<port>",
        route.key,
        str(body_file),
    ]
    if route.key == "control":  # the floor serves vendor specs only
        out.remove(by_key["connexion-floor"])
    if memory and "--store" in SERVE_OPTIONS:
        extra = Stack(
            "jobmock-mem",
            "jobmock --store memory://",
            "the in-process store instead of the default "
            "(SQLite in --state-dir): what the store costs per request",
        )
        extra.path, extra.env = route.path, python_env()
        out.insert(2, extra)
    if memory:
        out += primary_stacks(route, tmp)
    return out


def primary_stacks(route: Route, tmp: Path, *, with_peers: bool = True) -> list[Stack]:
    """The first route's extra stacks: `jobmock --workers 2` and, with the peers, WireMock (one
    core like jobmock, and both cores like `--workers 2`) and Mockoon."""
    out = [
        Stack(
            "jobmock-w2",
            "jobmock --workers 2 (both cores)",
            "two uvicorn workers on the default store (SQLite in --state-dir), pinned to both "
            "cores (wrk's included), as WireMock on both cores is",
            cores=2,
        )
    ]
    for stack in out:
        stack.path, stack.env = route.path, python_env()
    if not with_peers:
        return out
    headers = ", ".join(f"`{name}`" for name in route.headers) or "no"
    stub = (
        f"one stub: GET on the route's exact path, the {headers} header matched by value "
        f"(`equalTo`), jobmock's body; request journal capped at {peers.WIREMOCK_JOURNAL} entries "
        "(jobmock keeps 200); warmed up at 64 connections until it has served 20,000 requests and "
        "its CPU per request is steady"
    )
    wiremock_argv = peers.wiremock_argv(
        NODE, tmp / "wiremock" / route.key, route.peer_path, route.headers, route.body
    )
    for key, label, cores, where in (
        ("wiremock", f"WireMock {peers.WIREMOCK_VERSION}", 1, "pinned to one core like jobmock"),
        ("wiremock-2", f"WireMock {peers.WIREMOCK_VERSION} (both cores)", 2,
         "on both cores, like `jobmock --workers 2`"),
    ):  # fmt: skip
        stack = Stack(key, label, f"{stub}; {where} (JVM defaults)", cores=cores, jit=True)
        stack.argv, stack.path, stack.env = list(wiremock_argv), route.peer_path, None
        out.append(stack)
    mockoon = Stack(
        "mockoon",
        f"Mockoon CLI {peers.MOCKOON_VERSION}",
        "`mockoon-cli start --data SPEC` on the documented spec (its OpenAPI import: static "
        "examples, no auth or request checks); it logs a line per request to stdout and has no "
        "option to stop that (written to a file here); admin API off",
    )
    mockoon.argv = peers.mockoon_argv(NODE, route.spec_file)
    mockoon.path, mockoon.env = route.peer_path, None
    out.append(mockoon)
    return out


def connexion_refusal(route: Route, cpus: str | None) -> str | None:
    """None if `connexion run SPEC --mock all` serves the spec, else the reason it gave."""
    port = procs.free_port()
    connexion = str(Path(PY).parent / "connexion")
    argv = [
        connexion,
        "run",
        str(route.spec_file),
        "--mock",
        "all",
        "-H",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with procs.running(
        "connexion-run",
        argv,
        port,
        WORK / "logs" / f"connexion-run-{route.key}.log",
        cwd=SRC,
        env=python_env(),
        cpus=cpus,
    ) as server:
        try:
            server.wait_first_answer(route.peer_path, route.headers, timeout=30)
            return None
        except procs.ServerDied:
            return refusal_reason(server.output(8000))


def refusal_reason(output: str) -> str:
    """The line that says why connexion refused a document, plus the check that failed."""
    lines = [x.strip() for x in output.splitlines() if x.strip()]
    error = next(
        (x for x in reversed(lines) if re.match(r"^[\w.]*(Error|Exception|Specification)\b.*:", x)),
        "",
    )
    failed = next((x.rstrip(":") for x in lines if x.startswith("Failed validating")), "")
    reason = " ".join(x for x in (error, f"({failed})" if failed else "") if x)
    return reason or (lines[-1] if lines else "exited with no output")


# ---------------------------------------------------------------------------------------------
# measuring


def busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(values) - values[3] - (values[4] if len(values) > 4 else 0)
    return busy / procs.CLK_TCK


def wait_for_quiet(max_wait: float, threshold: float = 0.3) -> dict[str, float]:
    """Wait (at most `max_wait` s) until the machine's other work uses under `threshold` of a core.

    Other sessions may share this machine; their load shows in every req/s figure. Each check
    samples /proc/stat for one second while our own servers sit idle.
    """
    started = time.perf_counter()
    while True:
        before = busy_seconds()
        time.sleep(1.0)
        busy = busy_seconds() - before
        waited = time.perf_counter() - started
        if busy < threshold or waited >= max_wait:
            if waited > 1.5:
                log(
                    f"  waited {waited:.0f} s for a quieter machine (other work: {busy:.0%} of a core)"
                )
            return {"waited_s": waited, "other_cpu_share": busy}
        time.sleep(2.0)


def wrk(
    url: str, headers: dict[str, str], conns: int, seconds: float, cpus: str | None
) -> dict[str, Any]:
    argv = ["wrk", "-t1", f"-c{conns}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    if cpus is not None:
        argv = ["taskset", "-c", cpus, *argv]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = sh(argv, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        result = parse(done.stdout).as_dict()
    except WrkParseError as exc:
        return {"error": f"{exc}: {done.stdout[-500:]} {done.stderr[-500:]}"}
    result["wrk_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def measured_run(
    server: procs.Server,
    watch: procs.Watch,
    path: str,
    headers: dict[str, str],
    conns: int,
    seconds: float,
    cpus: str | None,
) -> dict[str, Any]:
    cpu0, busy0, t0 = watch.cpu(), busy_seconds(), time.perf_counter()
    result = wrk(f"http://127.0.0.1:{server.port}{path}", headers, conns, seconds, cpus)
    cpu1, busy1, t1 = watch.cpu(), busy_seconds(), time.perf_counter()
    server_cpu = cpu1 - cpu0
    wall = t1 - t0
    if "error" not in result:
        requests = result["requests"] or 1
        result["server_cpu_us_per_request"] = server_cpu / requests * 1e6
        result["server_cpu_share"] = server_cpu / wall
        # CPU used by anything but the server and wrk during the run (other work on this machine)
        result["foreign_cpu_share"] = max(
            0.0, (busy1 - busy0 - server_cpu - result["wrk_cpu_s"]) / wall
        )
    return result


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0] if runs else {"error": "not run"}
    chosen = dict(max(good, key=lambda r: r["rps"]))
    chosen["rounds_rps"] = [round(r["rps"], 1) for r in good]
    # round by round, in the order run (None: that round failed): the p99 target pairs rounds
    chosen["rounds_p99_ms"] = [r.get("p99_ms") if "error" not in r else None for r in runs]
    return chosen


@dataclass
class Settings:
    duration: float
    warmup: float
    rounds: int
    levels: list[int]
    launch_repeats: int
    job_counts: list[int]
    profile_seconds: float
    cpus_server: str | None
    cpus_load: str | None
    quiet_wait: float


QUIET: list[dict[str, float]] = []  # every wait for a quieter machine


def fresh_state(arg: str) -> str:
    if arg != "<state>":
        return arg
    folder = Path(tempfile.mkdtemp(prefix="state-", dir=TMP))
    return str(folder)


def cpus_of(stack: Stack) -> str | None:
    """The CPUs a stack is pinned to: the server's one, or both (the server's and wrk's) for a
    stack that needs two cores; None without pinning."""
    s = SETTINGS
    if s.cpus_server is None or stack.cores == 1 or s.cpus_load is None:
        return s.cpus_server
    return f"{s.cpus_server},{s.cpus_load}"


def launch_stack(stack: Stack, port: int, name: str) -> procs.Server:
    argv = [str(port) if a == "<port>" else fresh_state(a) for a in stack.argv]
    return procs.launch(
        name,
        argv,
        port,
        WORK / "logs" / f"{name}.log",
        cwd=SRC,
        env=stack.env,
        cpus=cpus_of(stack),
    )


JIT_WARMUP_MAX = 90.0  # seconds of load at most before a JIT-compiled server is measured anyway
JIT_WARMUP_REQUESTS = (
    20_000  # HotSpot's C2 compiles a method after ~10,000 calls: twice that, at least
)


def warm_up(
    stack: Stack, server: procs.Server, watch: procs.Watch, headers: dict[str, str]
) -> dict[str, Any]:
    """Load a JIT-compiled server at 64 connections in rounds until it has served
    JIT_WARMUP_REQUESTS and two rounds in a row cost the same CPU per request (peers.steady), at
    most JIT_WARMUP_MAX seconds."""
    s = SETTINGS
    chunk = max(s.warmup, 3.0)
    costs: list[float] = []
    rates: list[float] = []
    served = 0
    while len(costs) * chunk < JIT_WARMUP_MAX and not (
        peers.steady(costs) and served >= JIT_WARMUP_REQUESTS
    ):
        run = measured_run(server, watch, stack.path, headers, 64, chunk, s.cpus_load)
        if "error" in run:
            break
        costs.append(run["server_cpu_us_per_request"])
        rates.append(run["rps"])
        served += run["requests"]
    log(
        f"  {stack.key}: warmed up for {len(costs) * chunk:.0f} s at 64 connections "
        f"(req/s per round: {', '.join(f'{r:.0f}' for r in rates)})"
    )
    return {
        "seconds": len(costs) * chunk,
        "steady": peers.steady(costs) and served >= JIT_WARMUP_REQUESTS,
        "requests": served,
        "rps": [round(r, 1) for r in rates],
        "cpu_us_per_request": [round(c, 1) for c in costs],
    }


def finalize_argv(route: Route, stack: Stack) -> None:
    if stack.key.startswith("jobmock"):
        stack.argv = jobmock_argv(
            route,
            0,
            validate_responses=stack.key == "jobmock+rv",
            store="memory://" if stack.key == "jobmock-mem" else None,
            extra=EXTRA_ARGS.get(stack.key, ()),
        )
        stack.argv[stack.argv.index("--port") + 1] = "<port>"


def measure_route(route: Route, stack_list: list[Stack], launch_repeats: int) -> dict[str, Any]:
    s = SETTINGS
    results: dict[str, Any] = {}
    live: dict[str, tuple[procs.Server, procs.Watch]] = {}
    try:
        for stack in stack_list:
            finalize_argv(route, stack)
            entry: dict[str, Any] = {
                "label": stack.label,
                "note": stack.note,
                "path": stack.path,
                "argv": [a for a in stack.argv],
            }
            results[stack.key] = entry
            firsts = []
            for attempt in range(max(1, launch_repeats)):
                port = procs.free_port()
                server = launch_stack(stack, port, f"{route.key}-{stack.key}-{attempt}")
                keep = attempt == max(1, launch_repeats) - 1
                try:
                    first, status, body = server.wait_first_answer(
                        stack.path, route.headers, timeout=90
                    )
                except procs.ServerDied as exc:
                    procs.stop(server)
                    entry["error"] = str(exc)[-1500:]
                    log(f"  {stack.key}: did not start: {str(exc).splitlines()[0]}")
                    break
                firsts.append(first)
                if not keep:
                    procs.stop(server)
                    continue
                entry.update(
                    first_answer_s=statistics.median(firsts),
                    first_answer_runs=firsts,
                    status=status,
                    body_bytes=len(body),
                    body_sample=body[:400].decode(errors="replace"),
                )
                if status != 200 and not (stack.faulty and status >= 500):
                    entry["error"] = f"first answer was HTTP {status}: {body[:300]!r}"
                    procs.stop(server)
                    log(f"  {stack.key}: answered {status}, not measured")
                    break
                watch = procs.Watch(server.process.pid).start()
                entry["idle_rss_mb"] = watch.rss_now_kb() / 1024
                live[stack.key] = (server, watch)
                log(
                    f"  {stack.key}: first answer in {first:.2f} s (median of {len(firsts)}: "
                    f"{statistics.median(firsts):.2f} s)"
                )
        jit = {stack.key: stack for stack in stack_list if stack.jit}
        for key, (server, watch) in live.items():
            if key in jit:
                results[key]["warmup"] = warm_up(jit[key], server, watch, route.headers)
                continue
            wrk(
                f"http://127.0.0.1:{server.port}{results[key]['path']}",
                route.headers,
                16,
                s.warmup,
                s.cpus_load,
            )
        for conns in s.levels:
            QUIET.append(wait_for_quiet(s.quiet_wait))
            runs: dict[str, list[dict[str, Any]]] = {k: [] for k in live}
            for round_no in range(s.rounds):
                order = list(live)
                order = (
                    order[round_no % len(order) :] + order[: round_no % len(order)]
                    if order
                    else order
                )
                for key in order:
                    server, watch = live[key]
                    runs[key].append(
                        measured_run(
                            server,
                            watch,
                            results[key]["path"],
                            route.headers,
                            conns,
                            s.duration,
                            s.cpus_load,
                        )
                    )
            for key, key_runs in runs.items():
                results[key].setdefault("levels", {})[str(conns)] = best(key_runs)
                chosen = results[key]["levels"][str(conns)]
                log(
                    f"  {key:11s} c={conns:<3d} {chosen.get('rps', 0):9.1f} req/s"
                    f"  p50 {chosen.get('p50_ms') or 0:7.2f} ms"
                    f"  p99 {chosen.get('p99_ms') or 0:7.2f} ms  errors {chosen.get('errors', '?')}"
                )
    finally:
        for key, (server, watch) in live.items():
            watch.stop()
            results[key]["peak_rss_mb"] = watch.peak_mb
            procs.stop(server)
    return results


def store_kinds() -> list[tuple[str, list[str]]]:
    """(label, seeded_jobmock.py arguments): serve's default store, and the memory store if that differs."""
    if "--state-dir" in SERVE_OPTIONS:
        return [
            ("default (SQLite in --state-dir)", ["--state-dir", "<state>"]),
            ("memory://", ["--store", "memory://"]),
        ]
    return [("default (memory://)", [])]


def store_scaling(route: Route) -> dict[str, Any]:
    """jobmock with N jobs in the store, for each N and store kind: {kind: {N: entry}}."""
    s = SETTINGS
    out: dict[str, Any] = {}
    live: dict[tuple[str, int], tuple[procs.Server, procs.Watch]] = {}
    try:
        for kind, extra in store_kinds():
            out[kind] = {}
            for count in s.job_counts:
                port = procs.free_port()
                argv = [
                    PY,
                    str(BENCH / "seeded_jobmock.py"),
                    "--jobs",
                    str(count),
                    "--port",
                    str(port),
                    "--speed",
                    SPEED,
                    *[fresh_state(a) for a in extra],
                ]
                name = f"store-{len(out)}-{count}"
                server = procs.launch(
                    name,
                    argv,
                    port,
                    WORK / "logs" / f"{name}.log",
                    cwd=SRC,
                    env=python_env(),
                    cpus=s.cpus_server,
                )
                watch = procs.Watch(server.process.pid).start()
                entry: dict[str, Any] = {"jobs": count}
                out[kind][str(count)] = entry
                try:
                    first, status, _ = server.wait_first_answer(
                        route.path, route.headers, timeout=300
                    )
                except procs.ServerDied as exc:
                    entry["error"] = str(exc)[-1500:]
                    watch.stop()
                    procs.stop(server)
                    continue
                seeded = re.search(r"seeded (\d+) jobs in ([0-9.]+) s", server.output())
                watch.stop()  # the seeding phase: jobmock serve never goes through it
                entry["seeding_peak_rss_mb"] = watch.peak_mb
                hwm = procs.reset_peak(server.process.pid)
                watch = procs.Watch(server.process.pid, hwm=hwm).start()  # from here on: serving
                entry.update(
                    status=status,
                    first_answer_s=first,
                    idle_rss_mb=watch.rss_now_kb() / 1024,
                    seed_seconds=float(seeded.group(2)) if seeded else None,
                    jobs_in_store=int(seeded.group(1)) if seeded else None,
                )
                live[(kind, count)] = (server, watch)
                log(
                    f"  {kind}, {count} jobs: seeded in {entry['seed_seconds']} s, "
                    f"idle RSS {entry['idle_rss_mb']:.1f} MB"
                )
        for server, _ in live.values():
            wrk(
                f"http://127.0.0.1:{server.port}{route.path}",
                route.headers,
                16,
                s.warmup,
                s.cpus_load,
            )
        conns = 16
        QUIET.append(wait_for_quiet(s.quiet_wait))
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {k: [] for k in live}
        for round_no in range(s.rounds):
            order = list(live)
            order = order[round_no % len(order) :] + order[: round_no % len(order)]
            for key in order:
                server, watch = live[key]
                runs[key].append(
                    measured_run(
                        server, watch, route.path, route.headers, conns, s.duration, s.cpus_load
                    )
                )
        for (kind, count), key_runs in runs.items():
            out[kind][str(count)].setdefault("levels", {})[str(conns)] = chosen = best(key_runs)
            log(
                f"  {kind}, {count:>7d} jobs c={conns}: {chosen.get('rps', 0):.1f} req/s, "
                f"p99 {chosen.get('p99_ms') or 0:.2f} ms"
            )
    finally:
        for (kind, count), (server, watch) in live.items():
            watch.stop()
            out[kind][str(count)]["peak_rss_mb"] = watch.peak_mb
            procs.stop(server)
    return out


def contract_suite() -> dict[str, Any]:
    folder = SRC / "tests" / "contract"
    if not folder.is_dir():
        return {"skipped": "tests/contract does not exist (yet)"}
    started = time.perf_counter()
    done = sh(
        [PY, "-m", "pytest", str(folder), "-p", "no:cacheprovider"],
        timeout=900,
        cwd=SRC,
        env=python_env(),
    )
    lines = [
        x.strip(" =")
        for x in done.stdout.splitlines()
        if re.search(r"\d+ (passed|failed|error)", x)
    ]
    return {
        "seconds": time.perf_counter() - started,
        "exit_code": done.returncode,
        "summary": lines[-1] if lines else "no summary line",
    }


CONTRACT_SEED = "1234"  # one seed for every run, so two runs' times compare the same cases


def contract_command() -> dict[str, Any]:
    """`jobmock contract` with no options (every API, in-process), on this tree: wall time."""
    helptext = sh([PY, "-m", "jobmock", "--help"], cwd=SRC, env=python_env()).stdout
    if not re.search(r"^\s+contract\b", helptext, re.M):
        return {"skipped": "`jobmock contract` does not exist (yet)"}
    started = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = sh(
        [PY, "-m", "jobmock", "contract", "--seed", CONTRACT_SEED],
        timeout=1800,
        cwd=TMP,
        env=python_env(),
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = re.findall(r"^.*\d+ operations, .*$", done.stdout, re.M)  # its closing line
    lines = summary or [x for x in (done.stdout + done.stderr).splitlines() if x.strip()]
    operations = re.findall(r"^\[(\d+)/(\d+),", done.stdout, re.M)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime),
        "seed": CONTRACT_SEED,
        "exit_code": done.returncode,
        "operations": int(operations[-1][1]) if operations else None,
        "last_line": (lines[-1] if lines else "")[:300],
    }


def validate_time(repeats: int = 3) -> dict[str, Any]:
    helptext = sh([PY, "-m", "jobmock", "--help"], cwd=SRC, env=python_env()).stdout
    if not re.search(r"^\s+validate\b", helptext, re.M):
        return {"skipped": "`jobmock validate` does not exist (yet)"}
    times, code, last = [], 0, ""
    for _ in range(repeats):
        started = time.perf_counter()
        done = sh([PY, "-m", "jobmock", "validate"], timeout=300, cwd=SRC, env=python_env())
        times.append(time.perf_counter() - started)
        code = done.returncode
        lines = [x for x in (done.stdout + done.stderr).splitlines() if x.strip()]
        last = lines[-1] if lines else ""
    return {
        "seconds": statistics.median(times),
        "runs": times,
        "exit_code": code,
        "last_line": last[:300],
    }


# ---------------------------------------------------------------------------------------------
# profiling


def profile(route: Route, tmp: Path, out_dir: Path) -> dict[str, Any]:
    s = SETTINGS
    out: dict[str, Any] = {}
    for stack in jobmock_stacks():
        if stack.key not in PROFILED:
            continue
        stack.path, stack.env = route.path, python_env()
        finalize_argv(route, stack)
        port = procs.free_port()
        server = launch_stack(stack, port, f"profile-{stack.key}")
        raw = WORK / f"profile-{stack.key}.collapsed.txt"  # kept for a closer look (gitignored)
        try:
            server.wait_first_answer(route.path, route.headers, timeout=90)
            url = f"http://127.0.0.1:{port}{route.path}"
            wrk(url, route.headers, 16, s.warmup, s.cpus_load)
            records = [("raw", raw)]
            if stack.key == BASELINE:
                records.append(("flamegraph", out_dir / "profile.svg"))
            load_seconds = s.profile_seconds * len(records) + 3 * len(records) + 2
            argv = ["wrk", "-t1", "-c16", f"-d{load_seconds:g}s", "--latency", "--timeout", "10s"]
            for name, value in route.headers.items():
                argv += ["-H", f"{name}: {value}"]
            argv.append(url)
            if s.cpus_load:
                argv = ["taskset", "-c", s.cpus_load, *argv]
            QUIET.append(wait_for_quiet(s.quiet_wait))
            load = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            try:
                time.sleep(1.0)
                for fmt, target in records:
                    spy = [
                        str(py_spy_bin()),
                        "record",
                        "--pid",
                        str(server.process.pid),
                        "--rate",
                        "200",
                        "--duration",
                        f"{s.profile_seconds:g}",
                        "--format",
                        fmt,
                        "--output",
                        str(target),
                    ]
                    if s.cpus_load:
                        spy = ["taskset", "-c", s.cpus_load, *spy]
                    done = sh(spy, timeout=s.profile_seconds + 60)
                    if done.returncode != 0:
                        out[stack.key] = {"error": (done.stdout + done.stderr)[-1000:]}
                        break
                wrk_out, _ = load.communicate(timeout=load_seconds + 60)
            finally:
                if load.poll() is None:
                    load.kill()
                    load.wait()
            if stack.key in out:
                continue
            parsed = parse(wrk_out)
            out[stack.key] = analyse(raw.read_text())
            out[stack.key]["rps_while_profiled"] = parsed.rps
            log(f"  profiled {stack.key}: {out[stack.key]['samples']} samples")
        except (procs.ServerDied, WrkParseError, OSError, subprocess.TimeoutExpired) as exc:
            out[stack.key] = {"error": str(exc)[-1000:]}
        finally:
            procs.stop(server)
    return out


BREAKDOWNS = [  # functions whose time is split by what they call, in profile.md
    "BoundOperation.__call__",
    "AsyncParameterDecorator.__call__.<locals>.wrapper",
    "AsyncResponseDecorator.__call__.<locals>.wrapper",
    "SecurityOperation.__call__",
    "OnceBuiltValidationOperation.__call__",
    "get_ingestion_job",
    "Mock.view",
    "RequestResponseCycle.send",
]


def analyse(raw: str) -> dict[str, Any]:
    prof = stacks.parse_collapsed(raw)
    total = prof.total
    self_counts, inclusive = stacks.by_function(prof)
    breakdowns = {}
    for func in BREAKDOWNS:
        under, split = stacks.children(prof, func)
        if under:
            breakdowns[func] = {"share": under / total, "split": stacks.shares(split, total, 10)}
    return {
        "breakdowns": breakdowns,
        "samples": total,
        "layers": stacks.shares(stacks.by_layer(prof), total),
        "packages_inclusive": stacks.shares(stacks.by_package_inclusive(prof), total, 20),
        "packages_self": stacks.shares(stacks.by_package_self(prof), total, 15),
        "functions_self": stacks.shares(self_counts, total, 30),
        "functions_inclusive": stacks.shares(inclusive, total, 100),
    }


def inprocess(route: Route, tmp: Path) -> dict[str, Any]:
    request = tmp / "inprocess-request.json"
    api = route.jobmock_apis[-1] if route.key != "control" else "matcher"
    request.write_text(
        json.dumps(
            {
                "api": api,
                "path": route.path,
                "headers": route.headers,
                "template": route.template,
                "body": route.body.decode(),
            }
        )
    )
    argv = [PY, str(BENCH / "inprocess.py"), str(request)]
    if SETTINGS.cpus_server:
        argv = ["taskset", "-c", SETTINGS.cpus_server, *argv]
    done = sh(argv, timeout=600, cwd=SRC, env=python_env())
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------------------------------------


SETTINGS: Settings


def rewrite_reports(out_dir: Path) -> None:
    data = json.loads((out_dir / "latest.json").read_text())
    for key in data.get("profile", {}):
        raw = WORK / f"profile-{key}.collapsed.txt"
        if raw.exists() and "error" not in data["profile"][key]:
            data["profile"][key] = {**data["profile"][key], **analyse(raw.read_text())}
    (out_dir / "latest.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    (out_dir / "latest.md").write_text(report.markdown(data))
    if "profile" in data and "profile" not in data.get("carried", {}):
        target = out_dir / "profile.md"
        target.write_text(
            report.profile_markdown(data, target.read_text() if target.exists() else "")
        )
    log(f"rewrote {out_dir.relative_to(ROOT)}/latest.md and profile.md")


def main() -> None:
    global SETTINGS, SERVE_OPTIONS, TMP, SRC, REF
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 round of 2 s per figure, smaller store sizes "
        "(a smoke run; results are written to bench/.work/, not bench/results/)",
    )
    parser.add_argument(
        "--other", default="crosmos", help="the second API to measure, by name ('' for none)"
    )
    parser.add_argument("--duration", type=float, default=3.0, help="seconds of load per wrk run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="interleaved rounds per figure (best kept; the p99 target is read round by round)",
    )
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--launch-repeats",
        type=int,
        default=3,
        help="launches per stack for the first-answer time (first route; median)",
    )
    parser.add_argument(
        "--ref",
        default="HEAD",
        help="the jobmock commit to measure, exported to a temporary "
        "folder (default HEAD: committed code only)",
    )
    parser.add_argument(
        "--worktree", action="store_true", help="measure the work tree as it is instead of --ref"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        help="before each load phase, wait at most "
        "this many seconds for other work on the machine to drop under 30%% of a core",
    )
    parser.add_argument(
        "--no-pin", action="store_true", help="do not pin servers to CPU 0 and wrk to CPU 1"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[
            "second",
            "store",
            "profile",
            "inprocess",
            "validate",
            "contract",
            "document",
            "peers",
        ],
        help="leave a part out (repeatable; its figures are carried from the previous results;"
        " peers: Prism, WireMock, Mockoon, connexion and Starlette, so only jobmock's own stacks"
        " are measured)",
    )
    parser.add_argument(
        "--name",
        default="latest",
        help="write NAME.md and NAME.json (default latest; e.g. a partial run beside the full one)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite latest.md and profile.md from "
        "latest.json (re-reading the kept py-spy stacks in bench/.work/); measure nothing",
    )
    args = parser.parse_args()
    if args.report_only:
        rewrite_reports(WORK / "quick" if args.quick else RESULTS)
        return
    REF = None if args.worktree else args.ref
    pin = not args.no_pin and (os.cpu_count() or 1) >= 2
    SETTINGS = Settings(
        duration=2.0 if args.quick else args.duration,
        warmup=1.0 if args.quick else args.warmup,
        rounds=1 if args.quick else args.rounds,
        levels=[1, 16, 64],
        launch_repeats=1 if args.quick else args.launch_repeats,
        job_counts=[10, 1000, 10000] if args.quick else [10, 10_000, 100_000],
        profile_seconds=3.0 if args.quick else 8.0,
        cpus_server="0" if pin else None,
        cpus_load="1" if pin else None,
        quiet_wait=0.0 if args.quick else args.quiet_wait,
    )
    out_dir = WORK / "quick" if args.quick else RESULTS
    stem = args.name
    out_dir.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    atexit.register(procs.stop_all)

    def interrupted(*_: Any) -> None:
        procs.stop_all()
        sys.exit(130)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, interrupted)

    started = time.perf_counter()
    log("checking tools")
    with_peers = "peers" not in args.skip
    skipped = "not run (--skip peers)"
    tools = {
        "wrk": ensure_wrk(),
        "prism": ensure_prism() if with_peers else skipped,
        "java": peers.ensure_java(log) if with_peers else skipped,
        "wiremock": peers.ensure(NODE, "wiremock", peers.WIREMOCK_VERSION, log)
        if with_peers
        else skipped,
        "mockoon": peers.ensure(NODE, "@mockoon/cli", peers.MOCKOON_VERSION, log)
        if with_peers
        else skipped,
        "py_spy": ensure_py_spy() if "profile" not in args.skip else "not run (--skip profile)",
    }
    machine = machine_info(tools)
    log(
        f"{machine['cores']} cores, {machine['cpu_model']}, Python {machine['python']}, {tools['wrk']}, "
        f"Prism {tools['prism']}, load average {' '.join(machine['loadavg_at_start'])}"
    )
    tmp = TMP = Path(tempfile.mkdtemp(prefix="jobmock-bench-"))
    SRC = ROOT if REF is None else export_tree(REF, tmp / "src")
    SERVE_OPTIONS = serve_options()
    findings: list[str] = []
    data: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "settings": SETTINGS.__dict__,
        "routes": [],
        "findings": findings,
    }
    try:
        log("finding the routes")
        routes, notes = discover(args.other or None, SETTINGS.cpus_server)
        findings.extend(notes)
        if "second" in args.skip:
            routes = routes[:1]
        for number, route in enumerate(routes):
            log(f"route {route.key}: GET {route.path}")
            stack_list = stacks_for(
                route, tmp, findings, SETTINGS.cpus_server, memory=number == 0, peers=with_peers
            )
            results = measure_route(
                route, stack_list, SETTINGS.launch_repeats if number == 0 else 1
            )
            data["routes"].append(
                {
                    "key": route.key,
                    "title": route.title,
                    "template": route.template,
                    "path": route.path,
                    "peer_path": route.peer_path,
                    "spec": str(route.spec_file.relative_to(SRC)),
                    "note": route.note,
                    "jobmock_apis": route.jobmock_apis,
                    "stacks": results,
                }
            )
        primary = routes[0]
        if "store" not in args.skip:
            log("store size: jobmock with " + ", ".join(map(str, SETTINGS.job_counts)) + " jobs")
            data["store"] = store_scaling(primary)
        if "contract" not in args.skip:
            log("contract suite (tests/contract) and `jobmock contract`")
            data["contract"] = {**contract_suite(), "command": contract_command()}
        if "validate" not in args.skip:
            log("jobmock validate")
            data["validate"] = validate_time()
        if "profile" not in args.skip:
            log("profiling jobmock under load (py-spy)")
            data["profile"] = profile(primary, tmp, out_dir)
        if "inprocess" not in args.skip:
            log("in-process cost per layer")
            data["inprocess"] = inprocess(primary, tmp)
        if "document" not in args.skip:
            log("a large published document: GitHub's REST description")
            data["document"] = document_start(tmp)
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    carry_over(data, args.skip, out_dir / f"{stem}.json")
    data["quiet_waits"] = QUIET
    data["machine"]["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    data["seconds"] = time.perf_counter() - started
    data["command"] = "bench/run.sh " + " ".join(sys.argv[1:])
    (out_dir / f"{stem}.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    (out_dir / f"{stem}.md").write_text(report.markdown(data))
    if "profile" in data and "profile" not in data.get("carried", {}):
        target = out_dir / "profile.md"
        previous = (
            target.read_text()
            if target.exists()
            else (RESULTS / "profile.md").read_text()
            if (RESULTS / "profile.md").exists()
            else ""
        )
        target.write_text(report.profile_markdown(data, previous))
    log(f"done in {data['seconds']:.0f} s: {out_dir.relative_to(ROOT)}/{stem}.md")


CARRIED_PARTS = ("store", "contract", "validate", "profile", "inprocess", "document")


def carry_over(data: dict[str, Any], skipped: list[str], previous_file: Path) -> None:
    """Parts left out with --skip keep their figures from the previous run (marked with its date),
    so a run that measures one thing does not erase the rest of the report."""
    if not previous_file.exists():
        return
    previous = json.loads(previous_file.read_text())
    for part in CARRIED_PARTS:
        if part in skipped and part not in data and part in previous:
            data[part] = previous[part]
            data.setdefault("carried", {})[part] = previous.get("carried", {}).get(
                part, previous.get("started")
            )


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
