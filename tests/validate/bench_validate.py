"""How long `jobmock validate` takes on everything jobmock serves (not part of the test run).

    python -m tests.validate.bench_validate [--runs N]

Prints, as the minimum over N runs (the machine may be busy): the whole command in a fresh
interpreter (wall and CPU time), the imports it pays for, and one in-process run split by stage
(CPU time, steadier than wall time when other work shares the machine). The figures go in
docs/validate.md.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable

IMPORT = (
    "import time; t = time.perf_counter(); import jobmock.cli, jobmock.validate.runner, "
    "jobmock.validate.formats; print(time.perf_counter() - t)"
)


def best(runs: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(runs))


def command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jobmock", "validate", *args], capture_output=True, check=False
    )
    return time.perf_counter() - start


def command_cpu(*args: str) -> float:
    """CPU seconds (user + system) of the whole command: steadier than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "jobmock", "validate", *args], capture_output=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imports() -> float:
    out = subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True)
    return float(out.stdout)


def stages(render: bool) -> dict[str, float]:
    """One in-process run in a fresh interpreter, CPU seconds per stage."""
    code = f"""
import json, time
from collections import defaultdict
t0 = time.process_time()
from jobmock.validate import runner
t1 = time.process_time()
times = defaultdict(float)
run, checked = runner._run, runner._checked
def timed_run(rule, doc):
    t = time.process_time(); out = run(rule, doc); times[rule.id] += time.process_time() - t
    return out
def timed_checked(*args):
    t = time.process_time(); out = checked(*args); times["read"] += time.process_time() - t
    return out
runner._run, runner._checked = timed_run, timed_checked
import jobmock.fixtures.loading, jobmock.engine.handlers
def wrap(module, name, label):
    original = getattr(module, name)
    def timed(*args, **kwargs):
        t = time.process_time(); out = original(*args, **kwargs); times[label] += time.process_time() - t
        return out
    setattr(module, name, timed)
wrap(jobmock.fixtures.loading, "load_fixture", "  of which load_fixture")
wrap(jobmock.engine.handlers, "load_handlers", "  of which handler imports")
t2 = time.process_time()
runner.validate_paths((), runner.ValidateOptions(render={render}))
times["total"] = time.process_time() - t2
times["import"] = t1 - t0
print(json.dumps(times))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    result: dict[str, float] = json.loads(out.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"minimum of {runs} runs, seconds")
    print(f"python -c pass                          {best(runs, lambda: _python()):.3f}")
    print(f"imports (cli + validate)                {best(runs, imports):.3f}")
    print(
        f"jobmock validate (whole command)        {best(runs, command):.3f} wall, "
        f"{best(runs, command_cpu):.3f} CPU"
    )
    for render in (False, True):
        merged: dict[str, list[float]] = defaultdict(list)
        for _ in range(runs):
            for name, value in stages(render).items():
                merged[name].append(value)
        mins = {name: min(values) for name, values in merged.items()}
        label = "with" if render else "without"
        print(
            f"in-process run {label} rendering: total {mins.pop('total'):.3f} "
            f"(import of jobmock.validate {mins.pop('import'):.3f})"
        )
        order = [
            "read",
            "  of which load_fixture",
            "fixture-render-invalid",
            "  of which handler imports",
        ]
        rest = sorted((n for n in mins if n not in order), key=lambda n: -mins[n])
        for name in [n for n in order if n in mins] + rest:
            if mins[name] >= 0.005:
                print(f"    {name:<30} {mins[name]:.3f}")


def _python() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
