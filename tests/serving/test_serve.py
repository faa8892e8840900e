"""`jobmock serve` as a user runs it: a real server on a socket, and the installed package elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobmock.engine import resources
from jobmock.fixtures.loading import load_fixture
from tests.requirements import require
from tests.servers import jobmock_serve

ROOT = Path(__file__).resolve().parents[2]
APIS = ["matcher", "crosmos", "gu1", "seekr", "claret"]
MATCHER_JOB = (
    "/matcher/v1/imports/contexts/019c96a0-10a0-72d2-9fb0-2b7de8093182"
    "/jobs/019c96a0-10ce-75fc-a273-dc799079a99c"
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with jobmock_serve() as url:
        yield url


def test_each_api_is_mounted_with_its_spec_and_docs(server: str) -> None:
    listed = httpx.get(f"{server}/_mock/apis").json()
    assert [api["name"] for api in listed] == sorted(APIS)
    for api in APIS:
        spec = httpx.get(f"{server}/{api}/openapi.json")
        assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")
        assert spec.json()["servers"][0]["url"] == f"/{api}"
        docs = httpx.get(f"{server}/{api}/ui/")
        assert docs.status_code == 200 and "swagger-ui" in docs.text.lower()


def test_a_seed_job_answers_over_a_real_socket(server: str) -> None:
    token = (
        load_fixture(resources.fixtures_dir() / "matcher.yaml").tenants["acme"].credentials[0].value
    )
    response = httpx.get(f"{server}{MATCHER_JOB}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["id"] == "019c96a0-10ce-75fc-a273-dc799079a99c"


def test_the_installed_package_serves_from_any_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run(
        [sys.executable, "-c", "import jobmock, sys; print(jobmock.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    require(
        probe.returncode == 0,
        "jobmock is not installed in this environment (the README's `pip install` installs it)",
    )
    require(
        not Path(probe.stdout.strip()).resolve().is_relative_to(ROOT / "jobmock"),
        "jobmock is installed in editable mode; the wheel's bundled files are not what runs",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobmock",
            "serve",
            "--api",
            "claret",
            "--get",
            "/claret/demo/api/v1/imports/status/12345",
            "-H",
            "Authorization: Bearer 3|GpMEJMToQDaXpPZqqTZ6PzV68QWIcpcQHDCeUG4m",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"job_log_id": 12345' in result.stdout
