"""Every option jobmock has, with its default, in one place; the CLI only fills this in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from jobmock.engine import resources

STATE_DIR = Path(".jobmock")
"""Where `jobmock serve` keeps its state (a SQLite file) unless told otherwise: in the current
directory, like .pytest_cache, so each project has its own jobs and clock."""

CONFIG_ENV = "JOBMOCK_CONFIG"
"""Environment variable holding a Config as JSON for worker processes (`create_app_from_env`)."""


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8000
    apis: tuple[str, ...] = ()  # empty: every API in specs_dir
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
    cors_origins: tuple[str, ...] = ()  # origins a browser may call from; empty: any origin
    overrides: bool = True  # honour `Prefer: code=|status=|delay=` (off for contract runs)
    faults: tuple[
        dict[str, Any], ...
    ] = ()  # fault rules (jobmock.frontend.faults), before the fixtures'

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    def to_json(self) -> str:
        """This config as JSON, for :meth:`from_json` in another process."""
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in plain.items()})

    @classmethod
    def from_json(cls, text: str) -> Config:
        hints = get_type_hints(cls)
        values = json.loads(text)
        for name, value in values.items():
            if hints[name] is Path:
                values[name] = Path(value)
            elif get_origin(hints[name]) is tuple:
                values[name] = tuple(value)
        return cls(**values)
