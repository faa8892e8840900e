"""Where jobmock's bundled specs, fixtures and handler modules live.

In a source checkout they sit at the repository root (`specs/`, `fixtures/`, `handlers/`); an
installed wheel carries them inside the package as `jobmock/_bundle/`.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # jobmock/


@cache
def bundle_dir() -> Path:
    """The folder holding `specs/`, `fixtures/` and `handlers/`."""
    installed = _PACKAGE_DIR / "_bundle"
    if (installed / "specs").is_dir():
        return installed
    return _PACKAGE_DIR.parent


def specs_dir() -> Path:
    return bundle_dir() / "specs"


def fixtures_dir() -> Path:
    return bundle_dir() / "fixtures"


def handlers_dir() -> Path:
    return bundle_dir() / "handlers"


def load_handler_module(api: str, directory: Path | None = None) -> ModuleType:
    """Import `handlers/<api>.py` by path, so the same code runs from a checkout and a wheel."""
    path = (directory or handlers_dir()) / f"{api}.py"
    name = f"jobmock_handlers.{api}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"no handler module for API {api!r} at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
