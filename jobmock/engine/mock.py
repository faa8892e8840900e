"""The running mock: every API's fixture and handler module, one store, one clock (its
`jobmock.engine.shared_clock`).

Nothing here knows HTTP. A job's body at time t is its handler module's `render(view)`, where the view is
the job plus its pure `lifecycle.render` snapshot; the only state is in the store (job records,
forced transitions, clock settings), so several workers sharing a store agree.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobmock.documents.specs import ServedSpec
from jobmock.engine.handlers import Handlers
from jobmock.engine.shared_clock import SharedClock
from jobmock.errors import Conflict, NotFound, Unprocessable
from jobmock.fixtures.loading import Fixture, Tenant
from jobmock.http import jsondepth
from jobmock.limits import Limits
from jobmock.model import clock as clocks
from jobmock.model.lifecycle import (
    Job,
    Scenario,
    Snapshot,
    Transition,
    TransitionRefused,
    UnknownStatus,
    render,
    resolve_transition,
)
from jobmock.store import Store


@dataclass(frozen=True)
class JobView:
    """A job as seen at one moment: the record, its scenario and its snapshot."""

    job: Job
    scenario: Scenario
    snapshot: Snapshot
    tenant: Tenant
    now: float

    @property
    def status(self) -> str:
        return self.snapshot.status

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.job.fields


@dataclass
class ApiRuntime:
    """One served API: its document, fixture and handler hooks."""

    name: str
    spec: ServedSpec
    fixture: Fixture
    handlers: Handlers
    prefix: str
    stateless: Any = None  # a jobmock.stateless.runtime.StatelessApi: a document without jobs

    def scenario(self, name: str) -> Scenario:
        return self.fixture.scenarios[name]

    def render_body(self, view: JobView) -> Any:
        return self.handlers.render(view)

    def new_job(
        self, seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
    ) -> tuple[str, dict[str, Any]]:
        """The id and fields of a new job: the handlers' `new_job` decides (default: a UUID4)."""
        return self.handlers.new_job(seq, rng, tenant, fields, now)

    def client_headers(self, tenant: str) -> dict[str, str]:
        """The headers a client of `tenant` sends (credential plus the API's `CLIENT_HEADERS`)."""
        from jobmock.http.auth import tenant_headers

        credential = self.fixture.tenants[tenant].credentials[0].value
        return tenant_headers(self.spec.document, credential, self.handlers.client_headers)

    def status_path(self, job: Job) -> str:
        return self.prefix + self.handlers.status_path(job)


def seeds_digest(fixture: Fixture) -> str:
    """Names the version of a fixture's seed jobs (what `Mock.seed_jobs` puts)."""
    seeds = repr((fixture.jobs, fixture.scenario_fields, fixture.defaults.get("fields")))
    return hashlib.sha256(seeds.encode()).hexdigest()[:16]


@dataclass
class Mock:
    """All served APIs over one store and clock."""

    apis: dict[str, ApiRuntime]
    store: Store
    clock_mode: str = "real"
    speed: float = 1.0
    seed: int = 0
    wall: Callable[[], float] = time.time
    limits: Limits = field(default_factory=Limits)  # bounds on client input, claim leases
    started_at: float = field(default=0.0, init=False)
    _ready: bool = field(default=False, init=False)
    shared_clock: SharedClock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.shared_clock = SharedClock(
            self.store, self.clock_mode, self.speed, self.wall, self.limits
        )

    # clock (jobmock.engine.shared_clock) -------------------------------------------------------
    async def clock(self) -> clocks.ClockState:
        return await self.shared_clock.read()

    async def now(self) -> float:
        return await self.shared_clock.now()

    async def natural(self) -> bool:
        return await self.shared_clock.natural()

    async def change_clock(
        self, *, advance: float | None = None, speed: float | None = None, mode: str | None = None
    ) -> clocks.ClockState:
        return await self.shared_clock.change(advance=advance, speed=speed, mode=mode)

    # lifecycle -------------------------------------------------------------------------------
    async def start(self) -> int:
        """Seed fixture jobs into a new store (a shared or persistent store keeps what it has).

        Each API is seeded once per store and version of its seed jobs: a worker that starts, or
        restarts, after another has seeded leaves the jobs as they are now; after the fixture's
        seed jobs change, they are put again (fresh) beside the jobs the store has.
        """
        self._ready = True
        await self.clock()
        count = 0
        for api in self.apis.values():
            key = f"jobmock:seeded:{api.name}:{seeds_digest(api.fixture)}"
            if await self.store.remember(key, b"1") is None:
                count += await self.seed_jobs(api)
        return count

    async def seed_jobs(self, api: ApiRuntime) -> int:
        t = await self.now()
        for seed in api.fixture.jobs:
            fields = {
                **api.fixture.defaults.get("fields", {}),
                **api.fixture.scenario_fields.get(seed.scenario, {}),
                **seed.fields,
            }
            await self.store.put(
                Job(api.name, seed.id, seed.tenant, seed.scenario, t - seed.age, fields)
            )
        return len(api.fixture.jobs)

    async def reset(self) -> int:
        self._ready = True
        await self.store.clear()
        self.started_at = self.wall()
        await self.shared_clock.restart()
        return await self.start()

    async def ready(self) -> None:
        """Start on first use too, for ASGI servers and test clients that skip the lifespan."""
        if not self._ready:
            await self.start()

    def runtime(self, api: str) -> ApiRuntime:
        try:
            return self.apis[api]
        except KeyError:
            raise NotFound(f"no API named {api!r}", slug="api_not_found") from None

    def snapshot(self, api: ApiRuntime, job: Job, t: float, natural: bool) -> Snapshot:
        return render(job, api.scenario(job.scenario), api.fixture.statuses, t, natural=natural)

    async def get(self, api: str, job_id: str, tenant: str | None = None) -> Job:
        await self.ready()
        job = await self.store.get(api, job_id)
        if job is None or (tenant is not None and job.tenant != tenant):
            raise NotFound("job not found", slug="job_not_found")
        return job

    async def view(
        self, api_name: str, job_id: str, tenant: str | None = None, *, poll: bool = False
    ) -> JobView:
        """The job as the API shows it now; in the `poll` clock mode a poll also moves it one phase."""
        api = self.runtime(api_name)
        job = await self.get(api_name, job_id, tenant)
        state = await self.clock()
        t = clocks.now(state, self.wall())
        mode = clocks.CLOCK_MODES[state.mode]
        snap = self.snapshot(api, job, t, mode.natural)
        view = JobView(job, api.scenario(job.scenario), snap, api.fixture.tenants[job.tenant], t)
        if poll and not mode.natural and not snap.terminal:
            with contextlib.suppress(Conflict):  # no next phase (off its scenario): it stays
                await self._advance(api, job_id, "next", t, natural=False)
        return view

    async def describe(self, api_name: str, job: Job) -> JobView:
        api = self.runtime(api_name)
        t = await self.now()
        snap = self.snapshot(api, job, t, await self.natural())
        return JobView(job, api.scenario(job.scenario), snap, api.fixture.tenants[job.tenant], t)

    async def create(
        self,
        api_name: str,
        *,
        scenario: str | None = None,
        tenant: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> Job:
        api = self.runtime(api_name)
        await self.ready()
        if not api.fixture.scenarios:  # a stateless API (a project fixture's binding has jobs)
            raise Unprocessable(
                f"{api_name} is a stateless API: it has no jobs", slug="stateless_api"
            )
        scenario = scenario or api.fixture.choose(fields or {}).scenario  # rules, else the default
        if scenario not in api.fixture.scenarios:
            raise Unprocessable(
                f"unknown scenario {scenario!r}; known: {', '.join(api.fixture.scenarios)}",
                slug="unknown_scenario",
            )
        if tenant is not None and tenant not in api.fixture.tenants:
            raise Unprocessable(
                f"unknown tenant {tenant!r}; known: {', '.join(api.fixture.tenants)}",
                slug="unknown_tenant",
            )
        try:  # stored as JSON (codec) and rendered: both recurse once per level
            jsondepth.check_value(fields or {}, self.limits.json_max_depth - 1)
        except jsondepth.TooDeep as exc:
            raise Unprocessable(f"fields: {exc.msg}", slug="unusable_fields") from None
        owner = api.fixture.tenant(tenant)
        seq = await self.store.next_sequence(api_name)
        rng = random.Random(f"{self.seed}:{api_name}:{seq}")
        merged = {
            **api.fixture.defaults.get("fields", {}),
            **api.fixture.scenario_fields.get(scenario, {}),
            **(fields or {}),
        }
        now = await self.now()
        job_id, job_fields = api.new_job(seq, rng, owner, merged, now)
        job = Job(api_name, str(job_id), owner.name, scenario, now, job_fields)
        self._check_renders(api, job)
        await self.store.put(job)
        return job

    def _check_renders(self, api: ApiRuntime, job: Job) -> None:
        """The job renders in every phase of its scenario (start and middle of each): fields its
        handler cannot use are the control API's 422 now, not a 500 on every later poll."""
        scenario = api.scenario(job.scenario)
        tenant = api.fixture.tenants[job.tenant]
        moments = [job.created_at]
        for offset, phase in zip(scenario.offsets, scenario.phases, strict=True):
            moments.append(job.created_at + offset)
            if phase.seconds:
                moments.append(job.created_at + offset + phase.seconds / 2)
        for t in moments:
            t = min(t, clocks.LAST_MOMENT)
            view = JobView(job, scenario, self.snapshot(api, job, t, True), tenant, t)
            try:
                api.render_body(view)
            except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:
                raise Unprocessable(
                    f"fields: a {api.name} job cannot be shown with them ({exc})",
                    slug="unusable_fields",
                ) from None

    async def transition(self, api_name: str, job_id: str, to: str) -> Job:
        api = self.runtime(api_name)
        await self.get(api_name, job_id)
        return await self._advance(api, job_id, to, await self.now(), natural=await self.natural())

    async def _advance(
        self, api: ApiRuntime, job_id: str, to: str, t: float, *, natural: bool
    ) -> Job:
        def make(job: Job) -> Any:
            transition = resolve_transition(
                job, api.scenario(job.scenario), api.fixture.statuses, t, to, natural=natural
            )
            # --clock poll compresses every duration (a lease too): its moves are never "yet"
            why = self._refusal(api, job, transition, natural) if natural else None
            if why is not None:
                model = api.fixture.statuses
                now = render(job, api.scenario(job.scenario), model, transition.at, natural=natural)
                reachable = [
                    s for s in self._statuses(api) if self._reaches(api, job, s, t, natural)
                ]
                raise TransitionRefused(
                    f"{transition.to} is not reachable from {now.status} yet: {why}; "
                    f"reachable: {', '.join(reachable) or 'none'}"
                )
            return transition

        try:
            return await self.store.add_transition(api.name, job_id, make)
        except TransitionRefused as exc:
            raise Conflict(str(exc), slug="transition_refused") from None
        except UnknownStatus:
            known = [*api.fixture.statuses.order, *api.fixture.statuses.terminal]
            raise Unprocessable(
                f"unknown status {to!r}; use 'next' or one of: {', '.join(known)}",
                slug="unknown_status",
            ) from None
        except LookupError:
            raise NotFound("job not found", slug="job_not_found") from None

    @staticmethod
    def _statuses(api: ApiRuntime) -> list[str]:
        return [*api.fixture.statuses.order, *api.fixture.statuses.terminal]

    def _refusal(
        self, api: ApiRuntime, job: Job, transition: Transition, natural: bool
    ) -> str | None:
        """The handler's reason the job `transition` makes is one its vendor could not show."""
        moved, scenario = job.with_transition(transition), api.scenario(job.scenario)
        snap = render(moved, scenario, api.fixture.statuses, transition.at, natural=natural)
        view = JobView(moved, scenario, snap, api.fixture.tenants[job.tenant], transition.at)
        return api.handlers.refuse_move(view)

    def _reaches(self, api: ApiRuntime, job: Job, status: str, t: float, natural: bool) -> bool:
        model, scenario = api.fixture.statuses, api.scenario(job.scenario)
        try:
            transition = resolve_transition(job, scenario, model, t, status, natural=natural)
        except TransitionRefused:
            return False
        return self._refusal(api, job, transition, natural) is None

    async def delete(self, api_name: str, job_id: str) -> None:
        self.runtime(api_name)
        await self.ready()
        if not await self.store.delete(api_name, job_id):
            raise NotFound("job not found", slug="job_not_found")

    async def jobs(self, api_name: str, tenant: str | None = None) -> list[Job]:
        self.runtime(api_name)
        await self.ready()
        return await self.store.list(api_name, tenant)
