"""One boundary turns jobmock's errors into `jobmock: <message>` on stderr and an exit code: 2 for
bad input (a file, an option, a store, a port), 1 for checks that failed. Each error of the user's
is one line naming the problem, printed before anything else, and never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jobmock.cli import JobmockGroup, main
from jobmock.errors import ChecksFailed, JobmockError, SetupError, SourceError
from jobmock.store import StoreError
from tests.validate.expectations import CORPUS


def serve(*args: str) -> Result:
    return CliRunner().invoke(main, ["serve", "--api", "matcher", *args])


def assert_one_line(result: Result, message: str, code: int = 2) -> None:
    """`result` printed exactly `jobmock: <message>` on stderr, nothing on stdout, and exited."""
    assert "Traceback" not in result.output
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"jobmock: {message}\n")


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    """A plain file, where a folder is expected: not even root can make a folder inside it."""
    path = tmp_path / "plain-file"
    path.write_text("not a folder\n")
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something already listens on (127.0.0.1 only)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


# the boundary ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (JobmockError("plain"), 2),
        (SetupError("port in use"), 2),
        (StoreError("no store"), 2),
        (SourceError("fixtures/x.yaml", "bad scenario", line=3), 2),
        (ChecksFailed("2 checks failed"), 1),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_the_boundary_prints_one_line_and_exits_with_the_errors_code(
    error: JobmockError, code: int
) -> None:
    group = JobmockGroup()

    @group.command()
    def fail() -> None:
        raise error

    result = CliRunner().invoke(group, ["fail"])
    assert_one_line(result, str(error), code)


def test_a_source_errors_notes_follow_its_line() -> None:
    group = JobmockGroup()

    @group.command()
    def fail() -> None:
        raise SourceError("specs/x.yaml", "unknown API", notes=["did you mean matcher?"])

    result = CliRunner().invoke(group, ["fail"])
    assert result.exit_code == 2
    assert result.stderr == "jobmock: specs/x.yaml: unknown API\n  did you mean matcher?\n"


def test_store_errors_are_jobmock_errors_of_bad_input() -> None:
    assert issubclass(StoreError, JobmockError) and StoreError.exit_code == 2
    assert ChecksFailed.exit_code == 1


def test_anything_else_is_not_caught_by_the_boundary() -> None:
    group = JobmockGroup()

    @group.command()
    def crash() -> None:
        raise RuntimeError("a bug of jobmock's")

    result = CliRunner().invoke(group, ["crash"])
    assert isinstance(result.exception, RuntimeError)  # a bug shows its traceback: it is ours


# serve: the store --------------------------------------------------------------------------------


def test_an_unwritable_sqlite_store_path(a_file: Path) -> None:
    result = serve("--store", f"sqlite://{a_file}/state.db")
    assert_one_line(result, f"cannot open the SQLite store '{a_file}/state.db': {a_file} is a file")


def test_a_sqlite_store_sqlite_cannot_open(tmp_path: Path) -> None:
    folder = tmp_path / "state.db"
    folder.mkdir()  # a folder where the database file should be
    result = serve("--store", f"sqlite://{folder}")
    assert_one_line(
        result, f"cannot open the SQLite store '{folder}': unable to open database file"
    )


def test_an_unusable_state_dir(a_file: Path) -> None:
    result = serve("--state-dir", str(a_file / "state"))
    assert_one_line(
        result,
        f"cannot create the state folder '{a_file / 'state'}': [Errno 20] Not a directory:"
        f" '{a_file / 'state'}'",
    )


def test_an_unknown_store_scheme() -> None:
    result = serve("--store", "postgres://db/jobs")
    assert_one_line(
        result,
        "unknown store URL 'postgres://db/jobs' (known schemes: memory://, sqlite://, redis://,"
        " rediss://)",
    )


def test_an_unreachable_redis_is_reported_before_the_banner() -> None:
    with socket.socket() as closed:  # a port nothing listens on: bound, never listening
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = serve("--store", f"redis://127.0.0.1:{port}/0", "--port", "0")
    assert "Traceback" not in result.output
    assert (result.exit_code, result.stdout) == (2, "")
    prefix = (
        f"jobmock: RedisStore('redis://127.0.0.1:{port}/0', prefix='jobmock'): ConnectionError:"
    )
    assert result.stderr.startswith(prefix) and result.stderr.count("\n") == 1, result.stderr


# serve: the port ---------------------------------------------------------------------------------


def test_a_port_in_use_is_the_only_line_printed(busy_port: int) -> None:
    result = serve("--store", "memory://", "--port", str(busy_port))
    assert_one_line(
        result,
        f"cannot listen on 127.0.0.1:{busy_port}: the port is already in use"
        " (another --port, or stop what listens there)",
    )


def test_a_port_in_use_stops_the_real_command_before_its_banner(
    busy_port: int, tmp_path: Path
) -> None:
    """The installed entry point, in its own process: nothing on stdout, one line on stderr."""
    command = [sys.executable, "-m", "jobmock", "serve", "--port", str(busy_port)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"jobmock: cannot listen on 127.0.0.1:{busy_port}: the port is already in use"
        " (another --port, or stop what listens there)\n"
    )


def test_an_address_this_machine_does_not_have() -> None:
    result = serve("--store", "memory://", "--host", "192.0.2.1")  # TEST-NET-1: never local
    assert_one_line(
        result, "cannot listen on 192.0.2.1:8000: this machine has no such address (another --host)"
    )


# checks that failed: exit 1 ----------------------------------------------------------------------


def test_validate_with_errors_says_how_many_on_stderr_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["validate", str(CORPUS / "specs/example-invalid-3.1.yaml")])
    assert result.exit_code == 1
    assert "[example-invalid]" in result.stdout
    # the 7 findings its `# expect:` line names: default-invalid and example-and-examples are
    # errors, the five example-invalid warnings
    assert result.stderr == "jobmock: validate found 2 error(s), 5 warning(s)\n"


def test_contract_without_schemathesis_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "jobmock.contract", None)  # as if the import failed
    result = CliRunner().invoke(main, ["contract"])
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.startswith("jobmock: jobmock contract needs schemathesis (")
    assert result.stderr.endswith("): pip install 'jobmock[contract]'\n")


def test_click_usage_errors_stay_clicks() -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert "Invalid value for '--port'" in result.stderr
