"""What a frontend developer's browser needs, as layers of connexion's stack (`jobmock.http.stack`).

The layers, outermost first:

    guards      a `Host` that names another server (421), a cross-site write to /_mock (403)
                                                                                (jobmock.frontend.guards)
    CORS        before the exception layer: answers preflights before security could refuse them,
                and decorates error answers too                                   (jobmock.frontend.cors)
    ...         connexion's routing and security: the route and the caller are known from here on
    overrides   `Prefer: code=|status=|delay=` for this request               (jobmock.frontend.overrides)
    faults      configured latency, errors and dropped connections               (jobmock.frontend.faults)
    ...         connexion's request validation, then the handler

and the dashboard's page at `/_mock/` (jobmock.frontend.dashboard), a plain route beside the APIs.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from jobmock.config import Config
from jobmock.documents.routes import RouteTable
from jobmock.engine.mock import Mock
from jobmock.errors import FixtureError, SourceError
from jobmock.frontend import dashboard, faults, guards, overrides
from jobmock.frontend import fault_injection as fault_control
from jobmock.frontend.cors import CORSMiddleware, cors_options, declared_response_headers
from jobmock.http.stack import Layers


def baseline_faults(config: Config, mock: Mock) -> faults.FaultSettings:
    """The configured faults: `--fault` options, then each fixture's `faults:` section."""
    rules = []
    for raw in config.faults:
        try:
            rules.append(faults.parse_fault(raw))
        except faults.FaultError as exc:
            raise SourceError("--fault", f"{raw}: {exc}") from None
    for runtime in mock.apis.values():
        rules += runtime.fixture.faults
    return faults.FaultSettings(enabled=True, seed=config.seed, faults=tuple(rules))


def faults_in_force(config: Config, mock: Mock, routes: RouteTable) -> fault_control.FaultControl:
    baseline = baseline_faults(config, mock)
    control = fault_control.FaultControl(mock.store, routes, baseline)
    from_options = len(config.faults)
    for index, fault in enumerate(baseline.faults):
        try:
            control.check(fault)
        except faults.FaultError as exc:
            if index < from_options:
                raise SourceError("--fault", str(exc)) from None
            fixture = mock.apis[fault.api].fixture
            at = ("faults", fixture.faults.index(fault))
            raise fixture.source.error(at, str(exc), FixtureError) from None
    return control


def layers(config: Config, mock: Mock) -> Layers:
    """CORS, overrides and faults as middlewares for `jobmock.http.stack` (the control API's
    /_mock/faults is attached to `mock` here too)."""
    documents = {name: runtime.spec.document for name, runtime in mock.apis.items()}
    routes = RouteTable({name: (rt.prefix, rt.spec.document) for name, rt in mock.apis.items()})
    control = faults_in_force(config, mock, routes)
    fault_control.attach(mock, control)
    cors = partial(
        CORSMiddleware, **cors_options(config.cors_origins, declared_response_headers(documents))
    )
    routed: list[Any] = []
    if config.overrides:
        routed.append(partial(overrides.OverridesMiddleware, routes=routes, apis=mock.apis))
    routed.append(  # after the overrides, which it lets be: `Prefer` asks for an exact answer
        partial(
            fault_control.FaultsMiddleware,
            control=control,
            skip=lambda: overrides.current() is not None,
        )
    )
    outer: list[Any] = [
        partial(guards.HostGuard, allowed=config.allowed_hosts),
        partial(guards.CrossSiteWrites, origins=config.cors_origins),
        cors,
    ]
    return Layers(outer=outer, routed=routed)


def install(app: Any) -> None:
    """The dashboard's page, a plain route beside the APIs."""
    dashboard.mount(app)
