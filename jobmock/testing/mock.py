"""`InProcessMock`: jobmock in this process, for tests of client code; no server, no socket.

The mock is the app `jobmock serve` runs (`create_app`), on a memory store and, by default, the
manual clock. Its clients talk to it through ASGI transports; the helpers (`create_job`,
`transition`, `advance`, `reset`, `headers`) call the control API (`/_mock`) through the same
client, so a test sees exactly what a client of a real server would.

    with InProcessMock(apis=["matcher"]) as mock:
        job = mock.create_job("matcher", "fails")
        mock.advance(5)
        mock.client.get(job.status_path, headers=job.headers).json()["status"]  # "PROCESSING"
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from jobmock.config import Config
from jobmock.documents.specs import discover
from jobmock.engine import resources
from jobmock.testing.transport import asgi_client

with warnings.catch_warnings():  # connexion's imports warn; a suite run with -W error must not
    warnings.simplefilter("ignore")
    from jobmock.serving.app import CONTROL_PREFIX, create_app

BASE_URL = "http://jobmock"
"""Where the in-process clients send requests: any host would do, nothing is resolved."""

LIVE_START_TIMEOUT = 30.0


class ControlError(RuntimeError):
    """The control API refused a request (unknown API or scenario, a refused transition...)."""

    def __init__(self, method: str, path: str, response: httpx.Response) -> None:
        self.status_code = response.status_code
        try:
            self.problem: dict[str, Any] = response.json()
        except ValueError:
            self.problem = {"detail": response.text}
        detail = self.problem.get("detail") or self.problem.get("title") or response.text
        super().__init__(f"{method} {path}: {response.status_code} {detail}")


@dataclass(frozen=True)
class MockJob:
    """A job as the control API describes it when it was created, moved or read.

    `status` and `terminal` are as of that moment; poll `status_path` (relative to the mock's
    `base_url`) with `headers` (its tenant's credentials) to see it as the vendor API shows it.
    """

    id: str
    api: str
    tenant: str
    scenario: str
    status: str
    terminal: bool
    status_path: str
    headers: dict[str, str]
    created_at: str

    @classmethod
    def from_resource(cls, body: Mapping[str, Any]) -> MockJob:
        return cls(
            id=body["id"],
            api=body["api"],
            tenant=body["tenant"],
            scenario=body["scenario"],
            status=body["status"],
            terminal=body["terminal"],
            status_path=body["status_path"],
            headers=dict(body["headers"]),
            created_at=body["created_at"],
        )


PROJECT_FOLDERS = ("specs", "fixtures", "handlers")


def project_config(project: str | Path) -> dict[str, Any]:
    """The `Config` fields a project folder sets: its `specs/`, `fixtures/` and `handlers/`.

    As with `jobmock serve --specs DIR --fixtures DIR`, a folder the project has replaces the
    bundled one whole, and one it lacks stays bundled. The APIs served by default are those the
    project's folders all cover (a project with only `fixtures/matcher.yaml` serves matcher).
    """
    root = Path(project)
    if not root.is_dir():
        raise FileNotFoundError(f"jobmock project folder {str(root)!r} does not exist")
    config: dict[str, Any] = {}
    for name in PROJECT_FOLDERS:
        folder = root / name
        if folder.is_dir():
            config[f"{name}_dir"] = folder
    if not config:
        raise FileNotFoundError(
            f"jobmock project folder {str(root)!r} has none of specs/, fixtures/, handlers/"
        )
    specs = config.get("specs_dir", resources.specs_dir())
    fixtures = config.get("fixtures_dir", resources.fixtures_dir())
    handlers = config.get("handlers_dir", resources.handlers_dir())
    bundled_handlers = resources.handlers_dir()  # a handler the project lacks is looked up there
    covered = [
        spec.stem
        for spec in discover(specs)
        if (fixtures / spec.name).is_file()
        and any((folder / f"{spec.stem}.py").is_file() for folder in (handlers, bundled_handlers))
    ]
    if not covered:
        raise FileNotFoundError(
            f"jobmock project folder {str(root)!r} covers no API: each needs specs/<api>.yaml,"
            " and fixtures/<api>.yaml, and a handlers/<api>.py (the project's, else a bundled one)"
        )
    return {**config, "apis": tuple(covered)}


@dataclass
class InProcessMock:
    """jobmock's app in this process: a sync `client`, an `async_client` and the control moves.

    Use it as a context manager (or call `start()` and `close()`). Options: `apis` served (default
    every API), `clock` (`manual`, `real` or `poll`), `seed`, `project` (a folder with your own
    `specs/`, `fixtures/` and/or `handlers/`), and any other `Config` field in `config`.
    """

    apis: Iterable[str] = ()
    clock: str = "manual"
    seed: int = 0
    project: str | Path | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    base_url: str = BASE_URL

    def __post_init__(self) -> None:
        apis = (self.apis,) if isinstance(self.apis, str) else tuple(self.apis)
        options: dict[str, Any] = {"store": "memory://", "apis": apis}
        if self.project is not None:
            project = project_config(self.project)
            options.update(project, apis=apis or project["apis"])
        for name, value in self.config.items():  # lists as given in a marker: Config has tuples
            options[name] = tuple(value) if isinstance(value, list) else value
        self.settings = Config(clock=self.clock, seed=self.seed, **options)
        self.app: Any = None
        self._client: httpx.Client | None = None
        self._running = contextlib.ExitStack()
        self._async_client: httpx.AsyncClient | None = None
        self._tenants: dict[str, list[dict[str, Any]]] = {}

    # lifetime ---------------------------------------------------------------------------------
    def start(self) -> InProcessMock:
        """Build the app and run its startup (fixture jobs seeded, clock started)."""
        if self._client is None:
            self.app = create_app(self.settings)
            # the lifespan runs: startup now (fixture jobs seeded), shutdown in close()
            self._client = self._running.enter_context(asgi_client(self.app, self.base_url))
        return self

    def close(self) -> None:
        self._client = self._async_client = None
        self._running.close()

    def __enter__(self) -> InProcessMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # clients ----------------------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        """A synchronous httpx client bound to the mock (`base_url`); no socket is opened."""
        if self._client is None:
            raise RuntimeError("the mock is not started: use `with InProcessMock() as mock:`")
        return self._client

    @property
    def async_client(self) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` over the same app (ASGI transport), for async tests."""
        self.client  # noqa: B018  # started, so the app exists and has run its startup
        if self._async_client is None or self._async_client.is_closed:
            transport = httpx.ASGITransport(app=self.app)
            self._async_client = httpx.AsyncClient(transport=transport, base_url=self.base_url)
        return self._async_client

    @property
    def mock(self) -> Any:
        """The engine (`jobmock.engine.mock.Mock`) behind the app, for what the helpers lack."""
        self.client  # noqa: B018
        return self.app.mock

    # the control API ----------------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control API (`path` under `/_mock`); its JSON answer, or `ControlError`."""
        headers = {}
        if self.settings.control_token:
            headers["Authorization"] = f"Bearer {self.settings.control_token}"
        url = CONTROL_PREFIX + path
        response = self.client.request(method, url, json=body, headers=headers)
        if response.status_code >= 400:
            raise ControlError(method, url, response)
        return response.json() if response.content else None

    def headers(self, api: str, tenant: str | None = None) -> dict[str, str]:
        """The headers a client of `tenant` (default: the API's first tenant) sends to `api`."""
        if api not in self._tenants:
            self._tenants[api] = self.control("GET", f"/apis/{api}/tenants")
        tenants = {entry["name"]: entry["headers"] for entry in self._tenants[api]}
        if tenant is None:
            return dict(next(iter(tenants.values())))
        if tenant not in tenants:
            raise KeyError(f"{api} has no tenant {tenant!r}; known: {', '.join(tenants)}")
        return dict(tenants[tenant])

    def create_job(
        self,
        api: str,
        scenario: str | None = None,
        *,
        tenant: str | None = None,
        **fields: Any,
    ) -> MockJob:
        """A new job of `api` following `scenario` (default: the fixture's rules, then its default
        scenario), owned by `tenant` (default: the first), with these `fields` over the fixture's."""
        body: dict[str, Any] = {}
        if scenario is not None:
            body["scenario"] = scenario
        if tenant is not None:
            body["tenant"] = tenant
        if fields:
            body["fields"] = fields
        return MockJob.from_resource(self.control("POST", f"/apis/{api}/jobs", body))

    def job(self, api: str, job_id: str) -> MockJob:
        """The job as it stands now (its status on the mock clock)."""
        return MockJob.from_resource(self.control("GET", f"/apis/{api}/jobs/{job_id}"))

    def transition(self, api: str, job_id: str, to: str = "next") -> MockJob:
        """Move a job to its next status (`"next"`) or to a named one; `ControlError` if refused."""
        body = {"to": to}
        return MockJob.from_resource(
            self.control("POST", f"/apis/{api}/jobs/{job_id}/transitions", body)
        )

    def advance(self, seconds: float) -> str:
        """Move the mock clock forward; the new mock time (RFC 3339)."""
        now: str = self.control("POST", "/clock", {"advance_seconds": seconds})["now"]
        return now

    def reset(self) -> int:
        """Back to the fixtures: jobs created since are gone, the clock starts again; seed jobs."""
        jobs: int = self.control("POST", "/reset")["jobs"]
        return jobs

    # a real server --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def live(self, host: str = "127.0.0.1") -> Iterator[str]:
        """Serve this same mock (same jobs, same clock) on a free port of `host`; its base URL.

        For code that needs a URL it opens itself. The server runs in a thread and is stopped
        when the block ends.
        """
        import uvicorn

        self.client  # noqa: B018  # started: the server shares this mock's state
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        port = sock.getsockname()[1]
        settings = uvicorn.Config(
            self.app, lifespan="off", log_config=None, access_log=False, log_level="warning"
        )
        server = uvicorn.Server(settings)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="jobmock-live", daemon=True
        )
        thread.start()
        try:
            deadline = time.monotonic() + LIVE_START_TIMEOUT
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"jobmock's live server did not start on {host}:{port}")
                time.sleep(0.01)
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
