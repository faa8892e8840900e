"""Every option jobmock has, with its default, in one place; the CLI only fills these in.

    Config            `jobmock serve` and `create_app(config)`
    ValidateOptions   `jobmock validate` and `jobmock.validate.validate_paths`
    ContractOptions   `jobmock contract` and `jobmock.contract.run`

The CLI's defaults are these fields' (`default(Config, "port")`). The two defaults `jobmock serve`
does not share with the library are named here: `serve_store`, a SQLite file where `Config()` keeps
jobs in memory, and `SERVE_ALLOWED_HOSTS`, local names only where `Config()` (in-process clients
call it `testserver`) answers any.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from jobmock.engine import resources
from jobmock.limits import Limits

STATE_DIR = Path(".jobmock")
"""Where `jobmock serve` keeps its state (a SQLite file) unless told otherwise: in the current
directory, like .pytest_cache, so each project has its own jobs and clock."""

SERVE_ALLOWED_HOSTS: tuple[str, ...] = ()
"""The `Host` names `jobmock serve` answers besides IP addresses and `localhost`: none, so a page
elsewhere that rebinds its name to this machine is refused (jobmock.frontend.guards)."""

CONFIG_ENV = "JOBMOCK_CONFIG"
"""Environment variable holding a Config as JSON for worker processes (`create_app_from_env`)."""


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8000
    apis: tuple[str, ...] = ()  # empty: every API in specs_dir
    # the user's own OpenAPI documents, `PREFIX=PATH` each (PREFIX empty: served at `/`), served
    # instead of the bundled APIs, stateless (jobmock.stateless)
    documents: tuple[str, ...] = ()
    specs_dir: Path = field(default_factory=resources.specs_dir)
    fixtures_dir: Path = field(default_factory=resources.fixtures_dir)
    handlers_dir: Path = field(default_factory=resources.handlers_dir)
    clock: str = "real"  # a key of jobmock.model.clock.CLOCK_MODES
    speed: float = 1.0
    store: str = "memory://"  # a URL whose scheme is a key of jobmock.store.STORES
    workers: int = 1  # processes serving requests; more than one needs a shared store
    seed: int = 0  # every generated id and value derives from it
    control_token: str | None = None  # when set, /_mock requires `Authorization: Bearer <token>`
    validate_responses: bool = False  # connexion checks every response against the spec (slower)
    strict_validation: bool = False
    cors_origins: tuple[
        str, ...
    ] = ()  # origins a browser may call from besides local ones; "*": any
    allowed_hosts: tuple[str, ...] = (
        "*",
    )  # `Host` names answered (jobmock.frontend.guards); IPs always
    overrides: bool = True  # honour `Prefer: code=|status=|delay=` (off for contract runs)
    faults: tuple[
        dict[str, Any], ...
    ] = ()  # fault rules (jobmock.frontend.faults), before the fixtures'
    limits: Limits = field(default_factory=Limits)  # every bound on client input (jobmock.limits)
    journal: bool = True  # record requests in the store (jobmock.journal; GET /_mock/requests)
    journal_size: int = 200  # requests kept per API; the oldest are dropped
    log: tuple[str, ...] = ()  # what to print as it happens: keys of jobmock.journal.LOGS

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    def to_json(self) -> str:
        """This config as JSON, for :meth:`from_json` in another process."""
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        plain["limits"] = asdict(self.limits)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in plain.items()})

    @classmethod
    def from_json(cls, text: str) -> Config:
        hints = get_type_hints(cls)
        values = json.loads(text)
        for name, value in values.items():
            if hints[name] is Path:
                values[name] = Path(value)
            elif hints[name] is Limits:
                values[name] = Limits(**value)
            elif get_origin(hints[name]) is tuple:
                values[name] = tuple(value)
        return cls(**values)


def serve_store(state_dir: Path = STATE_DIR) -> str:
    """The store `jobmock serve` uses when given none: `state.db` in `state_dir` (created), so a
    restarted server continues its jobs and clock.  `Config.store`, the library's default, stays
    memory://: an app built by a test or a program writes nothing to disk unless told to."""
    from jobmock.store.sqlite import state_store_url

    return state_store_url(state_dir)


@dataclass(frozen=True)
class ValidateOptions:
    """Everything `jobmock validate` can be told, with its defaults; the CLI only fills it in."""

    paths: tuple[Path, ...] = ()  # files or folders; empty: everything jobmock serves
    output_format: str = "text"  # a key of jobmock.validate.formats.FORMATS
    output: Path | None = None  # write the report there instead of stdout
    strict: bool = False  # warnings fail the run too
    ruleset: str | None = (
        None  # strict | recommended | minimal; None: the config's, else recommended
    )
    config: Path | None = None  # jobmock.yaml or pyproject.toml; None: found from the cwd up
    specs_dir: Path | None = None  # where a fixture's spec is looked up first (default: beside it)
    fixtures_dir: Path | None = None  # the default targets' fixtures (default: the bundled ones)
    handlers_dir: Path | None = None  # where `handlers/<api>.py` is looked up first
    render: bool = True  # run each fixture's scenarios through its handler (fixture-render-invalid)


# Clock of the in-process mock of a contract run: each status poll moves a job one phase, so a run
# serves every phase of every scenario without waiting.
IN_PROCESS_CLOCK = "poll"


# Linked sequences (up to stateful_max_steps calls each) were 40% of a default run's CPU at 25 per
# API; 10 reached every code and scenario state the 25 did, and 5 every one the 10 did, at 15%
# less CPU (seeds 1234 and 7; bench/results/profile.md, "Contract run")
STATEFUL_SCENARIOS = 5


@dataclass(frozen=True)
class ContractOptions:
    """Everything `jobmock contract` can be told, with its defaults; the CLI only fills it in."""

    url: str | None = None  # None: test jobmock itself, started in-process
    # --spec: the document the server at `url` claims to implement (a user's own, any server)
    spec: Path | None = None
    apis: tuple[str, ...] = ()  # empty: every API the target serves, then the control API
    headers: dict[str, str] = field(default_factory=dict)  # sent on every request, over tenants'
    # Per operation and phase (schemathesis `max-examples`); under the poll clock a vendor API gets
    # at least as many as it takes to poll each of its jobs through every phase.
    max_examples: int = 25
    seed: int | None = None  # None: a random seed, reported so that the run can be replayed
    report: Path | None = None  # write JUnit XML here
    control_token: str | None = None  # the control API's token (`jobmock serve --control-token`)
    app_config: Config = field(default_factory=lambda: Config(clock=IN_PROCESS_CLOCK))
    stateful_max_steps: int = 12  # steps per stateful scenario (create -> get -> transition ...)
    # stateful scenarios per API (None: max_examples, at most STATEFUL_SCENARIOS)
    stateful_examples: int | None = None
    shrink: bool = True  # minimize failing cases (slower on failures; curl lines get shorter)
    request_timeout: float = 10.0  # seconds, for --url runs
    feed_ratio: int = 4  # of every N positive cases, N-1 use a live job's ids; 1 keeps random ids
    # in-process runs: the targets spread over this many processes (0: one per core, at most 4),
    # each serving jobmock itself; schemathesis' generation is CPU-bound, one core per process
    processes: int = 0
    # --url at a jobmock server: False treats it as shared (only the run's own jobs are touched,
    # then removed; server-wide control operations skipped); True resets it to its fixtures first
    reset: bool = False

    def replace(self, **changes: Any) -> ContractOptions:
        return replace(self, **changes)


def default(options: type[Any], name: str) -> Any:
    """The default of field `name` of the options dataclass `options` (a factory's, made now): the
    CLI shows and uses these, so no default is written twice."""
    for option in fields(options):
        if option.name == name:
            if option.default is not MISSING:
                return option.default
            if option.default_factory is not MISSING:
                return option.default_factory()
            raise TypeError(f"{options.__name__}.{name} has no default")
    raise AttributeError(f"{options.__name__} has no option {name!r}")
