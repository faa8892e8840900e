"""Where jobmock's bundled specs, fixtures and handler modules live.

In a source checkout they sit at the repository root (`specs/`, `fixtures/`, `handlers/`); an
installed wheel carries them inside the package as `jobmock/_bundle/`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

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
