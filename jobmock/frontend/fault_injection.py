"""The faults in force, and where they act: `FaultControl` keeps them in the store (every worker
agrees) and decides, seeded by a count of requests kept in each worker (no store write per request),
what each request meets; `FaultsMiddleware` applies the decision to
vendor requests. What a fault is and how it is written: `jobmock.frontend.faults`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from jobmock.documents.routes import Route, RouteTable
from jobmock.frontend.faults import FAULT_KINDS, Fault, FaultError, FaultSettings, Outcome
from jobmock.model.lifecycle import Job
from jobmock.store import Store

logger = logging.getLogger("jobmock")

RECORD_API = "_jobmock"
"""The fault settings are one record in the store, kept as a job of this reserved API (no served
API has this name): every store backend can put, get and replace a job atomically, so this needs
nothing new from them; `POST /_mock/reset` clears it with the rest."""


class RequestDraws(random.Random):
    """The draws deciding one request's faults, a function of its key (seed, route, count) alone.

    Each draw is BLAKE2b of the key and the draw's number (~1 µs); `random.Random(key)` seeds a
    Mersenne Twister per request instead (~10 µs, a tenth of a status poll's whole cost).
    `choice` and `uniform` draw through `random`, as `random.Random` does for a subclass
    that replaces it.
    """

    def __init__(self, key: str) -> None:  # not random.Random's: no generator state to seed
        self._key = key.encode()
        self._drawn = 0

    def seed(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to seed: the key is the seed."""

    def random(self) -> float:
        self._drawn += 1
        digest = hashlib.blake2b(b"%s:%d" % (self._key, self._drawn), digest_size=8).digest()
        return (int.from_bytes(digest, "big") >> 11) * 2.0**-53  # 53 bits, as random.random()


class FaultControl:
    """The fault settings in the store, checked against the served routes, and the decisions."""

    def __init__(self, store: Store, routes: RouteTable, baseline: FaultSettings) -> None:
        self.store = store
        self.routes = routes
        self.baseline = baseline
        # settings changed at run time are kept for this configuration only: a restart with other
        # --fault options or fixtures starts from those
        digest = json.dumps(baseline.to_json(), sort_keys=True).encode()
        self.record_id = "faults-" + hashlib.sha256(digest).hexdigest()[:16]
        self._parsed: tuple[Job, FaultSettings] | None = None  # the last record read, parsed
        # requests per route under the settings in force, counted in this worker: no store write
        self._counts: dict[str, int] = {}
        self._counted_revision: int | None = None
        # per route (by id): the route, its count key and the faults that apply to it
        self._selected: dict[int, tuple[Route, str, tuple[Fault, ...]]] = {}
        self._selected_for: FaultSettings | None = None

    def check(self, fault: Fault) -> None:
        """Raise FaultError unless `fault` names served routes it can act on."""
        if fault.api != "*" and fault.api not in self.routes.routes:
            known = ", ".join(self.routes.routes)
            raise FaultError(f"no API named {fault.api!r} is served (served: {known})")
        selected = self.routes.select(fault.api, fault.route)
        if not selected:
            listed = "; ".join(
                f"{r.operation_id} ({r.method} {r.path})"
                for name in ([fault.api] if fault.api != "*" else self.routes.routes)
                for r in self.routes.routes[name]
            )
            where = "any served API" if fault.api == "*" else fault.api
            raise FaultError(f"route {fault.route!r} names no route of {where}: {listed}")
        problem = FAULT_KINDS[fault.kind].check(fault, selected)
        if problem:
            raise FaultError(f"{fault.kind} fault on {fault.api} {fault.route}: {problem}")

    async def current(self) -> FaultSettings:
        record = await self.store.get(RECORD_API, self.record_id)
        if record is None:
            return self.baseline
        # stores hand back the same (frozen) record until it changes: parse it once, not per request
        if self._parsed is None or self._parsed[0] is not record:
            self._parsed = (record, FaultSettings.from_json(record.fields["settings"]))
        return self._parsed[1]

    async def replace(self, settings: FaultSettings) -> FaultSettings:
        for fault in settings.faults:
            self.check(fault)
        revision = await self.store.next_sequence(f"jobmock:faults:{self.record_id}")
        settings = replace(settings, revision=revision)
        record = Job(RECORD_API, self.record_id, RECORD_API, RECORD_API, 0.0, {})
        await self.store.put(replace(record, fields={"settings": settings.to_json()}))
        return settings

    async def decide(self, route: Route) -> Outcome | None:
        """What the faults in force do to this request of `route` (None: nothing)."""
        settings = await self.current()
        if settings is not self._selected_for:  # what applies where, worked out once per settings
            self._selected.clear()
            self._selected_for = settings
        selected = self._selected.get(id(route))
        if selected is None or selected[0] is not route:
            hitting = tuple(fault for fault in settings.faults if fault.applies_to(route))
            selected = self._selected[id(route)] = (
                route,
                f"{route.api}:{route.operation_id}",
                hitting,
            )
        _, key, hitting = selected
        if not settings.enabled or not hitting:
            return None
        if settings.revision != self._counted_revision:  # new settings: count from 1 again
            self._counts.clear()
            self._counted_revision = settings.revision
        self._counts[key] = number = self._counts.get(key, 0) + 1
        rng = RequestDraws(f"{settings.seed}:{key}:{number}")
        outcome = Outcome()
        for fault in hitting:
            if rng.random() < fault.rate:
                FAULT_KINDS[fault.kind].hit(fault, route, rng, outcome)
        return outcome if outcome.kinds else None


_ATTRIBUTE = "_jobmock_faults"


def attach(mock: Any, control: FaultControl) -> None:
    """Give the control API's handlers, which are bound to the Mock, the app's FaultControl."""
    setattr(mock, _ATTRIBUTE, control)


def control_of(mock: Any) -> FaultControl:
    control: FaultControl = getattr(mock, _ATTRIBUTE)
    return control


class FaultsMiddleware:
    """Applies the faults in force to vendor requests (connexion middleware, after security)."""

    def __init__(
        self,
        app: ASGIApp,
        control: FaultControl,
        skip: Callable[[], bool] = lambda: False,
    ) -> None:
        self.app = app
        self.control = control
        self.skip = skip  # e.g. a request whose `Prefer` asks for an exact answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.control.routes.for_scope(scope) if scope["type"] == "http" else None
        outcome = None if route is None or self.skip() else await self.control.decide(route)
        if outcome is None:
            await self.app(scope, receive, send)
            return
        if outcome.delay_ms:
            await asyncio.sleep(outcome.delay_ms / 1000)
        if outcome.drop:
            await drop_connection(send)
            return
        if outcome.error is not None:
            raise outcome.error
        await self.app(scope, receive, send)


async def drop_connection(send: Send) -> None:
    """Start an answer and never finish it: the server closes the connection mid-response, which a
    client sees as a network error (fetch: `TypeError`, httpx: `RemoteProtocolError`)."""
    logger.warning("fault: dropping the connection")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"1024"),
        (b"x-jobmock-fault", b"drop"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})
