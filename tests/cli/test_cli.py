"""The CLI is a thin shell: options into a Config, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.engine import resources

MATCHER_JOB = (
    "/matcher/v1/imports/contexts/019c96a0-10a0-72d2-9fb0-2b7de8093182"
    "/jobs/019c96a0-10ce-75fc-a273-dc799079a99c"
)


def acme_token() -> str:
    from jobmock.fixtures.loading import load_fixture

    return (
        load_fixture(resources.fixtures_dir() / "matcher.yaml").tenants["acme"].credentials[0].value
    )


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    target.mkdir()
    shutil.copy(resources.fixtures_dir() / "matcher.yaml", target / "matcher.yaml")
    return target


def test_get_answers_one_request_in_process() -> None:
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--api",
            "matcher",
            "--get",
            MATCHER_JOB,
            "-H",
            f"Authorization: Bearer {acme_token()}",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["id"] == "019c96a0-10ce-75fc-a273-dc799079a99c"
    assert body["status"] in {"QUEUED", "PROCESSING", "COMPLETED"}


def test_get_of_an_error_exits_1_with_the_api_error_body() -> None:
    result = CliRunner().invoke(main, ["serve", "--api", "matcher", "--get", MATCHER_JOB])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["code"] == "401"
    assert result.stderr == f"jobmock: GET {MATCHER_JOB} answered 401\n"


def test_unknown_api_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["serve", "--api", "nope", "--get", "/"])
    assert result.exit_code == 2
    assert "unknown API 'nope'" in result.output
    assert "Traceback" not in result.output


def test_a_broken_fixture_names_file_line_and_problem(fixtures_copy: Path) -> None:
    path = fixtures_copy / "matcher.yaml"
    lines = path.read_text().splitlines()
    index = next(
        i
        for i, line in enumerate(lines)
        if line.strip().startswith("- {status: PROCESSING, seconds: 20")
    )
    lines[index] = lines[index].replace("seconds: 20", "seconds: -4")
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(
        main, ["serve", "--api", "matcher", "--fixtures", str(fixtures_copy), "--get", "/"]
    )
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith(f"jobmock: {path}:{index + 1}:")
    assert "-4" in message and "Traceback" not in result.output


def test_a_yaml_syntax_error_names_its_line(fixtures_copy: Path) -> None:
    path = fixtures_copy / "matcher.yaml"
    path.write_text("api: matcher\nstatuses: [QUEUED\n")
    result = CliRunner().invoke(
        main, ["serve", "--api", "matcher", "--fixtures", str(fixtures_copy), "--get", "/"]
    )
    assert result.exit_code == 2
    assert f"{path}:3:" in result.output and "invalid YAML" in result.output


def test_a_scenario_status_the_api_does_not_have(fixtures_copy: Path) -> None:
    path = fixtures_copy / "matcher.yaml"
    text = path.read_text().replace("{status: FAILED}", "{status: CANCELLED}")
    path.write_text(text)
    result = CliRunner().invoke(
        main, ["serve", "--api", "matcher", "--fixtures", str(fixtures_copy), "--get", "/"]
    )
    assert result.exit_code == 2
    assert "CANCELLED" in result.output


def test_bad_option_values_exit_2() -> None:
    assert CliRunner().invoke(main, ["serve", "--clock", "sundial"]).exit_code == 2
    assert CliRunner().invoke(main, ["serve", "--speed", "0"]).exit_code == 2
    bad_header = CliRunner().invoke(
        main, ["serve", "--api", "matcher", "--get", "/", "-H", "no-colon"]
    )
    assert bad_header.exit_code == 2 and "Name: value" in bad_header.output


def test_python_dash_m_jobmock_is_the_same_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "jobmock", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "serve" in result.stdout
