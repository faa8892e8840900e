"""Every option jobmock has, with its default, in one place; the CLI only fills this in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jobmock import resources


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8000
    apis: tuple[str, ...] = ()  # empty: every API in specs_dir
    specs_dir: Path = field(default_factory=resources.specs_dir)
    fixtures_dir: Path = field(default_factory=resources.fixtures_dir)
    handlers_dir: Path = field(default_factory=resources.handlers_dir)
    clock: str = "real"  # a key of jobmock.clock.CLOCK_MODES
    speed: float = 1.0
    store: str = "memory://"  # a URL whose scheme is a key of jobmock.store.STORES
    seed: int = 0  # every generated id and value derives from it
    control_token: str | None = None  # when set, /_mock requires `Authorization: Bearer <token>`
    validate_responses: bool = False  # connexion checks every response against the spec (slower)
    strict_validation: bool = False
    cors_origins: tuple[str, ...] = ()  # origins a browser may call from; empty: any origin
    overrides: bool = True  # honour `Prefer: code=|status=|delay=` (off for contract runs)
    faults: tuple[dict[str, Any], ...] = ()  # fault rules (jobmock.faults), before the fixtures'

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)
