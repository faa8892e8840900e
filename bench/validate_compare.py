"""`jobmock validate` against openapi-spec-validator on the same documents, CPU seconds.

    python -m bench.validate_compare [--runs N] [DOCUMENT ...]

Each tool runs in a fresh interpreter per document (imports included, as a user pays them); the
figure is the child's user+system CPU time, the minimum of N runs (steadier than wall time on a
shared machine). Without documents: jobmock's bundled specs, and a generated 3 MB OpenAPI 3.1
description (10,000 schemas and 1,000 operations, `info.version` an unquoted date) as YAML and as
JSON, written to a temporary folder. Prints a Markdown table with the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from jobmock.engine import resources

OSV = "from openapi_spec_validator.__main__ import main; import sys; sys.exit(main())"


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


def cpu(command: Sequence[str]) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return spent, result.returncode


def measure(document: Path, runs: int) -> tuple[float, int, float, int]:
    ours = [cpu([sys.executable, "-m", "jobmock", "validate", str(document)]) for _ in range(runs)]
    theirs = [cpu([sys.executable, "-c", OSV, str(document)]) for _ in range(runs)]
    return min(t for t, _ in ours), ours[0][1], min(t for t, _ in theirs), theirs[0][1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        documents = list(args.documents)
        if not documents:
            documents = sorted(resources.specs_dir().glob("*.yaml"))
            documents = [d for d in documents if not d.name.endswith(".overlay.yaml")]
            documents += generated(Path(temporary))
        print(
            "| document | size | jobmock validate CPU s (exit) | openapi-spec-validator CPU s"
            " (exit) | ratio |"
        )
        print("|---|---|---|---|---|")
        for document in documents:
            ours, our_code, theirs, their_code = measure(document, args.runs)
            size = document.stat().st_size
            print(
                f"| {document.name} | {size / 1e6:.2f} MB | {ours:.2f} ({our_code}) | "
                f"{theirs:.2f} ({their_code}) | {theirs / ours:.1f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
