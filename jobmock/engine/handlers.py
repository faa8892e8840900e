"""The handler interface: what an API's handler module (`handlers/<api>.py`) provides, checked once
when the app is built.

A handler module is plain Python; :class:`HandlerModule` declares what jobmock reads from it:

    required   OPERATIONS    {operationId: async function(ctx, **parameters)} for the served routes
               render        render(view: JobView) -> the body the status route answers now
               status_path   status_path(job: Job) -> the job's status route, under the API's prefix
    optional   ENVELOPE      the API's error envelope (default: RFC 9457 problem+json)
               new_job       new_job(seq, rng, tenant, fields, now) -> (id, fields) (default: a UUID4)
               CLIENT_HEADERS      headers every client sends besides its credential
               ISSUES_CREDENTIALS  True when the API mints credentials at run time (Claret's tokens)
               refuse_move   refuse_move(view) -> why the vendor could not show the job a forced
                             move just made (the control API's 409), or None (default: never)

:func:`load_handlers` imports the module and returns :class:`Handlers`, the hooks with the defaults
filled in; a missing or ill-typed required hook is a one-line :class:`HandlerError` naming the
module and the hook. Handler folders are packages: a module may import its siblings relatively.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import random
import sys
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from jobmock.errors import SourceError

if TYPE_CHECKING:
    from jobmock.engine.mock import JobView
    from jobmock.fixtures.loading import Tenant
    from jobmock.http.envelopes import Envelope
    from jobmock.model.lifecycle import Job

NewJob = Callable[[int, random.Random, "Tenant", dict[str, Any], float], tuple[str, dict[str, Any]]]
Operation = Callable[..., Awaitable[Any]]

BUNDLED_PACKAGE = "jobmock_handlers"
"""The import name of the bundled `handlers/` folder (another folder gets a name of its own)."""


class HandlerError(SourceError):
    """A handler module that cannot serve its API: missing, broken, or without a required hook."""


class HandlerModule(Protocol):
    """What a handler module defines (module-level names); see the module docstring for the
    optional ones."""

    OPERATIONS: Mapping[str, Operation]

    def render(self, view: JobView) -> Any: ...

    def status_path(self, job: Job) -> str: ...


REQUIRED: dict[str, str] = {
    "OPERATIONS": "a dict {operationId: async function}",
    "render": "a function render(view) -> body",
    "status_path": "a function status_path(job) -> str",
}


def _default_new_job(
    seq: int, rng: random.Random, tenant: Tenant, fields: dict[str, Any], now: float
) -> tuple[str, dict[str, Any]]:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)), fields


def _never_refuse(view: JobView) -> str | None:
    return None


def _missing(path: Path, hook: str) -> Callable[..., Any]:
    def missing(*args: Any) -> Any:
        raise HandlerError(path, f"has no `{hook}` ({REQUIRED[hook]})")

    return missing


def _default_envelope() -> Envelope:
    from jobmock.http.envelopes import ProblemJson

    return ProblemJson()


@dataclass(frozen=True)
class Handlers:
    """An API's hooks, checked, with the defaults for what its module leaves out."""

    api: str
    path: Path
    operations: Mapping[str, Operation]
    render: Callable[[JobView], Any]
    status_path: Callable[[Job], str]
    new_job: NewJob = _default_new_job
    envelope: Envelope = field(default_factory=_default_envelope)
    client_headers: Mapping[str, str] = field(default_factory=dict)
    issues_credentials: bool = False
    refuse_move: Callable[[JobView], str | None] = _never_refuse
    module: ModuleType | None = None  # the module itself, for hooks a handler keeps to itself

    @classmethod
    def from_module(
        cls, api: str, module: ModuleType, need: tuple[str, ...] = tuple(REQUIRED)
    ) -> Handlers:
        """Check `module` against :class:`HandlerModule`; HandlerError names what is missing.

        `need` narrows the required hooks for a caller that uses fewer (`jobmock validate`
        renders bodies only); a hook left out then fails when called."""
        path = Path(module.__file__ or f"<{module.__name__}>")
        for name in need:
            what = REQUIRED[name]
            value = getattr(module, name, None)
            wrong = not isinstance(value, Mapping) if name == "OPERATIONS" else not callable(value)
            if wrong:
                problem = "has no" if value is None else "has a wrong"
                raise HandlerError(
                    path, f"handler module for API {api!r} {problem} `{name}` ({what})"
                )
        optional: dict[str, Any] = {}
        for name, key, check in (
            ("new_job", "new_job", callable),
            ("ENVELOPE", "envelope", lambda value: callable(getattr(value, "render", None))),
            ("CLIENT_HEADERS", "client_headers", lambda value: isinstance(value, Mapping)),
            ("ISSUES_CREDENTIALS", "issues_credentials", lambda value: isinstance(value, bool)),
            ("refuse_move", "refuse_move", callable),
        ):
            if (value := getattr(module, name, None)) is None:
                continue
            if not check(value):
                raise HandlerError(path, f"handler module for API {api!r} has a wrong `{name}`")
            optional[key] = value
        return cls(
            api=api,
            path=path,
            operations=getattr(module, "OPERATIONS", {}),
            render=getattr(module, "render", _missing(path, "render")),
            status_path=getattr(module, "status_path", _missing(path, "status_path")),
            module=module,
            **optional,
        )


def _package_for(directory: Path, bundled: Path) -> str:
    """Import `directory` as a package (so handler modules import siblings relatively)."""
    directory = directory.resolve()
    if directory == bundled.resolve():
        name = BUNDLED_PACKAGE
    else:
        name = f"{BUNDLED_PACKAGE}_{hashlib.sha256(str(directory).encode()).hexdigest()[:12]}"
    loaded = sys.modules.get(name)
    if loaded is not None and list(getattr(loaded, "__path__", [])) == [str(directory)]:
        return name
    init = directory / "__init__.py"
    spec: importlib.machinery.ModuleSpec | None
    if init.exists():
        spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[str(directory)]
        )
    else:  # a user's folder of modules: a namespace of its own
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(directory)]
    if spec is None:  # pragma: no cover - a file location always has a spec
        raise HandlerError(directory, "cannot be imported as a folder of handler modules")
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    if spec.loader is not None:
        spec.loader.exec_module(package)
    return name


def import_handler_module(api: str, directories: list[Path], bundled: Path) -> ModuleType:
    """`<api>.py` from the first of `directories` that has it, imported as part of its folder."""
    for directory in directories:
        if (directory / f"{api}.py").is_file():
            package = _package_for(directory, bundled)
            try:
                return importlib.import_module(f"{package}.{api}")
            except HandlerError:
                raise
            except Exception as exc:  # a user's module: any error it raises is its problem
                where = directory / f"{api}.py"
                raise HandlerError(where, f"cannot import: {type(exc).__name__}: {exc}") from exc
    searched = ", ".join(str(d) for d in directories)
    raise HandlerError(
        directories[0] / f"{api}.py", f"no handler module for API {api!r} (looked in {searched})"
    )


def control_operations() -> ModuleType:
    """The control API's module (`handlers/control.py`): operations only, always jobmock's own."""
    from jobmock.engine import resources

    bundled = resources.handlers_dir()
    return import_handler_module("control", [bundled], bundled)


def load_handlers(
    api: str, directory: Path | None = None, need: tuple[str, ...] = tuple(REQUIRED)
) -> Handlers:
    """The checked hooks of API `api`: `<api>.py` in `directory`, else among the bundled ones."""
    from jobmock.engine import resources

    bundled = resources.handlers_dir()
    directories = [directory] if directory is not None else []
    if bundled not in directories:
        directories.append(bundled)
    return Handlers.from_module(api, import_handler_module(api, directories, bundled), need)
