"""Every scenario of every bundled API, through HTTP and through the pure renderer.

Nothing here knows a vendor: the status route comes from each job's `status_path`, matched against
the served spec, so an API added later is covered by the same tests.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.config import Config
from jobmock.documents.conformance import ResponseChecker
from jobmock.documents.specs import discover
from jobmock.engine import resources
from jobmock.engine.mock import JobView, Mock
from jobmock.errors import Conflict
from jobmock.serving.app import load_runtime
from jobmock.store import MemoryStore
from tests.handlers.conftest import MockClient

APIS = [
    p.stem
    for p in discover(resources.specs_dir())
    if (resources.fixtures_dir() / f"{p.stem}.yaml").exists()
]
RUNTIMES = {api: load_runtime(api, Config()) for api in APIS}
CHECKERS = {api: ResponseChecker(RUNTIMES[api].spec.document) for api in APIS}
PAIRS = [(api, name) for api in APIS for name in RUNTIMES[api].fixture.scenarios]


def test_every_api_has_scenarios_and_a_seed_job_per_scenario() -> None:
    assert set(APIS) >= {"matcher", "crosmos", "gu1", "seekr", "claret"}
    for api, runtime in RUNTIMES.items():
        seeded = {job.scenario for job in runtime.fixture.jobs}
        assert seeded == set(runtime.fixture.scenarios), (
            f"{api}: scenarios without an in-flight job"
        )
        assert len(runtime.fixture.tenants) >= 2, f"{api}: needs two tenants"


@pytest.mark.parametrize(("api", "scenario"), PAIRS)
def test_a_job_walks_to_its_terminal_status_with_valid_bodies(
    client_for: Any, api: str, scenario: str
) -> None:
    client: MockClient = client_for(api)
    job = client.create(api, scenario=scenario)
    template = client.checker(api).template_for(job["status_path"].removeprefix(f"/{api}"))
    phases = [p.status for p in RUNTIMES[api].fixture.scenarios[scenario].phases]
    seen = [job["status"]]
    for _ in range(len(phases) + 1):
        response = client.get(job["status_path"], headers=job["headers"])
        assert response.status_code == 200, response.text
        client.assert_conforms(api, template, "get", response)
        current = client.get(f"/_mock/apis/{api}/jobs/{job['id']}").json()
        if current["terminal"]:
            break
        moved = client.move(api, job["id"], "next")
        for _ in range(100):  # refused "yet" (gu1: a lease still running): time must pass first
            if moved.status_code != 409 or " yet: " not in moved.json()["detail"]:
                break
            client.advance(5)
            moved = client.move(api, job["id"], "next")
        seen.append(moved.json()["status"])
    assert seen == phases, f"{api}/{scenario} walked {seen}, the scenario says {phases}"


@pytest.mark.parametrize(("api", "scenario"), PAIRS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_any_moment_of_any_scenario_renders_a_valid_body(
    api: str, scenario: str, data: st.DataObject
) -> None:
    """Property: at any time, with any forced moves, the body conforms and the lifecycle's invariants
    hold (status never goes back, terminal is absorbing, counters never decrease and stay within
    their totals, phases are entered in order, and the same moment renders the same body)."""
    runtime = RUNTIMES[api]
    mock = Mock({api: runtime}, MemoryStore(), clock_mode="manual", wall=lambda: 1_700_000_000.0)
    job = asyncio.run(mock.create(api, scenario=scenario))
    span = runtime.fixture.scenarios[scenario].duration * 1.5 + 10
    offsets = sorted(
        data.draw(st.lists(st.floats(0, span), min_size=1, max_size=6), label="offsets")
    )
    forced = data.draw(
        st.sampled_from([None, *runtime.fixture.statuses.order, *runtime.fixture.statuses.terminal])
    )
    model, template = runtime.fixture.statuses, None
    previous_rank, previous_counters, was_terminal = -1, dict[str, float](), False
    for index, offset in enumerate(offsets):
        t = job.created_at + offset
        if forced is not None and index == len(offsets) // 2:
            # a refused move (backwards, or from a terminal status) changes nothing
            with contextlib.suppress(Conflict):
                job = asyncio.run(_force(mock, api, job.id, forced, offset))
        snapshot = mock.snapshot(runtime, job, t, natural=True)
        view = JobView(
            job, runtime.scenario(job.scenario), snapshot, runtime.fixture.tenants[job.tenant], t
        )
        body = runtime.render_body(view)
        template = template or CHECKERS[api].template_for(
            runtime.status_path(job).removeprefix(runtime.prefix)
        )
        errors = CHECKERS[api].errors(template, "get", 200, body)
        assert not errors, f"{api}/{scenario} at +{offset:.1f}s ({snapshot.status}): {errors}"
        assert model.rank(snapshot.status) >= previous_rank
        assert not was_terminal or snapshot.terminal, "a terminal status was left"
        for name, value in snapshot.counters.items():
            assert 0.0 <= value <= 1.0 and value >= previous_counters.get(name, 0.0), (name, value)
        entered = [snapshot.entered[status] for status in snapshot.path]
        assert entered == sorted(entered) and entered[0] >= job.created_at
        assert runtime.render_body(view) == body, "the same moment rendered two bodies"
        previous_rank, previous_counters = model.rank(snapshot.status), dict(snapshot.counters)
        was_terminal = snapshot.terminal


async def _force(mock: Mock, api: str, job_id: str, to: str, offset: float) -> Any:
    await mock.change_clock(advance=offset)
    return await mock.store.get(api, (await mock.transition(api, job_id, to)).id)
