"""Stateless APIs served in-process from the documents in `documents/`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

DOCUMENTS = Path(__file__).parent / "documents"


def served(*entries: str, seed: int = 0) -> TestClient:
    """A client of the app serving `PREFIX=FILE` entries (FILE in documents/)."""
    documents = tuple(
        f"{prefix}={DOCUMENTS / name}" for prefix, name in (e.split("=", 1) for e in entries)
    )
    return TestClient(create_app(Config(documents=documents, seed=seed)))


@pytest.fixture
def petstore30() -> Iterator[TestClient]:
    with served("=petstore-3.0.yaml") as client:
        yield client


@pytest.fixture
def petstore31() -> Iterator[TestClient]:
    with served("=petstore-3.1.yaml") as client:
        yield client


@pytest.fixture
def features() -> Iterator[TestClient]:
    with served("=features.yaml") as client:
        yield client
