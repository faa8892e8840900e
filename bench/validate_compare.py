"""`jobmock validate` against openapi-spec-validator, Redocly CLI and Spectral on the same documents,
CPU seconds.

    python -m bench.validate_compare [--runs N] [--no-npm] [--out FILE] [DOCUMENT ...]

Each tool runs in a fresh process per document (imports and Node's start included, as a user pays
them); the figure is the child's user+system CPU time, the minimum of N runs (steadier than wall
time on a shared machine). Redocly CLI (`lint`, its `recommended` rules), Spectral (`lint` with
`spectral:oas`) and the published descriptions come from npm, installed once into bench/.node-validate
(gitignored): GitHub's REST descriptions (@octokit/openapi: api.github.com and Enterprise Server
3.19's) and Twilio's api_v2010 (the OpenAPI JSON
that @twilio/cli-core ships; only that file is taken from the package). Without documents: jobmock's
bundled specs, a generated 3 MB OpenAPI 3.1 description (10,000 schemas, 1,000 operations,
`info.version` an unquoted date) as YAML and as JSON, and the three published ones. Prints a Markdown
table with each tool's ratio to jobmock (above 1: jobmock spent less CPU) and writes it to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from jobmock.engine import resources

BENCH = Path(__file__).resolve().parent
NODE = BENCH / ".node-validate"
BIN = NODE / "node_modules" / ".bin"
RESULTS = BENCH / "results" / "validate.md"
NPM_TOOLS = ["@redocly/cli@2.77.0", "@stoplight/spectral-cli@6.16.3", "@octokit/openapi@23"]
GENERATED = NODE / "node_modules" / "@octokit" / "openapi" / "generated"
GITHUB = GENERATED / "api.github.com.json"
GHES = GENERATED / "ghes-3.19.json"  # GitHub Enterprise Server's: valid OpenAPI (tests/validate)
TWILIO_PACKAGE = "@twilio/cli-core@8.3.2"  # MIT; ships Twilio's OpenAPI descriptions
TWILIO_MEMBER = "package/src/services/twilio-api/twilio_api_v2010.json"
TWILIO = NODE / "twilio_api_v2010.json"
TIMEOUT = 900.0

OSV = "from openapi_spec_validator.__main__ import main; import sys; sys.exit(main())"


def npm(*args: str) -> None:
    done = subprocess.run(
        ["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=NODE, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"npm {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def ensure_npm() -> None:
    """The two linters and both published descriptions, installed once (the marker names them)."""
    NODE.mkdir(parents=True, exist_ok=True)
    marker = NODE / ".installed.json"
    wanted = [*NPM_TOOLS, TWILIO_PACKAGE]
    if marker.is_file() and json.loads(marker.read_text()) == wanted and TWILIO.is_file():
        return
    (NODE / "package.json").write_text('{"name": "jobmock-bench-validate", "private": true}')
    npm("install", *NPM_TOOLS)
    npm("pack", TWILIO_PACKAGE, "--pack-destination", str(NODE))
    [packed] = NODE.glob("twilio-cli-core-*.tgz")
    with tarfile.open(packed) as archive:
        member = archive.extractfile(TWILIO_MEMBER)
        assert member is not None, f"{TWILIO_PACKAGE} has no {TWILIO_MEMBER}"
        TWILIO.write_bytes(member.read())
    packed.unlink()
    marker.write_text(json.dumps(wanted))


def generated(folder: Path) -> list[Path]:
    """A 3 MB description as YAML and the same as JSON."""
    schemas = {
        f"S{i}": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "example": f"id-{i}"},
                "n": {"type": "integer", "minimum": 0, "example": i},
            },
        }
        for i in range(10_000)
    }
    paths = {
        f"/things{i}/{{id}}": {
            "get": {
                "operationId": f"get{i}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
                "responses": {
                    "200": {
                        "description": "The thing.",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/S{i}"}}
                        },
                    },
                    "404": {"description": "Not found."},
                },
            }
        }
        for i in range(1_000)
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Generated", "version": "2024-10-01"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    as_json = folder / "generated-3mb.json"
    as_json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    lines = json.dumps(document, indent=1).replace('"2024-10-01"', "2024-10-01")
    as_yaml = folder / "generated-3mb.yaml"  # JSON is YAML; the date unquoted as YAML allows
    as_yaml.write_text(lines, encoding="utf-8")
    return [as_yaml, as_json]


def cpu(command: Sequence[str], timeout: float = TIMEOUT) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        code = subprocess.run(command, capture_output=True, check=False, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        code = -9  # killed at the timeout: its CPU so far still counts
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, code


# The command each tool is run with on one document (the Spectral ruleset file is written once).
Command = Callable[[Path, Path], list[str]]
TOOLS: dict[str, Command] = {
    "jobmock validate": lambda doc, _: [sys.executable, "-m", "jobmock", "validate", str(doc)],
    "openapi-spec-validator": lambda doc, _: [sys.executable, "-c", OSV, str(doc)],
    "Redocly CLI": lambda doc, _: [str(BIN / "redocly"), "lint", str(doc), "--format", "summary"],
    "Spectral": lambda doc, ruleset: [
        str(BIN / "spectral"),
        "lint",
        str(doc),
        "--ruleset",
        str(ruleset),
    ],
}
NPM_NAMES = {"Redocly CLI", "Spectral"}


def measure(
    tools: list[str], document: Path, ruleset: Path, runs: int, timeout: float = TIMEOUT
) -> dict[str, tuple[float, int]]:
    figures: dict[str, tuple[float, int]] = {}
    for tool in tools:
        taken = [cpu(TOOLS[tool](document, ruleset), timeout) for _ in range(runs)]
        figures[tool] = (min(t for t, _ in taken), taken[0][1])
    return figures


def table(rows: list[tuple[Path, dict[str, tuple[float, int]]]], tools: list[str]) -> list[str]:
    others = tools[1:]
    head = ["document", "size", *(f"{t} CPU s (exit)" for t in tools)]
    head += [f"{t} / jobmock" for t in others]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for document, figures in rows:
        ours = figures[tools[0]][0]
        cells = [document.name, f"{document.stat().st_size / 1e6:.2f} MB"]
        cells += [f"{figures[t][0]:.2f} ({figures[t][1]})" for t in tools]
        cells += [f"{figures[t][0] / ours:.1f}x" for t in others]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-npm", action="store_true", help="jobmock and openapi-spec-validator")
    parser.add_argument("--out", type=Path, default=None, help=f"also write it (e.g. {RESULTS})")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT, help="seconds one tool may take on one document"
    )
    args = parser.parse_args(argv)
    tools = [t for t in TOOLS if not (args.no_npm and t in NPM_NAMES)]
    if not args.no_npm:
        ensure_npm()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        ruleset = folder / "spectral.yaml"
        ruleset.write_text('extends: ["spectral:oas"]\n')
        documents = list(args.documents)
        if not documents:
            documents = sorted(resources.specs_dir().glob("*.yaml"))
            documents = [d for d in documents if not d.name.endswith(".overlay.yaml")]
            documents += generated(folder)
            if not args.no_npm:
                documents += [TWILIO, GHES, GITHUB]
        rows = []
        for document in documents:
            rows.append((document, measure(tools, document, ruleset, args.runs, args.timeout)))
            print(table(rows[-1:], tools)[-1], flush=True)
        lines = table(rows, tools)
    load = os.getloadavg()
    header = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        f"`python -m bench.validate_compare --runs {args.runs} --timeout {args.timeout:g}` on "
        f"{os.cpu_count()} cores (exit -9: killed at the timeout, its CPU until then shown), "
        f"load {load[0]:.1f} at the end; Python {platform.python_version()}; "
        f"npm tools {', '.join(NPM_TOOLS[:2])}.",
        "",
    ]
    print("\n".join(lines))
    if args.out is not None:
        args.out.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
