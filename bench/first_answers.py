"""The first answer of every operation of a document, each timed: which operations a user's first
request would wait for (`python -m bench.first_answers DOC [--top N] [--json OUT]`).

Each operation's success answer is made once, in document order, in one process, as a server's
first request for it would make it (the document loaded and checked first, not timed). CPU seconds
are reported beside wall seconds: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from jobmock.errors import ApiError
from jobmock.stateless.answers import Answers
from jobmock.stateless.documents import load_document
from jobmock.stateless.operations import Operation
from jobmock.stateless.smallest import size


@dataclass(frozen=True)
class Timed:
    operation: str
    status: int
    cpu_s: float
    wall_s: float
    schema_size: int  # schema objects of its success answer's schema (components included)


def schema_size(answers: Answers, operation: Operation) -> int:
    chosen = answers.response_key(operation, None)
    if chosen is None:
        return 0
    content = answers.response(operation, chosen[1], answers.document).get("content") or {}
    schemas = [answers.media(media).get("schema") for media in content.values()]
    return max((size(answers.response_schema(s), 10**6) for s in schemas if s), default=0)


def first_answers(document: Path, seed: int = 0, progress: bool = False) -> list[Timed]:
    """Every operation's first answer, timed, slowest first."""
    answers = Answers(load_document(document, "document").document, seed)
    timed = []
    for key, operation in answers.operations.items():
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            status = answers.answer(operation).status
        except ApiError as exc:  # 501: cannot be generated; still timed
            status = exc.status
        found = Timed(
            key,
            status,
            time.process_time() - cpu,
            time.perf_counter() - wall,
            schema_size(answers, operation),
        )
        timed.append(found)
        if progress:
            print(
                f"{found.cpu_s:7.3f} {found.wall_s:7.3f} {status} {found.schema_size:6} {key}",
                flush=True,
            )
    return sorted(timed, key=lambda t: -t.cpu_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=15, help="slowest operations printed")
    parser.add_argument("--json", type=Path, help="write every timing there")
    parser.add_argument("--progress", action="store_true", help="print each as it is made")
    args = parser.parse_args()
    timed = first_answers(args.document, args.seed, args.progress)
    total = sum(t.cpu_s for t in timed)
    print(
        f"{len(timed)} operations, {total:.1f} s CPU in all; slowest first"
        " (CPU s, wall s, status, schema objects):"
    )
    for found in timed[: args.top]:
        print(
            f"  {found.cpu_s:7.3f} {found.wall_s:7.3f}  {found.status}  {found.schema_size:6}"
            f"  {found.operation}"
        )
    over = [t for t in timed if t.wall_s >= 1.0]
    print(f"{len(over)} operation(s) took 1 s or more (wall)")
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(t) for t in timed], indent=1) + "\n")
    sys.exit(0)


if __name__ == "__main__":
    main()
