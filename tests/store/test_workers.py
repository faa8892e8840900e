"""Several uvicorn workers on one SQLite file (``jobmock serve --workers 3``), as a client sees it.

Each :class:`Connection` is one keep-alive TCP connection, so one worker answers all its requests;
``/proc`` tells which worker that is, and the tests check that several did.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers import JobmockServer, serving
from tests.store.connections import Connection, answering_pid, race_new_jobs

pytestmark = pytest.mark.servers

WORKERS = 3
JOBS = "/_mock/apis/matcher/jobs"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobmockServer]:
    workdir = tmp_path_factory.mktemp("workers")
    args = ["--workers", str(WORKERS), "--clock", "manual", "--api", "matcher"]
    with serving(workdir, args, "workers") as running:
        yield running


@pytest.fixture
def spread(server: JobmockServer) -> Iterator[list[Connection]]:
    """Connections answered by at least two different workers (more are opened until so: the
    workers start one after another)."""
    with workers_answering(server, 2, keep=24) as opened:
        yield [c for c, _ in opened]


@contextlib.contextmanager
def workers_answering(
    server: JobmockServer, count: int, keep: int
) -> Iterator[list[tuple[Connection, int]]]:
    """At least ``keep`` connections, answered by at least ``count`` workers, with their pids."""
    pids = server.worker_pids()
    opened: list[Connection] = []
    answered: set[int] = set()
    deadline = time.monotonic() + 30
    try:
        while len(opened) < keep or len(answered) < count:
            assert time.monotonic() < deadline, f"{len(answered)} worker(s) answered {len(opened)}"
            connection = Connection(server)
            opened.append(connection)
            connection.get("/_mock/clock")
            pid = answering_pid(connection.local_port, pids)
            if pid is None:  # a worker that started (or was restarted) after `pids` was read
                pids = server.worker_pids()
                pid = answering_pid(connection.local_port, pids)
            if pid is None:  # the socket is gone already: this connection tells nothing
                opened.pop().close()
                continue
            answered.add(pid)
            if len(opened) > 4 * keep:  # keep the newest: the early ones may all be one worker
                opened.pop(0).close()
            else:
                time.sleep(0.01)
        yield [(c, answering_pid(c.local_port, pids) or 0) for c in opened]
    finally:
        for connection in opened:
            connection.close()


def views(connection: Connection, job: dict[str, Any]) -> tuple[Any, Any, Any]:
    """What a client sees of ``job`` through ``connection``: control API, vendor API, clock."""
    control = connection.get(f"{JOBS}/{job['id']}")
    vendor = connection.get(job["status_path"], headers=job["headers"])
    return control, vendor, connection.get("/_mock/clock")["now"]


def same_everywhere(conns: list[Connection], job: dict[str, Any]) -> tuple[Any, Any, Any]:
    seen = [views(c, job) for c in conns]
    assert all(view == seen[0] for view in seen), seen
    return seen[0]


def test_every_worker_serves_the_same_job_transitions_and_clock(spread: list[Connection]) -> None:
    status, job = spread[0].post(JOBS, {"scenario": "completes"})
    assert status == 201
    control, vendor, _ = same_everywhere(spread, job)
    assert control["status"] == vendor["status"] == "QUEUED"

    assert spread[5].post(f"{JOBS}/{job['id']}/transitions", {"to": "next"})[0] == 200
    control, vendor, _ = same_everywhere(spread, job)
    assert control["status"] == vendor["status"] == "PROCESSING"

    before = spread[0].get("/_mock/clock")["now"]
    assert spread[11].post("/_mock/clock", {"advance_seconds": 25})[0] == 200
    control, vendor, now = same_everywhere(spread, job)
    assert now > before
    assert control["status"] == vendor["status"] == "COMPLETED"

    assert spread[17].post("/_mock/clock", {"mode": "poll"})[0] == 200
    assert {c.get("/_mock/clock")["mode"] for c in spread} == {"poll"}
    assert spread[2].post("/_mock/clock", {"mode": "manual"})[0] == 200


def test_concurrent_transitions_from_two_workers_end_consistently(server: JobmockServer) -> None:
    with workers_answering(server, 2, keep=2) as opened:
        by_worker = {pid: connection for connection, pid in opened}
        a, b = list(by_worker.values())[:2]
        race_new_jobs(a, b, JOBS)


def test_reset_resets_every_worker(spread: list[Connection]) -> None:
    status, job = spread[0].post(JOBS, {})
    assert status == 201
    assert spread[3].post("/_mock/reset")[0] == 200
    for connection in spread:
        assert connection.call("GET", f"{JOBS}/{job['id']}")[0] == 404
    listed = {tuple(j["id"] for j in c.get(JOBS)) for c in spread}
    assert len(listed) == 1 and len(next(iter(listed))) > 0  # the fixture jobs, once


def test_two_workers_requests_appear_in_one_journal(server: JobmockServer) -> None:
    """Requests answered by different workers are all in the journal any worker serves."""
    with workers_answering(server, 2, keep=4) as opened:
        by_worker: dict[int, list[str]] = {}
        for n, (connection, pid) in enumerate(opened):
            marker = (
                f"/matcher/journal-{pid}-{n}"  # no operation: a near miss, recorded all the same
            )
            status, _ = connection.call("GET", marker)
            assert status == 404
            by_worker.setdefault(pid, []).append(marker)
        assert len(by_worker) >= 2
        wanted = {marker for markers in by_worker.values() for marker in markers}
        reader = opened[0][0]
        deadline = time.monotonic() + 30  # each worker writes its entries every second
        seen: set[str] = set()
        while time.monotonic() < deadline:
            seen = {entry["path"] for entry in reader.get("/_mock/requests?api=matcher")}
            if wanted <= seen:
                break
            time.sleep(0.2)
        assert wanted <= seen, sorted(wanted - seen)
