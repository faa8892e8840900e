"""Output handlers for a contract run: progress, the summary, JUnit XML.

Each consumes `jobmock.contract.events`; the CLI picks which ones run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from jobmock.contract.events import (
    ErrorReported,
    Event,
    OperationFinished,
    OperationReport,
    RunFinished,
    RunResult,
    RunStarted,
)


class Progress:
    """Operations done of total and failures so far: one line rewritten in place on a terminal,
    one plain line per finished operation otherwise (CI logs)."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.width = 0

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            apis = ", ".join(event.apis)
            self.write_line(
                f"jobmock contract: {event.base_url} ({apis}), {event.total} operations, "
                f"seed {event.seed}"
            )
        elif isinstance(event, OperationFinished):
            report = event.report
            verdict = "ok" if report.passed else "FAILED"
            if report.skipped:
                verdict = f"skipped: {report.skipped}"
            counts = f"[{event.done}/{event.total}, {event.failures_so_far} failures]"
            line = f"{counts} {report.api} {report.operation}: {verdict} ({report.calls} calls)"
            if self.tty:
                self.stream.write("\r" + line.ljust(self.width))
                self.width = len(line)
                self.stream.flush()
            else:
                self.write_line(line)
        elif isinstance(event, ErrorReported):
            where = f"{event.api} {event.operation}" if event.operation else event.api
            self.write_line(f"error in {where}: {event.message.splitlines()[0]}")
        elif isinstance(event, RunFinished) and self.tty and self.width:
            self.stream.write("\n")
            self.width = 0

    def write_line(self, line: str) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0
        self.stream.write(line + "\n")
        self.stream.flush()


class Summary:
    """After the run: one line per operation, then each failure with a curl line that replays it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.stream.write(render_summary(event.result))
            self.stream.flush()


def render_summary(result: RunResult) -> str:
    lines = ["", "Per operation:"]
    width = max((len(op.api) for op in result.operations), default=0)
    for op in result.operations:
        verdict = "passed" if op.passed else f"FAILED ({len(op.failures) + len(op.errors)})"
        if result.interrupted and op.passed and not op.done:  # cut short: nothing to claim
            verdict = "not finished"
        if op.skipped:
            verdict = f"skipped: {op.skipped}"
        lines.append(f"  {op.api.ljust(width)}  {op.operation}  {op.calls} calls  {verdict}")
    failures = result.failures
    if failures:
        lines += ["", f"Failures ({len(failures)}):"]
    for n, failure in enumerate(failures, 1):
        more = f" (and {failure.repeats} similar)" if failure.repeats else ""
        lines.append(
            f"{n}. {failure.api} {failure.operation}: {failure.check} - {failure.title}{more}"
        )
        lines += [f"   {line}" for line in failure.message.splitlines() if line.strip()][:8]
        lines += [f"   {line}" for line in failure.curl.splitlines()]
    gaps = [gap for op in result.operations for gap in op.gaps]
    if gaps:
        lines += [
            "",
            f"Document gaps ({len(gaps)}): answers the document leaves no documented choice"
            " for (not failures: no server can answer them as documented):",
        ]
    for gap in gaps:
        more = f" (and {gap.repeats} similar)" if gap.repeats else ""
        lines.append(f"  {gap.api} {gap.operation}: {gap.check} at {gap.gap_at}: {gap.gap}{more}")
    disproved = [found for op in result.operations for found in op.false_positives]
    if disproved:
        lines += [
            "",
            f"Tool false positives ({len(disproved)}): invalid requests the checker reports"
            " accepted, which the bytes it sent make valid (not failures: the server was right):",
        ]
    for found in disproved:
        more = f" (and {found.repeats} similar)" if found.repeats else ""
        lines.append(
            f"  {found.api} {found.operation}: {found.check}: {found.false_positive}{more}"
        )
        lines += [f"    {line}" for line in found.curl.splitlines()]
    errors = [
        *result.errors,
        *(f"{op.api} {op.operation}: {e}" for op in result.operations for e in op.errors),
    ]
    if errors:
        lines += ["", f"Errors ({len(errors)}):", *(f"  {e}" for e in errors)]
    failed = sum(1 for op in result.operations if not op.passed)
    if result.removed_jobs is not None:
        lines += [
            "",
            f"Shared server: removed the {result.removed_jobs} job(s) this run created; "
            "nothing else was reset, moved or deleted.",
        ]
    if result.interrupted:
        done = sum(op.done for op in result.operations)
        lines += ["", f"Interrupted (Ctrl-C) after {done} of {len(result.operations)} operations."]
    lines += [
        "",
        f"{len(result.operations)} operations, {failed} failed, {len(failures)} failures, "
        f"{len(errors)} errors in {result.duration:.1f}s (seed {result.seed}; "
        f"replay with --seed {result.seed})",
    ]
    return "\n".join(lines) + "\n"


class JUnitReport:
    """JUnit XML: one test suite per API, one test case per operation."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tree = ET.ElementTree(junit(event.result))
            ET.indent(tree)
            tree.write(self.path, encoding="utf-8", xml_declaration=True)


def junit(result: RunResult) -> ET.Element:
    root = ET.Element("testsuites", name="jobmock contract")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for api, operations in result.by_api().items():
        suite = ET.SubElement(root, "testsuite", name=api)
        counts = {"tests": len(operations), "failures": 0, "errors": 0}
        for op in operations:
            _testcase(suite, op, counts)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for message in result.errors:
        suite = ET.SubElement(root, "testsuite", name="run", tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname="run", name="setup")
        ET.SubElement(case, "error", message=message.splitlines()[0]).text = message
        totals["tests"] += 1
        totals["errors"] += 1
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{result.duration:.3f}")
    return root


def _testcase(suite: ET.Element, op: OperationReport, counts: dict[str, int]) -> None:
    case = ET.SubElement(suite, "testcase", classname=op.api, name=op.operation)
    if op.skipped:
        ET.SubElement(case, "skipped", message=op.skipped)
    for failure in op.failures:
        element = ET.SubElement(
            case, "failure", message=f"{failure.check}: {failure.title}", type=failure.check
        )
        element.text = f"{failure.message}\n\n{failure.curl}"
    if op.failures:
        counts["failures"] += 1
    for error in op.errors:
        ET.SubElement(case, "error", message=error.splitlines()[0]).text = error
    if op.errors and not op.failures:
        counts["errors"] += 1
