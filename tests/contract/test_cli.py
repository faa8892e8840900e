"""`jobmock contract`: usage errors, --url against real servers, output handlers, JUnit."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.contract import CheckFailure, OperationReport, RunResult
from jobmock.contract.events import OperationFinished, RunFinished, RunStarted
from jobmock.contract.output import JUnitReport, Progress, render_summary
from tests.contract.broken_matcher import broken_matcher
from tests.contract.known import known
from tests.servers import jobmock_serve, serve_in_thread

TOKEN = "contract-test-token"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contract", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


# bad usage: exit 2, one line, no traceback -------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--api", "nope"], "unknown API 'nope'"),
        (["--url", "http://127.0.0.1:9", "--api", "matcher"], "cannot reach http://127.0.0.1:9"),
        (["--url", "ftp://example.com"], "is not an http(s) URL"),
        (["--header", "no colon"], "is not 'Name: value'"),
        (["--max-examples", "0"], "--max-examples"),
    ],
)
def test_bad_usage_exits_2_with_one_message(args: list[str], message: str) -> None:
    code, output = invoke(*args)
    assert code == 2
    assert message in output


def test_a_foreign_server_needs_the_api_named() -> None:
    with serve_in_thread(broken_matcher()) as url:
        code, output = invoke("--url", url)
    assert code == 2
    assert "name the API it implements with --api" in output


# --url ---------------------------------------------------------------------------------------
def test_a_broken_server_fails_and_every_break_is_named(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    with serve_in_thread(broken_matcher()) as url:
        code, output = invoke(
            "--url",
            url,
            "--api",
            "matcher",
            "--max-examples",
            "10",
            "--seed",
            "7",
            "--report",
            str(report),
        )
    assert code == 1, output
    last = output.splitlines()[-1]  # the boundary's one line on stderr, after the report
    assert re.fullmatch(
        r"jobmock: contract: \d+ of \d+ operation\(s\) failed \(--seed 7 replays the run\)", last
    ), last
    for check in ("response_schema_conformance", "status_code_conformance", "ignored_auth"):
        assert check in output, f"{check} not named:\n{output}"
    assert "totalRows" in output  # the wrong field
    assert "418" in output  # the undeclared status
    assert "curl -X GET" in output
    failures = ET.parse(report).getroot().findall(".//failure")
    assert {f.get("type") for f in failures} >= {
        "response_schema_conformance",
        "status_code_conformance",
        "ignored_auth",
    }


def test_a_live_jobmock_serve_passes(tmp_path: Path) -> None:
    """Every failure it reports is a bug already written down in known.py (exit 0 once they
    are fixed)."""
    report = tmp_path / "junit.xml"
    with jobmock_serve("--clock", "poll", env={"JOBMOCK_CONTROL_TOKEN": TOKEN}) as url:
        code, output = invoke(
            "--url",
            url,
            "--api",
            "crosmos",
            "--api",
            "control",
            "--max-examples",
            "3",
            "--seed",
            "3",
            "--control-token",
            TOKEN,
            "--report",
            str(report),
        )
    root = ET.parse(report).getroot()
    assert int(root.get("tests", "0")) >= 12, output
    assert root.findall(".//error") == [], output
    found = [
        CheckFailure(
            case.get("classname", ""), case.get("name", ""), f.get("type", ""), "", f.text or "", ""
        )
        for case in root.iter("testcase")
        for f in case.findall("failure")
    ]
    unknown = [f"{f.api} {f.operation}: {f.check}" for f in found if known(f) is None]
    assert not unknown, output
    assert code == (1 if found else 0), output


def test_an_open_jobmock_serve_passes_ignored_auth() -> None:
    """Without --control-token the control API is open and its served spec says so: no security
    declared, so ignored_auth (and the missing-Authorization cases) have nothing to fail."""
    with jobmock_serve("--clock", "manual") as url:
        code, output = invoke(
            "--url", url, "--api", "control", "--max-examples", "2", "--seed", "3"
        )
    assert code == 0, output
    assert " operations, 0 failed, 0 failures, 0 errors" in output, output


def test_an_unreachable_control_token_is_explained() -> None:
    with jobmock_serve(env={"JOBMOCK_CONTROL_TOKEN": TOKEN}) as url:
        code, output = invoke("--url", url, "--api", "crosmos", "--control-token", "wrong")
    assert code == 2
    assert "control token" in output


# output handlers -----------------------------------------------------------------------------
def sample_result() -> RunResult:
    failure = CheckFailure(
        "matcher",
        "GET /jobs/{id}",
        "status_code_conformance",
        "Undocumented status code",
        "Received: 418",
        "curl -X GET http://127.0.0.1:8000/matcher/jobs/1",
    )
    return RunResult(
        seed=5,
        base_url="http://x",
        operations=[
            OperationReport("matcher", "GET /jobs/{id}", calls=3, failures=[failure], done=True),
            OperationReport("control", "GET /clock", calls=2, done=True),
        ],
    )


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, tty=False)
    result = sample_result()
    progress.handle(RunStarted(5, "http://x", ("matcher", "control"), 2))
    for n, op in enumerate(result.operations, 1):
        progress.handle(OperationFinished(op, n, 2, 1))
    progress.handle(RunFinished(result))
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[1] == "[1/2, 1 failures] matcher GET /jobs/{id}: FAILED (3 calls)"
    assert lines[2] == "[2/2, 1 failures] control GET /clock: ok (2 calls)"


def test_progress_rewrites_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, tty=True)
    op = sample_result().operations[1]
    progress.handle(OperationFinished(op, 1, 2, 0))
    progress.handle(OperationFinished(op, 2, 2, 0))
    assert stream.getvalue().count("\r") == 2 and stream.getvalue().count("\n") == 0


def test_summary_lists_each_operation_and_a_curl_line_per_failure() -> None:
    text = render_summary(sample_result())
    assert "matcher  GET /jobs/{id}  3 calls  FAILED (1)" in text
    assert "control  GET /clock  2 calls  passed" in text
    assert "curl -X GET http://127.0.0.1:8000/matcher/jobs/1" in text
    assert "replay with --seed 5" in text


def test_junit_has_a_suite_per_api_and_a_case_per_operation(tmp_path: Path) -> None:
    path = tmp_path / "out" / "junit.xml"
    JUnitReport(path).handle(RunFinished(sample_result()))
    root = ET.parse(path).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    assert [s.get("name") for s in root.findall("testsuite")] == ["matcher", "control"]
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "status_code_conformance"
    assert "curl -X GET" in (failure.text or "")


def test_every_contract_option_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Contract tests in your CI", 1)[1].split("\n## ", 1)[0]
    command = main.commands["contract"]
    missing = [
        name
        for param in command.params
        for name in param.opts
        if name.startswith("--") and name not in section
    ]
    assert not missing, f"README's contract section does not mention {missing}"


@pytest.mark.servers
def test_ctrl_c_stops_at_once_with_the_partial_report_and_exit_130() -> None:
    """SIGINT went to schemathesis, which ended the phase it was in, and the run went on to the
    next one: Ctrl-C took as long as the run and exited 0."""
    command = [sys.executable, "-m", "jobmock", "contract", "--api", "matcher", "--seed", "5"]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a `&` job ignores it
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("jobmock contract: "), first
        time.sleep(2)  # inside the first operation
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = process.communicate(timeout=60)
        took = time.monotonic() - sent
    assert process.returncode == 130, (out, err)
    assert took < 15, took  # not the rest of the run
    assert "Per operation:" in out and re.search(r"Interrupted \(Ctrl-C\) after [0-3] of 4 ", out)
    assert "(seed 5; replay with --seed 5)" in out
    assert "  not finished" in out  # what it cut short claims no pass
    assert (
        err.strip().splitlines()[-1] == "jobmock: contract: interrupted (--seed 5 replays the run)"
    )
    assert "Traceback" not in err
