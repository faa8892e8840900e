"""Two ``jobmock serve`` processes sharing one real redis-server, as replicas in a CI cluster are.

Jobs created through one are read through the other in the same state at the same clock; forced
transitions, clock changes and resets made on one are seen by the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers import RedisServer, serving
from tests.store.connections import Connection, race_new_jobs

pytestmark = pytest.mark.servers

JOBS = "/_mock/apis/matcher/jobs"


@pytest.fixture(scope="module")
def pair(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Connection, Connection]]:
    """Connections to two servers (``a``, ``b``) on one Redis, manual clock."""
    workdir = tmp_path_factory.mktemp("replicas")
    args = ["--store", redis_server.url("replicas"), "--clock", "manual", "--api", "matcher"]
    with serving(workdir, [*args, "--reset"], "a") as a, serving(workdir, args, "b") as b:
        first, second = Connection(a), Connection(b)
        try:
            yield first, second
        finally:
            first.close()
            second.close()


def seen_by(connection: Connection, job: dict[str, Any]) -> tuple[Any, Any, Any]:
    control = connection.get(f"{JOBS}/{job['id']}")
    vendor = connection.get(job["status_path"], headers=job["headers"])
    return control, vendor, connection.get("/_mock/clock")


def test_a_job_created_on_one_is_the_same_on_the_other(pair: tuple[Connection, Connection]) -> None:
    a, b = pair
    status, job = a.post(JOBS, {"scenario": "fails", "fields": {"totalRows": 500}})
    assert status == 201
    assert seen_by(a, job) == seen_by(b, job)
    assert seen_by(b, job)[1]["status"] == "QUEUED"
    assert [j["id"] for j in a.get(JOBS)] == [j["id"] for j in b.get(JOBS)]


def test_transitions_and_clock_changes_on_one_are_seen_by_the_other(
    pair: tuple[Connection, Connection],
) -> None:
    a, b = pair
    status, job = a.post(JOBS, {"scenario": "completes"})
    assert status == 201
    assert b.post(f"{JOBS}/{job['id']}/transitions", {"to": "next"})[0] == 200
    control, vendor, clock = seen_by(a, job)
    assert control["status"] == vendor["status"] == "PROCESSING"
    assert (control, vendor, clock) == seen_by(b, job)

    assert a.post("/_mock/clock", {"advance_seconds": 30})[0] == 200
    control, vendor, clock = seen_by(b, job)
    assert control["status"] == vendor["status"] == "COMPLETED"
    assert (control, vendor, clock) == seen_by(a, job)

    assert b.post("/_mock/clock", {"speed": 4})[0] == 200
    assert a.get("/_mock/clock")["speed"] == 4
    assert a.post("/_mock/clock", {"speed": 1})[0] == 200


def test_racing_transitions_on_both_end_consistently(pair: tuple[Connection, Connection]) -> None:
    a, b = pair
    race_new_jobs(a, b, JOBS)


def test_a_reset_on_one_resets_both(pair: tuple[Connection, Connection]) -> None:
    a, b = pair
    status, job = b.post(JOBS, {})
    assert status == 201
    assert a.post("/_mock/reset")[0] == 200
    assert b.call("GET", f"{JOBS}/{job['id']}")[0] == 404
    assert a.get(JOBS) == b.get(JOBS) != []
    assert a.get("/_mock/clock") == b.get("/_mock/clock")


def test_restarting_a_replica_keeps_the_shared_state(
    pair: tuple[Connection, Connection], redis_server: RedisServer, tmp_path: Any
) -> None:
    a, _ = pair
    status, job = a.post(JOBS, {})
    assert status == 201
    moved = a.post(f"{JOBS}/{job['id']}/transitions", {"to": "next"})[1]
    args = ["--store", redis_server.url("replicas"), "--api", "matcher"]
    with serving(tmp_path, args, "c") as c:
        third = Connection(c)
        try:
            assert third.get(f"{JOBS}/{job['id']}") == moved
            assert third.get("/_mock/clock") == a.get("/_mock/clock")  # still manual
        finally:
            third.close()
