"""What a contract run tests: one `Target` per API, found on a server in-process or at a URL.

A server is reached through one `httpx.Client` either way (Starlette's TestClient is one), so
discovery is the same code for `jobmock contract` in-process and `--url`:

- a jobmock server lists its APIs at `/_mock/apis`, serves each spec at `/<api>/openapi.json`,
  its tenants' headers at `/_mock/apis/<api>/tenants` and its scenarios and jobs beside them;
- any other server (a vendor sandbox, a team's backend) is tested against the spec jobmock serves
  for the API named with `--api`: its own `/<api>/openapi.json` if it has one, else jobmock's
  bundled spec, with the URL as base.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from jobmock.contract.errors import ContractUsageError
from jobmock.contract.footprint import Footprint
from jobmock.documents.specs import CONTROL_API

CONTROL_PREFIX = "/_mock"


@dataclass(frozen=True)
class Identity:
    """Who a request is sent as: a tenant's credential, or the headers given with --header."""

    name: str
    tenant: str | None
    headers: Mapping[str, str]


@dataclass(frozen=True)
class LiveJob:
    """A job the server knows, and where its vendor status route is."""

    api: str
    id: str
    tenant: str
    scenario: str
    status_path: str


@dataclass
class Target:
    """One API to test: where its spec and routes are, who to call it as, what it should reach."""

    name: str
    schema_path: str  # where the server serves the spec (relative to the server's root)
    prefix: str  # path the API's routes are mounted under
    identities: list[Identity] = field(default_factory=list)  # the first one sends every case
    document: dict[str, Any] | None = None  # the spec itself, when the server does not serve one
    scenarios: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> phase statuses
    jobs: list[LiveJob] = field(default_factory=list)  # filled by `Discovery.live_jobs`

    @property
    def is_control(self) -> bool:
        return self.name == CONTROL_API

    @property
    def primary(self) -> Identity | None:
        return self.identities[0] if self.identities else None

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(s for phases in self.scenarios.values() for s in phases)

    def scenario_of(self, job_id: str) -> str | None:
        return next((job.scenario for job in self.jobs if job.id == job_id), None)


def status_of(body: Any, statuses: frozenset[str]) -> str | None:
    """The job status a vendor body shows: the shallowest `status` key holding one of `statuses`."""
    level = [body]
    while level:
        deeper: list[Any] = []
        for node in level:
            if isinstance(node, dict):
                value = node.get("status")
                if isinstance(value, str) and value in statuses:
                    return value
                deeper.extend(node.values())
            elif isinstance(node, list):
                deeper.extend(node)
        level = deeper
    return None


def path_pattern(template: str) -> re.Pattern[str]:
    """`/jobs/{id}` -> a regex that matches a concrete path and captures each parameter."""
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("([^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


def path_parameters(template: str, path: str) -> dict[str, str] | None:
    """The parameters of `template` that produce `path`, or None when it does not match."""
    match = path_pattern(template).match(path)
    if match is None:
        return None
    names = re.findall(r"\{([^}]+)\}", template)
    return dict(zip(names, match.groups(), strict=True))


class Discovery:
    """Finds the targets a server offers and the live jobs to feed into generated cases."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        control_headers: Mapping[str, str],
        extra_headers: Mapping[str, str],
        credentials: Mapping[str, list[Identity]] | None = None,
        local_documents: Mapping[str, dict[str, Any]] | None = None,
        given: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        self.client = client
        self.control_headers = dict(control_headers)
        self.extra_headers = dict(extra_headers)
        self.credentials = credentials  # in-process: every credential of every tenant
        self.local_documents = local_documents or {}
        # --spec: the document to test against, whatever the server serves itself
        self.given = dict(given or {})
        self._served: list[dict[str, Any]] | None = None
        # a shared jobmock server: the run feeds, and afterwards removes, only its own jobs
        self.footprint: Footprint | None = None
        self.owned: list[LiveJob] = []

    # requests ------------------------------------------------------------------------------
    def get(self, path: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
        try:
            return self.client.get(path, headers=dict(headers or self.control_headers))
        except httpx.HTTPError as exc:
            raise ContractUsageError(f"cannot reach {self.client.base_url}: {exc}") from None

    def control_json(self, path: str) -> Any:
        response = self.get(CONTROL_PREFIX + path)
        if response.status_code == 401:
            raise ContractUsageError(
                f"{self.client.base_url}{CONTROL_PREFIX} wants a control token: pass --control-token "
                "(or set JOBMOCK_CONTROL_TOKEN) as given to `jobmock serve`"
            )
        response.raise_for_status()
        return response.json()

    def document(self, path: str) -> dict[str, Any]:
        """The spec the server serves at `path`."""
        response = self.get(path, self.extra_headers)
        if response.status_code != 200 or not _is_json_object(response):
            raise ContractUsageError(f"{self.client.base_url}{path} serves no OpenAPI document")
        document: dict[str, Any] = response.json()
        return document

    def served_apis(self) -> list[dict[str, Any]] | None:
        """The APIs of a jobmock server (GET /_mock/apis), or None for any other server."""
        if self._served is None:
            response = self.get(CONTROL_PREFIX + "/apis")
            if response.status_code == 401:
                self.control_json("/apis")  # raises the message about the token
            if response.status_code != 200 or not _is_json_list(response):
                return None
            self._served = list(response.json())
        return self._served

    # targets -------------------------------------------------------------------------------
    def targets(self, names: tuple[str, ...]) -> list[Target]:
        """The targets for `names` (all the server serves when empty), vendor APIs first."""
        served = self.served_apis()
        if served is None:
            return self._foreign_targets(names)
        available = [api["name"] for api in served]
        wanted = list(names) or [*available, CONTROL_API]
        unknown = [n for n in wanted if n not in available and n != CONTROL_API]
        if unknown:
            raise ContractUsageError(
                f"unknown API {unknown[0]!r}; the server serves: "
                + ", ".join([*available, CONTROL_API])
            )
        by_name = {api["name"]: api for api in served}
        ordered = [n for n in wanted if n != CONTROL_API] + [n for n in wanted if n == CONTROL_API]
        targets = [self._jobmock_target(name, by_name.get(name)) for name in dict.fromkeys(ordered)]
        for target in targets:
            target.document = self.given.get(target.name)
        return targets

    def _jobmock_target(self, name: str, info: Mapping[str, Any] | None) -> Target:
        if name == CONTROL_API:
            control = [Identity("control", None, {**self.control_headers, **self.extra_headers})]
            return Target(name, CONTROL_PREFIX + "/openapi.json", CONTROL_PREFIX, control)
        assert info is not None
        prefix = str(info.get("prefix", f"/{name}"))  # "": a document served at /
        scenarios = {
            s["name"]: tuple(p["status"] for p in s["phases"])
            for s in self.control_json(f"/apis/{name}/scenarios")
        }
        identities = self._identities(name)
        return Target(
            name,
            str(info.get("openapi") or f"{prefix}/openapi.json"),
            prefix,
            identities,
            scenarios=scenarios,
        )

    def _identities(self, name: str) -> list[Identity]:
        if self.credentials is not None and name in self.credentials:
            found = list(self.credentials[name])
        else:
            found = [
                Identity(t["name"], t["name"], dict(t["headers"]))
                for t in self.control_json(f"/apis/{name}/tenants")
            ]
        if self.extra_headers:  # --header wins over the tenant's own headers
            found = [Identity(i.name, i.tenant, {**i.headers, **self.extra_headers}) for i in found]
        return found or [Identity("--header", None, self.extra_headers)]

    def _foreign_targets(self, names: tuple[str, ...]) -> list[Target]:
        if not names:
            raise ContractUsageError(
                f"{self.client.base_url} is not a jobmock server (no {CONTROL_PREFIX}/apis): "
                "name the API it implements with --api"
            )
        targets = []
        for name in names:
            identity = [Identity("--header", None, self.extra_headers)]
            if name in self.given:  # the URL is the API's base: its paths are the document's
                targets.append(Target(name, "", "", identity, document=self.given[name]))
                continue
            response = self.get(f"/{name}/openapi.json", self.extra_headers)
            if response.status_code == 200 and _is_json_object(response):
                targets.append(Target(name, f"/{name}/openapi.json", f"/{name}", identity))
            elif name in self.local_documents:
                targets.append(Target(name, "", "", identity, document=self.local_documents[name]))
            else:
                known = ", ".join(sorted(self.local_documents))
                raise ContractUsageError(f"unknown API {name!r}; jobmock knows: {known}")
        return targets

    def clock_mode(self) -> str | None:
        """The mock clock's mode (`poll`, `manual`, `real`) of a jobmock server, else None."""
        if self.served_apis() is None:
            return None
        mode = self.control_json("/clock").get("mode")
        return str(mode) if mode else None

    # live jobs -----------------------------------------------------------------------------
    def live_jobs(self, target: Target, *, create: bool) -> list[LiveJob]:
        """The server's jobs for `target` (every API's, for the control API); with `create`, one
        new job per scenario for the primary tenant first, so every scenario is polled by it.
        On a shared server, only the jobs the run created: one per scenario for the primary
        tenant, and one for each other tenant (whose reads must be refused)."""
        if self.served_apis() is None:
            return []
        names = (
            [a["name"] for a in self.served_apis() or []] if target.is_control else [target.name]
        )
        primary = target.primary
        if create and not target.is_control and primary is not None and primary.tenant:
            for scenario in target.scenarios:
                self._create(target.name, scenario, primary.tenant)
            others = {i.tenant for i in target.identities if i.tenant not in (None, primary.tenant)}
            if self.footprint is not None and target.scenarios:
                for tenant in sorted(t for t in others if t is not None):
                    self._create(target.name, next(iter(target.scenarios)), tenant)
        if self.footprint is not None:
            return [job for job in self.owned if job.api in names]
        return [job for name in names for job in self._jobs(name)]

    def _create(self, api: str, scenario: str, tenant: str) -> None:
        response = self.client.post(
            f"{CONTROL_PREFIX}/apis/{api}/jobs",
            json={"scenario": scenario, "tenant": tenant},
            headers=self.control_headers,
        )
        response.raise_for_status()
        if self.footprint is not None:
            job = response.json()
            self.footprint.remember(job)
            self.owned.append(_live_job(api, job))

    def _jobs(self, api: str) -> Iterator[LiveJob]:
        for job in self.control_json(f"/apis/{api}/jobs"):
            yield _live_job(api, job)

    # a shared server -----------------------------------------------------------------------
    def share(self) -> None:
        """Treat the server as someone else's: note its jobs, so that only the run's own are
        fed to cases and removed afterwards (`jobmock.contract.footprint`)."""
        self.footprint = Footprint()
        for api in self.served_apis() or []:
            self.footprint.before[api["name"]] = {job.id for job in self._jobs(api["name"])}

    def reset(self) -> None:
        """`--reset`: start the server from its fixtures (what `POST /_mock/reset` does)."""
        if self.served_apis() is None:
            raise ContractUsageError(
                f"--reset needs a jobmock server; {self.client.base_url} has no {CONTROL_PREFIX}"
            )
        response = self.client.post(CONTROL_PREFIX + "/reset", headers=self.control_headers)
        response.raise_for_status()

    def clean_up(self) -> int:
        """Delete the jobs the run created (and only those); how many were removed."""
        if self.footprint is None:
            return 0
        removed = 0
        for api in self.served_apis() or []:
            now = [job.id for job in self._jobs(api["name"])]
            for job_id in self.footprint.created(api["name"], now):
                path = f"{CONTROL_PREFIX}/apis/{quote(api['name'], safe='')}/jobs/" + quote(
                    job_id, safe=""
                )
                response = self.client.delete(path, headers=self.control_headers)
                removed += response.status_code < 300
        return removed


def _live_job(api: str, job: Mapping[str, Any]) -> LiveJob:
    return LiveJob(api, str(job["id"]), job["tenant"], job["scenario"], job["status_path"])


def _is_json_list(response: httpx.Response) -> bool:
    try:
        return isinstance(response.json(), list)
    except ValueError:
        return False


def _is_json_object(response: httpx.Response) -> bool:
    try:
        return isinstance(response.json(), dict)
    except ValueError:
        return False
