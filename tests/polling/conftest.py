"""A project folder (a document and its fixture) served in-process, on the manual clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

REPORTS = Path(__file__).resolve().parents[2] / "examples" / "reports"
KEY = {"X-API-Key": "dev-reports-apiKey"}  # the example fixture's tenant


def served(folder: Path, **config: object) -> TestClient:
    document = folder / "openapi.yaml"
    settings = {"clock": "manual", "validate_responses": True, **config}
    return TestClient(create_app(Config(documents=(f"={document}",), **settings)))  # type: ignore[arg-type]


@pytest.fixture
def reports() -> Iterator[TestClient]:
    with served(REPORTS) as client:
        yield client


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of examples/reports to edit."""
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    return folder
