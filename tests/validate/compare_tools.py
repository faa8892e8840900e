"""What `jobmock validate`, openapi-spec-validator, Redocly CLI and Spectral catch on the corpus.

Not part of the test run. Needs the two npm tools in a folder of their own:

    npm install --prefix /tmp/tools @redocly/cli @stoplight/spectral-cli
    python -m tests.validate.compare_tools --node-modules /tmp/tools/node_modules

Every corpus file is given to every tool as it is (Redocly with its `recommended` rules,
Spectral with `spectral:oas`, openapi-spec-validator with `--validation-errors all`). A defect
(one `# expect: rule@line` of a corpus file) counts as caught by Redocly or Spectral when the tool
reports one of its rules that is about the same kind of problem (the `SAME_KIND` table below: a
judgement, written down) at the same node: the JSON path it reports and the defect's are one
inside the other. Each report catches at most one defect. openapi-spec-validator reports no
positions: its errors are taken from its Python API (the library its CLI wraps; the CLI is run
too, for its verdict) and classified by error class; a schema error carries a path and is
matched like the others, the rest (duplicate operationIds, unresolved path parameters, `default`
values, `$ref`s) catch one defect of their kind in the file each.
Fixtures are jobmock's own format: no other tool reads them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from jobmock.documents.yamlfast import KeyedSourceMap, fast_load
from jobmock.documents.yamlsource import SourceMap
from jobmock.validate import ValidateOptions, validate_paths
from jobmock.validate.rules import RULES
from tests.validate.expectations import CORPUS, corpus_files, expectations

TOOLS = ("jobmock validate", "openapi-spec-validator", "Redocly CLI", "Spectral")

# The other tools' rules that report the same kind of problem as each of ours.
SAME_KIND: dict[str, dict[str, set[str]]] = {
    "Redocly CLI": {
        "oas-structure": {"struct", "spec", "no-schema-type-mismatch"},
        "ref-unresolved": {"no-unresolved-refs"},
        "operation-id-unique": {"operation-operationId-unique"},
        "example-invalid": {
            "no-invalid-media-type-examples",
            "no-invalid-parameter-examples",
            "no-invalid-schema-examples",
        },
        "security-no-401": {"operation-4xx-response"},
        "path-param-no-404": {"operation-4xx-response"},
        "enum-duplicate": {"no-duplicated-enum-values"},
        "path-params-mismatch": {"path-parameters-defined", "path-declaration-must-exist"},
        "path-template-identical": {"no-identical-paths"},
        "parameter-duplicate": {"operation-parameters-unique"},
        "example-and-examples": {"struct", "spec"},
        "pattern-invalid": {"struct", "spec"},
        "server-variable-default": {"struct", "spec"},
        "overlay-invalid": {"struct"},
    },
    "Spectral": {
        "oas-structure": {"oas3-schema", "oas3_1-schema"},
        "ref-unresolved": {"invalid-ref", "oas3-valid-schema-ref"},
        "operation-id-unique": {"operation-operationId-unique"},
        "example-invalid": {"oas3-valid-media-example", "oas3-valid-schema-example"},
        "enum-duplicate": {"duplicated-entry-in-enum"},
        "path-params-mismatch": {"path-params"},
        "path-template-identical": {"path-params"},
        "parameter-duplicate": {"operation-parameters"},
        "example-and-examples": {"oas3-schema", "oas3_1-schema"},
        "pattern-invalid": {"oas3-schema", "oas3_1-schema"},
        "server-variable-default": {"oas3-server-variables"},
    },
}


Path_ = tuple[str, ...]


@dataclass
class Reported:
    """What one tool said about one file: (line, rule, JSON path) triples, and for reports
    without a path (openapi-spec-validator's keyword checks) just their kind."""

    items: list[tuple[int, str, Path_ | None]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    note: str = ""


def _parts(pointer: str) -> Path_:
    pointer = pointer.removeprefix("#")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:] if p != "")


def jobmock(path: Path) -> Reported:
    report = validate_paths([path], ValidateOptions())
    mine = [f for f in report.findings if Path(f.file).resolve() == path.resolve()]
    return Reported([(f.line or 0, f.rule, _parts(f.pointer)) for f in mine])


def redocly(path: Path, bin_dir: Path) -> Reported:
    out = subprocess.run(
        [str(bin_dir / "redocly"), "lint", "--format=json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    try:
        problems = json.loads(out.stdout)["problems"]
    except (json.JSONDecodeError, KeyError):
        refused = re.search(r"Unsupported OpenAPI version[^\n]*", out.stdout + out.stderr)
        if refused:  # it stops on the document's version: that is the defect
            return Reported(kinds=["oas-structure"], note=refused.group(0))
        return Reported(note=f"no JSON output (exit {out.returncode})")
    return Reported(
        [
            (
                p["location"][0]["start"]["line"],
                p["ruleId"],
                _parts(p["location"][0].get("pointer", "#")),
            )
            for p in problems
            if p["location"]
        ]
    )


def spectral(path: Path, bin_dir: Path, ruleset: Path) -> Reported:
    out = subprocess.run(
        [str(bin_dir / "spectral"), "lint", "-r", str(ruleset), "-f", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    try:
        problems = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        return Reported(note=f"no JSON output (exit {out.returncode})")
    if any(p["code"] == "unrecognized-format" for p in problems):
        # on a document with an `openapi` version it does not know, that is the defect
        text = path.read_text(encoding="utf-8")
        kinds = ["oas-structure"] if re.search(r"^openapi:", text, re.MULTILINE) else []
        return Reported(kinds=kinds, note="not a format it knows")
    return Reported(
        [(p["range"]["start"]["line"] + 1, p["code"], tuple(map(str, p["path"]))) for p in problems]
    )


def _osv_kind(error: Exception, source: SourceMap) -> tuple[str, int | None, Path_]:
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        UnresolvableParameterError,
    )

    if isinstance(error, DuplicateOperationIDError):
        return "operation-id-unique", None, ()
    if isinstance(error, UnresolvableParameterError):
        return "path-params-mismatch", None, ()
    path = tuple(getattr(error, "absolute_path", ()) or ())
    if path and tuple(path) in source.positions:
        found = source.locate_key if isinstance(source, KeyedSourceMap) else source.locate
        return "oas-structure", found(path)[0], tuple(map(str, path))
    if path:  # a path inside a schema, not the document: the error is there, its place is not
        return "oas-structure", None, ()
    if getattr(error, "validator", None) is not None:
        return "default-invalid", None, ()  # a `default` checked against its schema
    return "other", None, ()


def openapi_spec_validator(path: Path) -> Reported:
    cli = subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-spec-validator"),
            "--validation-errors",
            "all",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    note = "OK" if cli.returncode == 0 else "fails"
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or "openapi" not in document:
        return Reported(note="not an OpenAPI document to it" if "overlay" in document else note)
    source = fast_load(path).source  # ruamel.yaml's SourceMap where libyaml cannot read it
    cls = (
        OpenAPIV31SpecValidator
        if str(document["openapi"]).startswith("3.1")
        else OpenAPIV30SpecValidator
    )
    reported = Reported(note=note)
    try:
        for error in cls(document).iter_errors():
            kind, line, where = _osv_kind(error, source)
            if line is not None:
                reported.items.append((line, kind, where))
            else:
                reported.kinds.append(kind)
    except Exception as exc:  # unresolvable $ref: the library raises instead of reporting
        message = str(exc)
        reported.kinds.append(
            "ref-unresolved" if re.search(r"does not exist|Unresolvable", message) else "other"
        )
    if cli.returncode != 0 and not reported.items and not reported.kinds:
        reported.kinds.append("oas-structure")  # the CLI refused the document before checking it
    return reported


def _inside(a: Path_, b: Path_) -> bool:
    """One path inside the other, or siblings deep enough to be the same node (Redocly reports a
    duplicate operationId at `.../post/<the id>`, not at `.../post/operationId`)."""
    common = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return common == min(len(a), len(b)) or (common >= 3 and common >= min(len(a), len(b)) - 1)


def match(
    tool: str,
    expected: set[tuple[str, int]],
    reported: Reported,
    pointers: dict[tuple[str, int], Path_],
) -> tuple[dict[tuple[str, int], str], int]:
    """(defect -> the tool's rule that caught it, how many other problems the tool reported)."""
    if tool == "jobmock validate":
        found = {(line, rule) for line, rule, _ in reported.items}
        return {e: e[0] for e in expected if (e[1], e[0]) in found}, len(
            found - {(e[1], e[0]) for e in expected}
        )
    kinds = SAME_KIND.get(tool, {})
    unused = list(reported.items)
    budget = list(reported.kinds)
    out: dict[tuple[str, int], str] = {}
    for defect in sorted(expected, key=lambda e: e[1]):
        rule, where = defect[0], pointers.get(defect, ())
        same = kinds.get(rule, {rule})
        candidates = [
            r for r in unused if r[1] in same and r[2] is not None and _inside(r[2], where)
        ]
        if candidates:
            best = max(candidates, key=lambda r: len(r[2] or ()))
            unused.remove(best)
            out[defect] = best[1]
        elif rule in budget:
            budget.remove(rule)
            out[defect] = rule
    return out, len(unused) + len(budget)


def _version(program: Path) -> str:
    return subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    default = Path(os.environ.get("NODE_MODULES", "/tmp/tools/node_modules"))
    parser.add_argument("--node-modules", type=Path, default=default)
    parser.add_argument("--details", action="store_true", help="print what each tool said per file")
    args = parser.parse_args()
    bin_dir = args.node_modules / ".bin"
    ruleset = args.node_modules.parent / ".spectral.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    osv = Path(sys.executable).parent / "openapi-spec-validator"
    versions = {
        "Redocly CLI": _version(bin_dir / "redocly"),
        "Spectral": _version(bin_dir / "spectral"),
        "openapi-spec-validator": _version(osv).removeprefix("openapi-spec-validator "),
    }
    per_rule: dict[str, dict[str, list[str | None]]] = defaultdict(lambda: defaultdict(list))
    noise: dict[str, int] = defaultdict(int)
    for path in corpus_files():
        expected = expectations(path)
        fixture = path.parent.name == "fixtures"
        results = {"jobmock validate": jobmock(path)}
        pointers = {
            (rule, line): where
            for line, rule, where in results["jobmock validate"].items
            if where is not None
        }
        if not fixture:
            results["openapi-spec-validator"] = openapi_spec_validator(path)
            results["Redocly CLI"] = redocly(path, bin_dir)
            results["Spectral"] = spectral(path, bin_dir, ruleset)
        if args.details:
            print(f"## {path.relative_to(CORPUS)} expects {sorted(expected, key=lambda e: e[1])}")
            for tool, said_by in results.items():
                said = sorted((line, rule) for line, rule, _ in said_by.items)
                print(f"   {tool}: {said} {said_by.kinds or ''} {said_by.note}")
        for tool in TOOLS:
            reported = results.get(tool)
            if reported is None:
                for item in expected:
                    per_rule[item[0]][tool].append("n/a")
                continue
            matched, others = match(tool, expected, reported, pointers)
            noise[tool] += others
            for item in expected:
                per_rule[item[0]][tool].append(matched.get(item))
    print("| rule (defects in corpus) | " + " | ".join(TOOLS) + " |")
    print("|---|" + "---|" * len(TOOLS))
    kinds = ("openapi", "overlay", "fixture")
    totals: dict[str, list[int]] = {tool: [0, 0] for tool in TOOLS}
    for rule_id in sorted(RULES, key=lambda r: kinds.index(RULES[r].kind.value)):
        cells = []
        for tool in TOOLS:
            results_ = per_rule[rule_id][tool]
            if results_ and all(r == "n/a" for r in results_):
                cells.append("n/a")
                continue
            hits = [r for r in results_ if r and r != "n/a"]
            totals[tool][0] += len(hits)
            totals[tool][1] += len(results_)
            names = sorted({h for h in hits if h != rule_id})
            cell = f"{len(hits)}/{len(results_)}"
            if names:
                cell += " (" + ", ".join(f"`{n}`" for n in names) + ")"
            cells.append(cell)
        total = len(per_rule[rule_id]["jobmock validate"])
        print(f"| `{rule_id}` ({total}) | " + " | ".join(cells) + " |")
    print(
        "| **defects caught, of those given to the tool** | "
        + " | ".join(f"**{hit}/{of}**" for hit, of in totals.values())
        + " |"
    )
    print(
        "| other problems reported on the corpus | "
        + " | ".join(str(noise[t]) for t in TOOLS)
        + " |"
    )
    print()
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))


if __name__ == "__main__":
    main()
