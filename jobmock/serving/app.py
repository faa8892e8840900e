"""`create_app(config)`: the one factory behind `jobmock serve`, the tests and `uvicorn --factory`."""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any

from connexion.exceptions import ProblemException
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException

from jobmock.config import CONFIG_ENV, Config
from jobmock.documents.conformance import template_regex
from jobmock.documents.routes import matching_key
from jobmock.documents.specs import CONTROL_API, HTTP_METHODS, discover, load_spec
from jobmock.engine import resources
from jobmock.engine.handlers import control_operations, load_handlers
from jobmock.engine.mock import ApiRuntime, Mock
from jobmock.errors import ApiError, SpecError
from jobmock.fixtures.loading import load_fixture
from jobmock.frontend import wiring as frontend
from jobmock.http import stack
from jobmock.http.auth import (
    Credentials,
    IssuedCredentials,
    Principal,
    make_security_map,
    without_security,
)
from jobmock.http.binding import ApiContext, resolver_for
from jobmock.http.envelopes import ErrorBoundary, ProblemJson
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.validators import ValidatorCache, make_validator_map
from jobmock.journal.capture import RecordingServerErrors
from jobmock.journal.masking import Secrets
from jobmock.journal.operations import Operations
from jobmock.journal.recorder import Journal, attach, print_line
from jobmock.limits import Limits
from jobmock.store import open_store

CONTROL_PREFIX = "/_mock"


def api_names(config: Config) -> list[str]:
    available = [p.stem for p in discover(config.specs_dir)]
    if not config.apis:
        return available
    unknown = [name for name in config.apis if name not in available]
    if unknown:
        raise SpecError(
            config.specs_dir, f"unknown API {unknown[0]!r}; available: {', '.join(available)}"
        )
    return list(config.apis)


def load_runtime(name: str, config: Config) -> ApiRuntime:
    spec = load_spec(config.specs_dir / f"{name}.yaml")
    fixture = load_fixture(config.fixtures_dir / f"{name}.yaml", api=name)
    handlers = load_handlers(name, config.handlers_dir)
    return ApiRuntime(name=name, spec=spec, fixture=fixture, handlers=handlers, prefix=f"/{name}")


def load_runtimes(config: Config) -> dict[str, ApiRuntime]:
    if config.documents:  # the user's own documents, answered from the document alone
        from jobmock.stateless.runtime import load_stateless

        return load_stateless(config.documents, config.seed)
    return {name: load_runtime(name, config) for name in api_names(config)}


def redirects_slashes(runtime: ApiRuntime) -> bool:
    """A vendor API keeps Starlette's redirect of `/a/` to `/a` (FastAPI's, SeekrFlow's list
    route); a user's document routes as Prism: a path no template takes is 404, never a 307 to
    another operation's path (`/repos/{u}/` with an empty `{slug}` is not `/repos/{u}`)."""
    return runtime.stateless is None


def resolver_of(runtime: ApiRuntime, mock: Mock) -> Any:
    if runtime.stateless is not None:
        from jobmock.stateless.runtime import StatelessResolver

        context = ApiContext(mock, runtime)
        bound = {  # a project's job operations (jobmock.polling.handler)
            key: functools.partial(function, context, runtime.stateless)
            for key, function in runtime.handlers.operations.items()
        }
        return StatelessResolver(runtime.stateless, bound)
    return resolver_for(
        runtime.handlers.operations,
        ApiContext(mock, runtime),
        runtime.spec.path,
        runtime.handlers.path,
    )


def credentials_for(runtimes: dict[str, ApiRuntime], config: Config) -> Credentials:
    credentials = Credentials()
    for runtime in runtimes.values():
        for tenant in runtime.fixture.tenants.values():
            for credential in tenant.credentials:
                principal = Principal(
                    runtime.name, tenant.name, credential.scopes, credential.attributes
                )
                credentials.add(credential.value, principal)
    if config.control_token:
        credentials.add(config.control_token, Principal(CONTROL_API, "operator"))
    else:
        credentials.open_apis.add(CONTROL_API)
    return credentials


def allowed_methods(documents: dict[str, dict[str, Any]]) -> Callable[[str], str | None]:
    """path -> the methods the served spec declares for it (a 405's `Allow`); its index is built
    at the first 405, not at start (GitHub's description has 900 paths to compile)."""

    @functools.cache
    def index() -> list[tuple[re.Pattern[str], str]]:
        return [  # concrete paths first, as requests are routed (`/a/Local.json` before `/a/{id}.json`)
            (
                template_regex(prefix + template),
                ", ".join(m.upper() for m in item if m in HTTP_METHODS),
            )
            for prefix, document in documents.items()
            for template, item in sorted(
                document.get("paths", {}).items(), key=lambda entry: matching_key(entry[0])
            )
        ]

    def allowed(path: str) -> str | None:
        return next((methods for regex, methods in index() if regex.fullmatch(path)), None)

    return allowed


def with_limits(document: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """The control spec with the clock's bounds `limits` sets (specs/control.yaml states the
    defaults), so validation, the contract generator and typed clients see what is enforced."""
    served = copy.deepcopy(document)
    schemas = served["components"]["schemas"]
    bounds = {"speed": limits.clock_max_speed, "advance_seconds": limits.clock_max_advance_s}
    for schema in (schemas["Clock"], *schemas["ClockChange"]["oneOf"]):
        for name, bound in bounds.items():
            if name in schema["properties"]:
                schema["properties"][name]["maximum"] = int(bound) if bound.is_integer() else bound
    return served


def journal_for(config: Config, mock: Mock) -> Journal | None:
    """The request journal (None when neither kept nor logged)."""
    logging = "requests" in config.log
    if not config.journal and not logging:
        return None
    operations = Operations({n: (r.prefix, r.spec.document) for n, r in mock.apis.items()})
    secrets = {
        name: Secrets.of(
            runtime.spec.document,
            (c.value for t in runtime.fixture.tenants.values() for c in t.credentials),
        )
        for name, runtime in mock.apis.items()
    }
    return Journal(
        mock.store,
        operations,
        secrets,
        size=config.journal_size,
        body_limit=config.limits.journal_max_body_bytes,
        keep=config.journal,
        log=print_line if logging else None,
    )


@contextlib.contextmanager
def building(freeze: bool) -> Iterator[None]:
    """Start-up makes millions of long-lived objects (a large document, connexion's copies of
    it): the cyclic garbage collector, which would traverse them all again and again, is paused
    while they are made; a server's are then frozen (`gc.freeze`: never traversed again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def create_app(config: Config | None = None, *, serving: bool = False) -> OpenAPI31App:
    """The app for `config`; `serving`: for a server process (what start-up made is frozen)."""
    with building(freeze=serving):
        return _create_app(config or Config())


def _create_app(config: Config) -> OpenAPI31App:
    runtimes = load_runtimes(config)
    store = open_store(config.store, config.limits)
    mock = Mock(runtimes, store, config.clock, config.speed, config.seed, limits=config.limits)
    credentials = credentials_for(runtimes, config)
    issuing = [n for n, r in runtimes.items() if r.handlers.issues_credentials]
    credentials.issued = IssuedCredentials(mock.store, issuing)  # in the store: workers agree
    prefixes = {runtime.prefix: runtime.name for runtime in runtimes.values()}
    prefixes[CONTROL_PREFIX] = CONTROL_API

    def api_of(request: Any) -> str:
        """The API a routed request is for: connexion's routing names its base path."""
        routing = request.scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
        return prefixes.get(routing.get("api_base_path"), "")

    journal = journal_for(config, mock)
    attach(mock, journal)
    layers = frontend.layers(config, mock)
    if journal is not None:  # outermost: the guards' refusals are recorded too
        layers.last_resort = partial(RecordingServerErrors, journal=journal)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        await mock.start()
        yield
        if journal is not None:
            await journal.flush()
        await mock.store.close()

    cache = ValidatorCache()
    app = OpenAPI31App(
        "jobmock",
        lifespan=lifespan,
        middlewares=stack.middlewares(config, layers),
        validator_map=make_validator_map(cache, config.limits),
        security_map=make_security_map(credentials, api_of),
        validate_responses=config.validate_responses,
        strict_validation=config.strict_validation,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
    )
    for runtime in runtimes.values():
        if not runtime.prefix:  # after the control API: a base path `/` would match /_mock too
            continue
        app.add_api(
            runtime.spec.document,
            base_path=runtime.prefix,
            name=runtime.name,
            resolver=resolver_of(runtime, mock),
            redirect_slashes=redirects_slashes(runtime),
        )
    control_spec = load_spec(resources.specs_dir() / f"{CONTROL_API}.yaml")  # always jobmock's own
    control_document = with_limits(control_spec.document, config.limits)
    if CONTROL_API in credentials.open_apis:  # no --control-token: served as open as it is
        control_document = without_security(control_document)
    control_handlers = control_operations()
    app.add_api(
        control_document,
        base_path=CONTROL_PREFIX,
        name=CONTROL_API,
        resolver=resolver_for(
            control_handlers.OPERATIONS, mock, control_spec.path, "handlers/control.py"
        ),
    )
    for runtime in runtimes.values():
        if not runtime.prefix:
            app.add_api(
                runtime.spec.document,
                base_path="",
                name=runtime.name,
                resolver=resolver_of(runtime, mock),
                redirect_slashes=redirects_slashes(runtime),
            )

    envelopes = {runtime.prefix: runtime.handlers.envelope for runtime in runtimes.values()}
    envelopes[CONTROL_PREFIX] = ProblemJson()
    documents = {runtime.prefix: runtime.spec.document for runtime in runtimes.values()}
    documents[CONTROL_PREFIX] = control_document
    boundary = ErrorBoundary(envelopes, allowed=allowed_methods(documents))
    # ProblemException too: connexion's own handler for it (e.g. 415) would answer problem+json
    for exc_class in (ApiError, ProblemException, HTTPException, Exception):
        # the bound coroutine method: connexion sends any handler `asyncio.iscoroutinefunction`
        # refuses (an instance with an async __call__) through a worker thread, ~0.3 ms an error
        app.add_error_handler(exc_class, boundary.__call__)
    frontend.install(app)  # the /_mock/ dashboard
    app.mock = mock  # type: ignore[attr-defined]  # tests and the CLI reach the engine through it
    return app


def create_app_from_env() -> OpenAPI31App:
    """`create_app` with the Config that $JOBMOCK_CONFIG holds as JSON (`Config()` if unset).

    `jobmock serve --workers N` sets it and has uvicorn call this in each worker process
    (`uvicorn --factory jobmock.app:create_app_from_env` does the same).
    """
    text = os.environ.get(CONFIG_ENV)
    return create_app(Config.from_json(text) if text else Config(), serving=True)


def request_once(app: Any, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Answer one GET in-process (lifespan included): `jobmock serve --get PATH`."""
    from starlette.testclient import TestClient

    with TestClient(app, base_url="http://localhost") as client:  # a local name: HostGuard
        response = client.get(path, headers=headers or {})
        return response.status_code, response.text
