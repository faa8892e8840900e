"""A project folder: a user's OpenAPI document and, beside it, `fixture.yaml` (tenants, scenarios
and the `binding` that makes its jobs move). `jobmock serve FOLDER` serves the document with the
fixture's jobs; without a fixture it is a stateless API.

The fixture belongs to the document its `document:` key names (a file name in the folder), or,
without that key, to the folder's document.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from jobmock.documents.reader import read
from jobmock.documents.specs import ServedSpec
from jobmock.engine.mock import ApiRuntime
from jobmock.errors import FixtureError
from jobmock.fixtures.loading import Fixture, load_fixture
from jobmock.polling.binding import Binding, read_binding

FIXTURE_FILE = "fixture.yaml"


def project_fixture(document: Path) -> Path | None:
    """The project fixture of `document`, or None (a stateless API)."""
    candidate = document.parent / FIXTURE_FILE
    if not candidate.is_file():
        return None
    data = read(candidate, FixtureError).data
    named = data.get("document") if isinstance(data, dict) else None
    if named is not None and Path(str(named)).name != document.name:
        return None
    return candidate


def project_document(fixture: Path) -> Path | None:
    """The document a project fixture belongs to (its `document:`, else the folder's only one)."""
    from jobmock.stateless.documents import documents_in

    data = read(fixture, FixtureError).data
    named = data.get("document") if isinstance(data, dict) else None
    if named is not None:
        return fixture.parent / Path(str(named)).name
    try:
        found = documents_in(fixture.parent)
    except Exception:  # no document beside it: a vendor-style fixture (fixtures/<api>.yaml)
        return None
    return found[0] if len(found) == 1 else None


def load_project(path: Path, spec: ServedSpec, name: str) -> tuple[Fixture, Binding | None]:
    """The fixture at `path`, checked, as API `name`'s, and its binding checked against `spec`."""
    fixture = dataclasses.replace(load_fixture(path), api=name)
    raw = read(path, FixtureError).data.get("binding")
    if raw is None:
        return fixture, None
    counters = {c for s in fixture.scenarios.values() for c in s.counters}
    statuses = (fixture.statuses.order, fixture.statuses.terminal)
    binding = read_binding(raw, spec.document, fixture.source, statuses, counters)
    return fixture, binding


def project_runtime(
    name: str, spec: ServedSpec, prefix: str, seed: int, fixture_path: Path
) -> ApiRuntime:
    """A stateless runtime whose tenants are the fixture's and, with a binding, whose create and
    status operations are the job engine's (`jobmock.polling.handler`)."""
    from jobmock.polling.handler import JobApi
    from jobmock.stateless.runtime import stateless_runtime

    fixture, binding = load_project(fixture_path, spec, name)
    runtime = stateless_runtime(name, spec, prefix, seed)
    if binding is None:
        fixture = dataclasses.replace(fixture, scenarios={}, jobs=(), rules=())
        runtime.fixture = fixture
        return runtime
    jobs = JobApi(name, fixture, binding, runtime.stateless.answers, prefix)
    runtime.fixture = fixture
    runtime.handlers = jobs.handlers(fixture_path, runtime.handlers.envelope)
    runtime.stateless.jobs = jobs
    return runtime
