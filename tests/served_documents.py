"""A user's document, written by a test and served at `/` in-process (`jobmock serve DOC`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app


@contextmanager
def serving(
    folder: Path, document: Mapping[str, Any], name: str = "doc.json"
) -> Iterator[TestClient]:
    """A client of the app serving `document`, written as JSON to `folder/name`."""
    path = folder / name
    path.write_text(json.dumps(document))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        yield client
