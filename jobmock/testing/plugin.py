"""jobmock's pytest plugin (entry point `pytest11`): the `jobmock` fixture and marker.

    @pytest.mark.jobmock(apis=["matcher"], seed=7)
    def test_polls_until_done(jobmock):
        job = jobmock.create_job("matcher", "completes")
        ...

The fixture is an `InProcessMock`, started for the test and closed after it. Its options come
from the `jobmock_config` fixture (override it in a conftest.py for a folder's tests), then from
`jobmock` markers (module, class, then test: the closest wins). Options: `apis` (or API names as
the marker's arguments), `clock`, `seed`, `project` (relative to pytest's rootdir), and any other
field of `jobmock.config.Config` (`speed`, `faults`...).

Pytest imports this module at every start, in every project where jobmock is installed: it imports
nothing of jobmock's app until a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from jobmock.testing.mock import InProcessMock

MARKER = (
    "jobmock(*apis, apis=(), clock='manual', seed=0, project=None, **config):"
    " options of the jobmock fixture (served APIs, clock mode, seed, project folder,"
    " other jobmock Config fields)"
)
OPTIONS = ("apis", "clock", "seed", "project")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def marker_options(node: pytest.Item) -> dict[str, Any]:
    """The options the `jobmock` markers on a test set, the closest marker winning."""
    options: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("jobmock"))):  # farthest first
        if marker.args:
            options["apis"] = list(marker.args)
        options.update(marker.kwargs)
    return options


def mock_options(options: dict[str, Any], rootpath: Path) -> dict[str, Any]:
    """`InProcessMock`'s arguments: its own options, the rest as `config`; `project` resolved."""
    known = {name: options[name] for name in OPTIONS if name in options}
    config = {name: value for name, value in options.items() if name not in OPTIONS}
    project = known.get("project")
    if project is not None and not Path(project).is_absolute():
        known["project"] = rootpath / project
    return {**known, "config": config}


@pytest.fixture
def jobmock_config() -> dict[str, Any]:
    """Options of the `jobmock` fixture: override this fixture to set them for many tests.

    A `jobmock` marker on a test (or its class or module) wins over what this returns.
    """
    return {}


@pytest.fixture
def jobmock(
    request: pytest.FixtureRequest, jobmock_config: dict[str, Any]
) -> Iterator[InProcessMock]:
    """jobmock in this process (manual clock by default): `client`, `async_client`, `base_url`,
    `headers`, `create_job`, `transition`, `advance`, `reset`, `live()`."""
    from jobmock.testing.mock import InProcessMock

    options = {**jobmock_config, **marker_options(request.node)}
    with InProcessMock(**mock_options(options, request.config.rootpath)) as mock:
        yield mock
