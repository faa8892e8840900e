"""`jobmock contract --url` at someone's running jobmock: it touches only the jobs it creates,
removes them afterwards, and skips what acts on the whole server unless `--reset` is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from jobmock.cli import main
from jobmock.contract.footprint import SERVER_WIDE, Footprint
from tests.contract.broken_matcher import broken_matcher
from tests.servers import jobmock_serve, serve_in_thread

APIS = ("crosmos", "claret")  # a JSON-body create route, and one answering with a job page link
MOVES = {"kind": "latency", "api": "crosmos", "route": "*", "rate": 0.5, "ms": 1}


def contract(url: str, *args: str) -> tuple[int, str]:
    api_args = [arg for api in (*APIS, "control") for arg in ("--api", api)]
    result = CliRunner().invoke(
        main, ["contract", "--url", url, *api_args, "--max-examples", "3", "--seed", "3", *args]
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def state(client: httpx.Client) -> dict[str, Any]:
    """Everything a run must leave as it found it: each API's jobs, the clock, the faults."""
    jobs = {
        api: sorted(
            (job["id"], job["status"]) for job in client.get(f"/_mock/apis/{api}/jobs").json()
        )
        for api in APIS
    }
    clock = client.get("/_mock/clock").json()
    clock.pop("now")  # time flows for everyone; the mode and speed are the server's settings
    faults = client.get("/_mock/faults").json()
    return {"jobs": jobs, "clock": clock, "faults": faults}


@pytest.fixture
def developers_server() -> Iterator[httpx.Client]:
    """A running `jobmock serve` with a job and a fault its developer made by hand."""
    with jobmock_serve("--clock", "manual") as url, httpx.Client(base_url=url) as client:
        client.post("/_mock/apis/crosmos/jobs", json={"scenario": "fails"}).raise_for_status()
        client.put("/_mock/faults", json={"faults": [MOVES]}).raise_for_status()
        yield client


# what a run remembers --------------------------------------------------------------------------
def test_the_ids_a_write_answered_are_remembered_from_body_links_and_location() -> None:
    footprint = Footprint()
    footprint.remember(
        {"message": "queued", "content": {"job_log_id": 12400, "link": "https://x/logs/12401"}},
        location="/v1/jobs/j-3?x=1",
    )
    assert {"12400", "12401", "j-3"} <= footprint.answered


def test_only_new_jobs_with_an_answered_id_count_as_created() -> None:
    footprint = Footprint(before={"api": {"old"}})
    footprint.remember({"id": "mine"})
    footprint.remember({"id": "old"})  # a write may answer with an id that existed before
    assert footprint.created("api", ["old", "mine", "someone-elses"]) == ["mine"]


# against a live server -----------------------------------------------------------------------
@pytest.mark.servers
def test_a_run_leaves_a_shared_server_as_it_found_it(developers_server: httpx.Client) -> None:
    before = state(developers_server)
    code, output = contract(str(developers_server.base_url))
    assert code == 0, output
    assert state(developers_server) == before
    for operation, why in SERVER_WIDE.items():
        assert (
            f"control  {operation}  0 calls  skipped: not run against a shared server ({why})"
            in (output)
        ), output
    removed = output.split("Shared server: removed the ")[1].split(" job(s)")[0]
    assert int(removed) >= 1 + 4 + 5, output  # crosmos 4 scenarios + 1 other tenant, claret 5


@pytest.mark.servers
def test_reset_starts_from_the_fixtures_and_runs_every_control_operation(
    developers_server: httpx.Client,
) -> None:
    made = {job["id"] for job in developers_server.get("/_mock/apis/crosmos/jobs").json()}
    code, output = contract(str(developers_server.base_url), "--reset")
    assert code == 0, output
    assert "skipped" not in output and "Shared server" not in output, output
    assert "control  POST /reset  0 calls" not in output, output
    left = {job["id"] for job in developers_server.get("/_mock/apis/crosmos/jobs").json()}
    assert made - left, "the developer's job survived --reset"


def test_reset_needs_a_jobmock_server() -> None:
    with serve_in_thread(broken_matcher()) as url:
        result = CliRunner().invoke(main, ["contract", "--url", url, "--api", "matcher", "--reset"])
    assert result.exit_code == 2, result.output
    assert f"--reset needs a jobmock server; {url} has no /_mock" in result.output
